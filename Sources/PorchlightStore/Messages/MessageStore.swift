import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Messages to customers: the merchant's settings and templates, the opt-outs, and the
/// notifications outbox. A planner follows each merchant's event feed (like the webhook
/// fan-out), reads the orders the events are about, lets Core decide per topic and channel,
/// and writes the outcome with the feed position in one transaction; dispatchers in every
/// replica claim due messages (`FOR UPDATE SKIP LOCKED`, leased like webhook deliveries), send
/// them outside any transaction, and record what happened.
public struct MessageStore: Sendable {
    let database: Database
    let feed: EventFeed

    public init(database: Database) {
        self.database = database
        self.feed = EventFeed(database: database)
    }

    // MARK: Settings and templates

    public func settings(merchant: MerchantID, logger: Logger) async throws -> MessageSettings {
        let rows = try await database.query("SELECT settings::text FROM message_settings WHERE merchant_id = \(merchant.rawValue)", logger: logger)
        return try rows.first.map { try Self.settings(fromJSON: try $0.decode(String.self)) } ?? .standard
    }

    /// Stores the settings; a merchant's first settings start the planner at the end of the feed,
    /// so switching messages on never messages customers about the past.
    public func replaceSettings(_ settings: MessageSettings, merchant: MerchantID, now: Date, logger: Logger) async throws {
        try await feed.assignSequences(merchant: merchant, logger: logger)
        try await database.query("""
            INSERT INTO message_settings (merchant_id, settings, feed_position, updated_at)
            VALUES (\(merchant.rawValue), \(try Self.json(settings))::jsonb,
                    (SELECT coalesce(max(sequence), 0) FROM events WHERE merchant_id = \(merchant.rawValue)), \(now))
            ON CONFLICT (merchant_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at
            """, logger: logger)
    }

    static func json(_ settings: MessageSettings) throws -> String {
        var object: [String: JSONValue] = [
            "kinds": .array(settings.kinds.map(\.rawValue).sorted().map(JSONValue.string)),
            "channels": .array(settings.channels.map(\.rawValue).sorted().map(JSONValue.string)),
            "coalesce_minutes": .integer(Int64(settings.coalesceMinutes)), "daily_cap": .integer(Int64(settings.dailyCap)),
            "quiet_hours": .object(["start": .string(settings.quietHours.startText), "end": .string(settings.quietHours.endText)]),
        ]
        object["from_address"] = settings.fromAddress.map(JSONValue.string)
        object["from_name"] = settings.fromName.map(JSONValue.string)
        object["reply_to"] = settings.replyTo.map(JSONValue.string)
        return try JSONValue.object(object).text()
    }

