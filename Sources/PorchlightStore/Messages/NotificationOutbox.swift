import Foundation
import Logging
import PorchlightCore
import PostgresNIO

extension MessageStore {
    /// A due message a dispatcher has leased, with what it needs to render and send it.
    public struct Claimed: Sendable {
        public var merchant: MerchantID
        public var id: UUID
        public var orderID: UUID
        public var orderNumber: String
        public var kind: MessageKind
        public var channel: MessageChannel
        public var recipient: String
        public var phone: String?
        public var name: String?
        public var language: CustomerLanguage
        public var version: Int
        public var content: MessageContent
        public var unsubscribeToken: String
        public var attempt: Int
        public var lease: UUID
        public var settings: MessageSettings
        /// The merchant's own template for this kind and language, if any.
        public var template: MessageTemplate?
        /// The merchant's page address and store name; nil once the page is gone.
        public var pageSlug: String?
        public var storeName: String?

        public var messageID: String { MessageStore.messageID(id) }
    }

    /// A message's `Message-ID`: the same on every attempt, from the message's id.
    static func messageID(_ id: UUID) -> String { "<\(id.uuidString.lowercased().replacingOccurrences(of: "-", with: ""))@porchlight>" }

    /// Leases up to `limit` due messages of these channels for `lease` (a replica without an SMTP
    /// server leaves email to those with one): scheduled ones become `sending`, and stay so through
    /// their retries, so the planner plans the next news as a message of its own; a lease that ran
    /// out (its dispatcher died) is taken again. The claim goes merchant by merchant, the slots
    /// shared as `SlotShares` says: the merchants that waited longest take turns.
    public func claim(channels: [MessageChannel], limit: Int, lease: Duration, logger: Logger) async throws -> [Claimed] {
        guard limit > 0 else { return [] }
        // The merchants that waited longest: no more can have a share.
        let due = try await database.query("""
            SELECT merchant_id, min(next_attempt_at) FROM notifications
            WHERE status IN ('scheduled', 'sending') AND next_attempt_at <= now() AND channel = ANY(\(channels.map(\.rawValue)))
            GROUP BY merchant_id
            ORDER BY 2 LIMIT \(limit)
            """, logger: logger).decode((UUID, Date).self)
        let token = UUID.random()
        return try await database.claimByMerchant(
            limit, among: due.map { SlotShares.Candidate(merchant: MerchantID($0.0), inFlight: 0, oldestDue: $0.1) }, logger: logger
        ) { merchant, limit in
            try await claim(channels: channels, merchant: merchant, limit: limit, lease: lease, token: token, logger: logger)
        }
    }

    func claim(channels: [MessageChannel], merchant: MerchantID, limit: Int, lease: Duration, token: UUID, logger: Logger) async throws -> [Claimed] {
        let rows = try await database.query("""
            WITH claimed AS (
                SELECT id, order_id, kind, language FROM notifications
                WHERE merchant_id = \(merchant.rawValue)::uuid AND status IN ('scheduled', 'sending') AND next_attempt_at <= now()
                  AND channel = ANY(\(channels.map(\.rawValue)))
                ORDER BY next_attempt_at LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            )
            UPDATE notifications n
            SET status = 'sending', next_attempt_at = now() + \(lease.components.seconds) * interval '1 second', attempts = n.attempts + 1,
                lease = \(token)
            FROM claimed
                JOIN orders o ON o.merchant_id = \(merchant.rawValue) AND o.id = claimed.order_id
                JOIN message_settings s ON s.merchant_id = \(merchant.rawValue)
                LEFT JOIN message_templates t ON t.merchant_id = \(merchant.rawValue) AND t.kind = claimed.kind AND t.language = claimed.language
                LEFT JOIN tracking_pages p ON p.merchant_id = \(merchant.rawValue)
            WHERE n.merchant_id = \(merchant.rawValue) AND n.id = claimed.id
            RETURNING n.id, n.order_id, o.order_number, n.kind, n.channel, n.recipient, o.customer_phone, o.customer_name,
                n.language, n.document_version, n.variables::text, n.unsubscribe_token, n.attempts, s.settings::text, s.switched_on_at,
                t.subject, t.text_body, t.html_body, p.slug, p.branding ->> 'store_name'
            """, logger: logger)
        var claimed: [Claimed] = []
        for row in rows {
            let (id, orderID, orderNumber, kind, channel, recipient, phone, name, language, version, variables, unsubscribeToken, attempts,
                 settings, switchedOnAt, subject, text, html, slug, storeName) =
                try row.decode((UUID, UUID, String, String, String, String, String?, String?, String, Int, String, String, Int,
                                String, Date?, String?, String?, String?, String?, String?).self)
            guard let content = MessageContent(json: try JSONDecoder().decode(JSONValue.self, from: Data(variables.utf8))) else {
                throw StoredValue.Unknown(column: "notifications.variables", value: variables)
            }
            claimed.append(Claimed(
                merchant: merchant, id: id, orderID: orderID, orderNumber: orderNumber,
                kind: try StoredValue.decode(MessageKind.self, kind, "notifications.kind"),
                channel: try StoredValue.decode(MessageChannel.self, channel, "notifications.channel"),
                recipient: recipient, phone: phone, name: name,
                language: try StoredValue.decode(CustomerLanguage.self, language, "notifications.language"), version: version,
                content: content, unsubscribeToken: unsubscribeToken, attempt: attempts, lease: token,
                settings: try Self.settings(fromJSON: settings, switchedOnAt: switchedOnAt),
                template: subject.flatMap { subject in text.map { MessageTemplate(subject: subject, text: $0, html: html) } },
                pageSlug: slug, storeName: storeName))
        }
        return claimed
    }

