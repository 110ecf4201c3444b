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
        let rows = try await database.query("""
            SELECT settings::text, switched_on_at FROM message_settings WHERE merchant_id = \(merchant.rawValue)
            """, logger: logger)
        return try rows.first.map { row in
            let (text, switchedOnAt) = try row.decode((String, Date?).self)
            return try Self.settings(fromJSON: text, switchedOnAt: switchedOnAt)
        } ?? .standard
    }

    /// Stores the settings. Kinds switched on after none were (or for the first time) start at
    /// the end of the feed, and are stamped with the time, so that Core sends nothing about the
    /// past (an event the feed has not numbered yet is older than the stamp).
    public func replaceSettings(_ settings: MessageSettings, merchant: MerchantID, now: Date, logger: Logger) async throws {
        try await feed.assignSequences(merchant: merchant, logger: logger)
        let switchedOn: Date? = settings.kinds.isEmpty ? nil : now
        try await database.withTransaction(logger: logger) { connection in
            let position = try await EventFeed.lastSequence(merchant: merchant, on: connection, logger: logger)
            try await connection.query("""
                INSERT INTO message_settings (merchant_id, settings, feed_position, switched_on_at, updated_at)
                VALUES (\(merchant.rawValue), \(try Self.json(settings))::jsonb, \(position), \(switchedOn), \(now))
                ON CONFLICT (merchant_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at,
                    feed_position = CASE WHEN jsonb_array_length(message_settings.settings -> 'kinds') = 0 THEN excluded.feed_position
                                         ELSE message_settings.feed_position END,
                    switched_on_at = CASE WHEN jsonb_array_length(message_settings.settings -> 'kinds') = 0 THEN excluded.switched_on_at
                                          ELSE message_settings.switched_on_at END
                """, logger: logger)
        }
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

    static func settings(fromJSON text: String, switchedOnAt: Date?) throws -> MessageSettings {
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
            dailyCap: integer("daily_cap") ?? MessageSettings.standard.dailyCap, switchedOnAt: switchedOnAt)
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

    /// Records the opt-out (a second time changes nothing: the first reason and time stay) and
    /// holds back the messages to the address that are scheduled or waiting for a retry; nil
    /// `kind` is every kind.
    public func optOut(address: String, kind: MessageKind?, reason: OptOutReason, merchant: MerchantID, now: Date, logger: Logger) async throws
        -> (reason: OptOutReason, createdAt: Date) {
        try await database.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                INSERT INTO message_opt_outs (merchant_id, address_hash, kind, reason, created_at)
                VALUES (\(merchant.rawValue), \(Self.addressHash(address)), \(kind?.rawValue ?? ""), \(reason.rawValue), \(now))
                ON CONFLICT (merchant_id, address_hash, kind) DO UPDATE SET reason = message_opt_outs.reason
                RETURNING reason, created_at
                """, logger: logger).collect()
            try await connection.query("""
                UPDATE notifications SET status = 'suppressed', reason = \(SuppressionReason.optedOut.rawValue), updated_at = \(now), lease = NULL
                WHERE merchant_id = \(merchant.rawValue) AND channel = 'email' AND lower(recipient) = \(address.lowercased())
                  AND (status = 'scheduled' OR (status = 'sending' AND lease IS NULL))
                  AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
                """, logger: logger)
            guard let (stored, createdAt) = try rows.first?.decode((String, Date).self) else { throw DatabaseUnavailable() }
            return (try StoredValue.decode(OptOutReason.self, stored, "message_opt_outs.reason"), createdAt)
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
        guard let merchant = UnsubscribeToken.merchant(of: token) else { return nil }
        let rows = try await database.query("""
            SELECT merchant_id, kind, language, recipient FROM notifications
            WHERE merchant_id = \(merchant.rawValue) AND unsubscribe_token = \(token)
            """, logger: logger)
        return try rows.first.map { row in
            let (merchant, kind, language, recipient) = try row.decode((UUID, String, String, String).self)
            return (MerchantID(merchant), try StoredValue.decode(MessageKind.self, kind, "notifications.kind"),
                    try StoredValue.decode(CustomerLanguage.self, language, "notifications.language"), recipient)
        }
    }
}

/// A message's unsubscribe token: its merchant's id and 24 random bytes, URL-safe. It grants
/// nothing but unsubscribing that message's address from its kind; carrying the merchant keeps
/// every look-up within one merchant's rows.
enum UnsubscribeToken {
    static func make(merchant: MerchantID) -> String {
        Base64URL.encode(withUnsafeBytes(of: merchant.rawValue.uuid) { Data($0) }) + "." + randomToken(bytes: 24)
    }

    static func merchant(of token: String) -> MerchantID? {
        guard let head = token.split(separator: ".", maxSplits: 1).first, let bytes = Base64URL.decode(String(head)), bytes.count == 16 else {
            return nil
        }
        let uuid = bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }
        return MerchantID(UUID(uuid: uuid))
    }
}