    static func settings(fromJSON text: String) throws -> MessageSettings {
        guard case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            throw StoredValue.Unknown(column: "message_settings.settings", value: text)
        }
        func string(_ key: String) -> String? { if case .string(let value)? = object[key] { value } else { nil } }
        func strings(_ key: String) -> [String] { if case .array(let values)? = object[key] { values.compactMap { if case .string(let v) = $0 { v } else { nil } } } else { [] } }
        func integer(_ key: String) -> Int? { if case .integer(let value)? = object[key] { Int(value) } else { nil } }
        var quiet = MessageSettings.standard.quietHours
        if case .object(let hours)? = object["quiet_hours"], case .string(let start)? = hours["start"], case .string(let end)? = hours["end"] {
            quiet = QuietHours(start: start, end: end) ?? quiet
        }
        return MessageSettings(
            kinds: Set(try strings("kinds").map { try StoredValue.decode(MessageKind.self, $0, "message_settings.kinds") }),
            channels: Set(try strings("channels").map { try StoredValue.decode(MessageChannel.self, $0, "message_settings.channels") }),
            fromAddress: string("from_address"), fromName: string("from_name"), replyTo: string("reply_to"), quietHours: quiet,
            coalesceMinutes: integer("coalesce_minutes") ?? MessageSettings.standard.coalesceMinutes,
            dailyCap: integer("daily_cap") ?? MessageSettings.standard.dailyCap)
    }

    public struct StoredTemplate: Sendable {
        public var kind: MessageKind
        public var language: CustomerLanguage
        public var template: MessageTemplate
        public var updatedAt: Date
    }

    public func templates(merchant: MerchantID, logger: Logger) async throws -> [StoredTemplate] {
        try await database.query("""
            SELECT kind, language, subject, text_body, html_body, updated_at FROM message_templates
            WHERE merchant_id = \(merchant.rawValue) ORDER BY kind, language
            """, logger: logger).map(Self.template(from:))
    }

    public func template(_ kind: MessageKind, _ language: CustomerLanguage, merchant: MerchantID, logger: Logger) async throws -> MessageTemplate? {
        try await database.query("""
            SELECT kind, language, subject, text_body, html_body, updated_at FROM message_templates
            WHERE merchant_id = \(merchant.rawValue) AND kind = \(kind.rawValue) AND language = \(language.rawValue)
            """, logger: logger).first.map { try Self.template(from: $0).template }
    }

    @discardableResult
    public func replaceTemplate(_ template: MessageTemplate, kind: MessageKind, language: CustomerLanguage, merchant: MerchantID, now: Date,
                                logger: Logger) async throws -> StoredTemplate {
        let rows = try await database.query("""
            INSERT INTO message_templates (merchant_id, kind, language, subject, text_body, html_body, updated_at)
            VALUES (\(merchant.rawValue), \(kind.rawValue), \(language.rawValue), \(template.subject), \(template.text), \(template.html), \(now))
            ON CONFLICT (merchant_id, kind, language) DO UPDATE
            SET subject = excluded.subject, text_body = excluded.text_body, html_body = excluded.html_body, updated_at = excluded.updated_at
            RETURNING kind, language, subject, text_body, html_body, updated_at
            """, logger: logger)
        guard let row = rows.first else { throw DatabaseUnavailable() }
        return try Self.template(from: row)
    }

    public func deleteTemplate(_ kind: MessageKind, _ language: CustomerLanguage, merchant: MerchantID, logger: Logger) async throws {
        try await database.query("""
            DELETE FROM message_templates WHERE merchant_id = \(merchant.rawValue) AND kind = \(kind.rawValue) AND language = \(language.rawValue)
            """, logger: logger)
    }

    static func template(from row: PostgresRow) throws -> StoredTemplate {
        let (kind, language, subject, text, html, updatedAt) = try row.decode((String, String, String, String, String?, Date).self)
        return StoredTemplate(kind: try StoredValue.decode(MessageKind.self, kind, "message_templates.kind"),
                              language: try StoredValue.decode(CustomerLanguage.self, language, "message_templates.language"),
                              template: MessageTemplate(subject: subject, text: text, html: html), updatedAt: updatedAt)
    }

    // MARK: Opt-outs

    /// Addresses are compared lower-cased and kept only as a hash.
    static func addressHash(_ address: String) -> Data { MerchantStore.hash(address.lowercased()) }

    /// Records the opt-out (a second time changes nothing) and holds back the messages to the
    /// address that are still scheduled; nil `kind` is every kind.
    public func optOut(address: String, kind: MessageKind?, reason: OptOutReason, merchant: MerchantID, now: Date, logger: Logger) async throws -> Date {
        try await database.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                INSERT INTO message_opt_outs (merchant_id, address_hash, kind, reason, created_at)
                VALUES (\(merchant.rawValue), \(Self.addressHash(address)), \(kind?.rawValue ?? ""), \(reason.rawValue), \(now))
                ON CONFLICT (merchant_id, address_hash, kind) DO UPDATE SET reason = message_opt_outs.reason
                RETURNING created_at
                """, logger: logger)
            try await connection.query("""
                UPDATE notifications SET status = 'suppressed', reason = \(SuppressionReason.optedOut.rawValue), updated_at = \(now), lease = NULL
                WHERE merchant_id = \(merchant.rawValue) AND status = 'scheduled' AND channel = 'email' AND lower(recipient) = \(address.lowercased())
                  AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
                """, logger: logger)
            guard let createdAt = try await rows.collect().first?.decode(Date.self) else { throw DatabaseUnavailable() }
            return createdAt
        }
    }

    /// The one-click unsubscribe of a message's link: the address is opted out of the message's
    /// kind. Nil for a token no message has; the shop's merchant, kind and language otherwise.
    public func unsubscribe(token: String, now: Date, logger: Logger) async throws -> (merchant: MerchantID, kind: MessageKind, language: CustomerLanguage)? {
        guard let found = try await notification(unsubscribeToken: token, logger: logger) else { return nil }
        _ = try await optOut(address: found.recipient, kind: found.kind, reason: .unsubscribed, merchant: found.merchant, now: now, logger: logger)
        return (found.merchant, found.kind, found.language)
    }

    /// Whose message an unsubscribe token belongs to, without changing anything.
    public func notification(unsubscribeToken token: String, logger: Logger) async throws
        -> (merchant: MerchantID, kind: MessageKind, language: CustomerLanguage, recipient: String)? {
        let rows = try await database.query("""
            SELECT merchant_id, kind, language, recipient FROM notifications WHERE unsubscribe_token = \(token)
            """, logger: logger)
        return try rows.first.map { row in
            let (merchant, kind, language, recipient) = try row.decode((UUID, String, String, String).self)
            return (MerchantID(merchant), try StoredValue.decode(MessageKind.self, kind, "notifications.kind"),
                    try StoredValue.decode(CustomerLanguage.self, language, "notifications.language"), recipient)
        }
    }
}
