import Crypto
import Foundation
import Logging
import PorchlightCore
import PostgresNIO

extension MessageStore {
    /// At most this many events are read per merchant and pass (a short transaction).
    static let planBatch = 200

    /// Plans messages for the new events of every merchant with kinds switched on; returns how
    /// many messages were scheduled, changed or held back.
    @discardableResult
    public func plan(now: Date, logger: Logger) async throws -> Int {
        let merchants = try await database.query("""
            SELECT s.merchant_id FROM message_settings s
            WHERE jsonb_array_length(s.settings -> 'kinds') > 0
              AND \(unescaped: EventFeed.hasNewEvents(merchant: "s.merchant_id", after: "s.feed_position"))
            """, logger: logger).decode(UUID.self).map(MerchantID.init)
        var planned = 0
        try await database.eachMerchant(merchants, failing: "message planning", logger: logger) { merchant in
            try await feed.assignSequences(merchant: merchant, logger: logger)
            planned += try await plan(merchant: merchant, now: now, logger: logger)
        }
        return planned
    }

    /// One scheduled message, as the planner keeps track of it through a batch.
    struct Draft {
        var id: UUID
        var isNew: Bool
        var orderID: UUID
        var topic: String
        var channel: MessageChannel
        var kind: MessageKind
        var recipient: String
        var language: CustomerLanguage
        var status: NotificationStatus
        var reason: SuppressionReason?
        var sendAfter: Date
        var version: Int
        var content: MessageContent
        var changed: Bool
    }

    func plan(merchant: MerchantID, now: Date, logger: Logger) async throws -> Int {
        let branding = try await TrackingPageStore(database: database).branding(merchant: merchant, logger: logger)
        return try await database.withTransaction(logger: logger) { connection in
            // Another replica planning for the merchant holds the row: it plans these events.
            let settingsRows = try await connection.query("""
                SELECT settings::text, feed_position, switched_on_at FROM message_settings
                WHERE merchant_id = \(merchant.rawValue) FOR UPDATE SKIP LOCKED
                """, logger: logger).collect()
            guard let (settingsText, position, switchedOnAt) = try settingsRows.first?.decode((String, Int64, Date?).self) else { return 0 }
            let settings = try Self.settings(fromJSON: settingsText, switchedOnAt: switchedOnAt)
            let events = try await connection.query("""
                SELECT \(unescaped: EventFeed.columns) FROM events
                WHERE merchant_id = \(merchant.rawValue) AND sequence > \(position)
                ORDER BY sequence LIMIT \(Self.planBatch)
                """, logger: logger).collect().map(EventFeed.event(from:))
            guard let last = events.last?.sequence else { return 0 }
            let triggers = try events.compactMap { event -> (orderID: UUID, topic: String, at: Date)? in
                guard let orderID = event.orderID,
                      case .object(let data) = try JSONDecoder().decode(JSONValue.self, from: Data(event.data.utf8)),
                      let topic = MessagePlanning.topic(of: event.type, data: data) else { return nil }
                return (orderID, topic, event.occurredAt)
            }
            var changes = 0
            if !triggers.isEmpty, let branding {
                // All at once: the transaction stays short, and the feed's numbering (which waits for
                // the oldest running transaction) is not held up by it.
                let read = try await OrderAggregates.read(Array(Set(triggers.map(\.orderID))), merchant: merchant, on: connection, logger: logger)
                let orders = Dictionary(read.map { ($0.order.id, $0) }, uniquingKeysWith: { first, _ in first })
                var known = try await Self.known(orderIDs: Array(orders.keys), merchant: merchant, on: connection, logger: logger)
                let optOuts = try await Self.optOuts(addresses: orders.values.map(\.order.customer.email), merchant: merchant, on: connection,
                                                     logger: logger)
                let shop = MessageContent.Shop(branding)
                var drafts: [String: Draft] = [:]
                for trigger in triggers {
                    guard let loaded = orders[trigger.orderID] else { continue }
                    let (order, context) = (loaded.order, loaded.context)
                    // A cancelled order holds back every message still scheduled for it.
                    let topics = order.status == .cancelled ? Set([trigger.topic] + known.scheduledTopics(of: order.id)) : [trigger.topic]
                    for topic in topics {
                        for channel in MessageChannel.allCases where settings.channels.contains(channel) {
                            let key = "\(order.id)|\(channel.rawValue)|\(topic)"
                            let scheduled = drafts[key].flatMap { $0.status == .scheduled ? $0 : nil } ?? known.scheduled[key]
                            let kind = MessagePlanning.kind(of: topic, in: order)
                            let language = CustomerLanguage.negotiate(nil, storedLocale: order.customer.locale)
                            let situation = MessagePlanning.Situation(
                                kind: kind, eventAt: trigger.at,
                                scheduled: scheduled.map { .init(kind: $0.kind, sendAfter: $0.sendAfter) },
                                sent: known.sent[key] ?? [], trackingUpdatesToday: known.trackingToday["\(order.id)|\(channel.rawValue)"] ?? 0,
                                optedOut: channel == .email && kind.map { optOuts.contains(Self.optOutKey(order.customer.email, $0)) } ?? false)
                            let decision = MessagePlanning.decide(situation, order: order, settings: settings, now: now)
                            func draft(_ kind: MessageKind, _ status: NotificationStatus, _ reason: SuppressionReason?, sendAfter: Date) -> Draft {
                                Draft(id: Self.messageID(order: order.id, topic: topic, kind: kind, channel: channel, at: trigger.at), isNew: true,
                                      orderID: order.id, topic: topic, channel: channel, kind: kind, recipient: order.customer.email,
                                      language: language, status: status, reason: reason, sendAfter: sendAfter, version: order.version,
                                      content: MessageContent.build(kind, topic: topic, order: order, context: context, language: language, shop: shop),
                                      changed: true)
                            }
                            switch decision {
                            case .nothing:
                                continue
                            case .schedule(let kind, let sendAfter):
                                drafts[key] = draft(kind, .scheduled, nil, sendAfter: sendAfter)
                                if kind.isTrackingUpdate { known.trackingToday["\(order.id)|\(channel.rawValue)", default: 0] += 1 }
                            case .suppress(let kind, let reason):
                                // Recorded under its own key: it never stands in the way of a later one.
                                drafts["\(key)|\(UUID.random())"] = draft(kind, .suppressed, reason, sendAfter: now)
                            case .replace(let kind):
                                guard var replaced = scheduled else { continue }
                                replaced.kind = kind
                                replaced.version = order.version
                                replaced.content = MessageContent.build(kind, topic: topic, order: order, context: context,
                                                                        language: replaced.language, shop: shop)
                                replaced.changed = true
                                drafts[key] = replaced
                            case .withdraw(let reason):
                                guard var withdrawn = scheduled else { continue }
                                (withdrawn.status, withdrawn.reason, withdrawn.changed) = (.suppressed, reason, true)
                                drafts[key] = withdrawn
                                known.scheduled[key] = nil
                            }
                            changes += 1
                        }
                    }
                }
                try await Self.write(drafts.values.filter(\.changed), merchant: merchant, now: now, on: connection, logger: logger)
            }
            try await connection.query("""
                UPDATE message_settings SET feed_position = \(last) WHERE merchant_id = \(merchant.rawValue)
                """, logger: logger)
            return changes
        }
    }