    /// What became of an attempt.
    public enum Outcome: Sendable {
        /// The SMTP server accepted it; or, for `webhook`, this event is to be written.
        case sent(subject: String, event: DomainEvent?)
        case retry(at: Date, error: String)
        /// Refused for good; `bounced` opts the address out (a hard bounce).
        case failed(error: String, bounced: Bool)
        case suppressed(SuppressionReason)
    }

    /// Records an attempt, if this dispatcher still holds the message's lease: its new state, and
    /// for a webhook message its `notification.requested` event, in one transaction.
    public func record(_ message: Claimed, _ outcome: Outcome, now: Date, logger: Logger) async throws {
        try await database.withTransaction(logger: logger) { connection in
            let (status, reason, subject, error, nextAttempt): (NotificationStatus, SuppressionReason?, String?, String?, Date?) = switch outcome {
            case .sent(let subject, _): (.sent, nil, subject, nil, nil)
            case .retry(let at, let error): (.sending, nil, nil, error, at)
            case .failed(let error, _): (.failed, nil, nil, error, nil)
            case .suppressed(let reason): (.suppressed, reason, nil, nil, nil)
            }
            let updated = try await connection.query("""
                UPDATE notifications SET status = \(status.rawValue), reason = \(reason?.rawValue), subject = coalesce(\(subject), subject),
                    last_error = coalesce(\(error), last_error), next_attempt_at = coalesce(\(nextAttempt), next_attempt_at),
                    sent_at = CASE WHEN \(status.rawValue) = 'sent' THEN \(now) END, lease = NULL, updated_at = \(now)
                WHERE merchant_id = \(message.merchant.rawValue) AND id = \(message.id) AND lease = \(message.lease) AND status = 'sending'
                RETURNING id
                """, logger: logger).collect()
            guard !updated.isEmpty else { return }
            if case .sent(_, let event?) = outcome {
                try await connection.query("""
                    INSERT INTO events (merchant_id, id, type, order_id, document_version, occurred_at, data)
                    VALUES (\(message.merchant.rawValue), \(UUID.timeOrdered(at: now)), \(event.type.rawValue), \(message.orderID), \(message.version), \(now),
                            \(try event.data.text())::json)
                    """, logger: logger)
            }
            if case .failed(_, true) = outcome {
                try await connection.query("""
                    INSERT INTO message_opt_outs (merchant_id, address_hash, kind, reason, created_at)
                    VALUES (\(message.merchant.rawValue), \(Self.addressHash(message.recipient)), '', \(OptOutReason.bounce.rawValue), \(now))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
        }
    }

    // MARK: The merchant's view

    public struct NotificationRecord: Sendable {
        public var id: UUID
        public var orderID: UUID
        public var kind: MessageKind
        public var channel: MessageChannel
        public var recipient: String
        public var language: CustomerLanguage
        public var status: NotificationStatus
        public var reason: SuppressionReason?
        public var sendAfter: Date
        public var sentAt: Date?
        public var attempts: Int
        public var lastError: String?
        public var version: Int
        public var subject: String?
        public var createdAt: Date
        public var updatedAt: Date

        public var messageID: String { MessageStore.messageID(id) }
    }

    /// Newest first, a page at a time.
    public func notifications(orderID: UUID?, limit: Int, cursor: String?, merchant: MerchantID, logger: Logger) async throws
        -> (items: [NotificationRecord], nextCursor: String?) {
        let after = try cursor.map { try PageCursor(token: $0) }
        let rows = try await database.query("""
            SELECT id, order_id, kind, channel, recipient, language, status, reason, send_after, sent_at, attempts, last_error,
                   document_version, subject, created_at, updated_at
            FROM notifications
            WHERE merchant_id = \(merchant.rawValue) AND (\(orderID)::uuid IS NULL OR order_id = \(orderID))
              AND (\(after?.micros)::int8 IS NULL
                   OR (created_at, id) < ('epoch'::timestamptz + \(after?.micros) * interval '1 microsecond', \(after?.id)))
            ORDER BY created_at DESC, id DESC
            LIMIT \(limit + 1)
            """, logger: logger)
        var items = try rows.map { row in
            let (id, orderID, kind, channel, recipient, language, status, reason, sendAfter, sentAt, attempts, lastError, version, subject,
                 createdAt, updatedAt) = try row.decode((UUID, UUID, String, String, String, String, String, String?, Date, Date?, Int, String?,
                                                          Int, String?, Date, Date).self)
            return NotificationRecord(
                id: id, orderID: orderID, kind: try StoredValue.decode(MessageKind.self, kind, "notifications.kind"),
                channel: try StoredValue.decode(MessageChannel.self, channel, "notifications.channel"), recipient: recipient,
                language: try StoredValue.decode(CustomerLanguage.self, language, "notifications.language"),
                status: try StoredValue.decode(NotificationStatus.self, status, "notifications.status"),
                reason: try reason.map { try StoredValue.decode(SuppressionReason.self, $0, "notifications.reason") },
                sendAfter: sendAfter, sentAt: sentAt, attempts: attempts, lastError: lastError, version: version, subject: subject,
                createdAt: createdAt, updatedAt: updatedAt)
        }
        var next: String?
        if items.count > limit {
            items.removeLast()
            next = items.last.map { PageCursor(time: $0.createdAt, id: $0.id).token }
        }
        return (items, next)
    }

    /// The age of the oldest message due and not yet sent, in seconds (0 when none is due).
    public func lag(logger: Logger) async throws -> Double {
        let rows = try await database.query("""
            SELECT coalesce(extract(epoch FROM now() - min(send_after)), 0)::float8 FROM notifications
            WHERE status IN ('scheduled', 'sending') AND send_after <= now()
            """, logger: logger)
        return try rows.first?.decode(Double.self) ?? 0
    }
}