    /// A message's id (and so its `Message-ID`), from what it is first about: the order, topic,
    /// kind and channel, and the time of the event (the first 16 bytes of their SHA-256, laid out
    /// as a name-based UUID).
    static func messageID(order: UUID, topic: String, kind: MessageKind, channel: MessageChannel, at: Date) -> UUID {
        let digest = Array(SHA256.hash(data: Data("\(order)|\(topic)|\(kind.rawValue)|\(channel.rawValue)|\(at.timeIntervalSince1970)".utf8)))
        var bytes = Array(digest.prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8: a custom, name-based UUID
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    static func optOutKey(_ address: String, _ kind: MessageKind?) -> String { "\(address.lowercased())|\(kind?.rawValue ?? "")" }

    /// What the orders' messages already are: those scheduled (by order, channel and topic), the
    /// kinds sent per topic, and the tracking updates of the last 24 hours.
    struct Known {
        var scheduled: [String: Draft] = [:]
        var sent: [String: Set<MessageKind>] = [:]
        var trackingToday: [String: Int] = [:]

        func scheduledTopics(of order: UUID) -> [String] { scheduled.values.filter { $0.orderID == order }.map(\.topic) }
    }

    static func known(orderIDs: [UUID], merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> Known {
        var known = Known()
        let rows = try await connection.query("""
            SELECT id, order_id, topic, channel, kind, recipient, language, status, send_after, document_version, variables::text,
                   created_at > now() - interval '1 day'
            FROM notifications
            WHERE merchant_id = \(merchant.rawValue) AND order_id = ANY(\(orderIDs)) AND status IN ('scheduled', 'sending', 'sent')
            FOR UPDATE
            """, logger: logger)
        for try await row in rows {
            let (id, orderID, topic, channelText, kindText, recipient, languageText, statusText, sendAfter, version, variables, today) =
                try row.decode((UUID, UUID, String, String, String, String, String, String, Date, Int, String, Bool).self)
            let channel = try StoredValue.decode(MessageChannel.self, channelText, "notifications.channel")
            let kind = try StoredValue.decode(MessageKind.self, kindText, "notifications.kind")
            let key = "\(orderID)|\(channel.rawValue)|\(topic)"
            if kind.isTrackingUpdate, today { known.trackingToday["\(orderID)|\(channel.rawValue)", default: 0] += 1 }
            // One being sent (or retried) counts as sent: the next news is a message of its own.
            if statusText != NotificationStatus.scheduled.rawValue {
                known.sent[key, default: []].insert(kind)
                continue
            }
            guard let content = MessageContent(json: try JSONDecoder().decode(JSONValue.self, from: Data(variables.utf8))) else {
                throw StoredValue.Unknown(column: "notifications.variables", value: variables)
            }
            known.scheduled[key] = Draft(id: id, isNew: false, orderID: orderID, topic: topic, channel: channel, kind: kind, recipient: recipient,
                                         language: try StoredValue.decode(CustomerLanguage.self, languageText, "notifications.language"),
                                         status: .scheduled, reason: nil, sendAfter: sendAfter, version: version, content: content, changed: false)
        }
        return known
    }

    /// The opt-outs of these addresses, as `optOutKey`s: each for its kind and, with an empty
    /// kind, for every kind.
    static func optOuts(addresses: [String], merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        let byHash = Dictionary(addresses.map { (addressHash($0), $0) }, uniquingKeysWith: { first, _ in first })
        let rows = try await connection.query("""
            SELECT address_hash, kind FROM message_opt_outs WHERE merchant_id = \(merchant.rawValue) 
              AND address_hash IN (SELECT decode(h, 'hex') FROM unnest(\(byHash.keys.map { $0.map { String(format: "%02x", $0) }.joined() })::text[]) AS h)
            """, logger: logger)
        var keys = Set<String>()
        for try await (hash, kind) in rows.decode((Data, String).self) {
            guard let address = byHash[hash] else { continue }
            if kind.isEmpty {
                for every in MessageKind.allCases { keys.insert(optOutKey(address, every)) }
            } else if let kind = MessageKind(rawValue: kind) {
                keys.insert(optOutKey(address, kind))
            }
        }
        return keys
    }

    /// Inserts the new messages and updates the changed ones, in two statements.
    static func write(_ drafts: [Draft], merchant: MerchantID, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let new = drafts.filter(\.isNew)
        if !new.isEmpty {
            try await connection.query("""
                INSERT INTO notifications (merchant_id, id, order_id, topic, kind, channel, recipient, language, status, reason, send_after,
                    next_attempt_at, document_version, variables, unsubscribe_token, created_at, updated_at)
                SELECT \(merchant.rawValue), n.id, n.order_id, n.topic, n.kind, n.channel, n.recipient, n.language, n.status, n.reason,
                    n.send_after, n.send_after, n.version, n.variables::jsonb, n.token, \(now), \(now)
                FROM unnest(\(new.map(\.id))::uuid[], \(new.map(\.orderID))::uuid[], \(new.map(\.topic))::text[], \(new.map(\.kind.rawValue))::text[],
                    \(new.map(\.channel.rawValue))::text[], \(new.map(\.recipient))::text[], \(new.map(\.language.rawValue))::text[],
                    \(new.map(\.status.rawValue))::text[], \(NullableArray(new.map { $0.reason?.rawValue }))::text[], \(new.map(\.sendAfter))::timestamptz[],
                    \(new.map(\.version))::int8[], \(try new.map { try $0.content.json.text() })::text[],
                    \(new.map { _ in UnsubscribeToken.make(merchant: merchant) })::text[])
                    AS n(id, order_id, topic, kind, channel, recipient, language, status, reason, send_after, version, variables, token)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let changed = drafts.filter { !$0.isNew }
        if !changed.isEmpty {
            try await connection.query("""
                UPDATE notifications o SET kind = n.kind, status = n.status, reason = n.reason, document_version = n.version,
                    variables = n.variables::jsonb, updated_at = \(now), lease = CASE WHEN n.status = 'scheduled' THEN o.lease END
                FROM unnest(\(changed.map(\.id))::uuid[], \(changed.map(\.kind.rawValue))::text[], \(changed.map(\.status.rawValue))::text[],
                    \(NullableArray(changed.map { $0.reason?.rawValue }))::text[], \(changed.map(\.version))::int8[],
                    \(try changed.map { try $0.content.json.text() })::text[]) AS n(id, kind, status, reason, version, variables)
                WHERE o.merchant_id = \(merchant.rawValue) AND o.id = n.id AND o.status = 'scheduled'
                """, logger: logger)
        }
    }
}
