import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Disruptions the merchant declares. Each order reads the unresolved ones when it loads
/// (`OrderAggregates`), and Core decides which hold it up; so a declaration or a change
/// re-checks the orders it may hold up or release before it answers (`recheckOrders`), and an
/// end the detector pass records makes the orders it held up due for that pass.
public struct DisruptionStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Declares a disruption as Core checks it (`DisruptionDraft.declared`), with its
    /// `disruption.declared` event, and re-checks the merchant's open orders it may hold up (those
    /// it holds up from a later start learn it then: their next check is its start). At most
    /// `DeclaredDisruption.maxUnresolved` at a time: every order's load reads them. Returns it
    /// with the count of open orders it holds up.
    public func declare(_ draft: DisruptionDraft, merchant: MerchantID, idempotency: IdempotentWrite<Declared>? = nil,
                        logger: Logger) async throws -> Declared {
        let disruption = try draft.declared(id: UUID.random(), now: database.clock.now.asStored)
        return try await database.withTransaction(logger: logger) { connection in
            try await MerchantStore.serialiseLimitedWrites(of: merchant, on: connection, logger: logger)
            let unresolved = try await connection.query("""
                SELECT count(*) FROM declared_disruptions WHERE merchant_id = \(merchant.rawValue) AND resolved_at IS NULL
                """, logger: logger).collect().first?.decode(Int.self) ?? 0
            guard unresolved < DeclaredDisruption.maxUnresolved else {
                throw DomainError.conflict("A merchant has at most \(DeclaredDisruption.maxUnresolved) disruptions not yet resolved; resolve one first.")
            }
            try await connection.query("""
                INSERT INTO declared_disruptions (merchant_id, id, cause, scope, starts_at, expected_end_at, extra_days,
                    customer_message, customer_message_language, customer_messages, resolved_at, created_at, updated_at)
                VALUES (\(merchant.rawValue), \(disruption.id), \(disruption.cause.rawValue), \(try Self.encode(disruption.scope))::jsonb,
                    \(disruption.startsAt), \(disruption.expectedEndAt), \(disruption.extraDays), \(disruption.customerMessage),
                    \(disruption.customerMessageLanguage.rawValue), \(try Self.encode(disruption.customerMessages))::jsonb,
                    NULL, \(disruption.createdAt), \(disruption.updatedAt))
                """, logger: logger)
            try await Self.append(.disruptionDeclared, of: [disruption], now: disruption.createdAt, merchant: merchant, on: connection, logger: logger)
            let declared = Declared(disruption: disruption,
                                    affectedOrders: try await Self.recheckOrders(of: disruption, merchant: merchant, clock: database.clock, on: connection, logger: logger))
            try await idempotency?.record(declared, merchant: merchant, on: connection, logger: logger)
            return declared
        }
    }

    /// A disruption as declared or changed, and how many open orders it holds up then.
    public struct Declared: Sendable {
        public var disruption: DeclaredDisruption
        public var affectedOrders: Int
    }

    /// Changes a disruption under its row's lock as Core allows (`DeclaredDisruption.apply`),
    /// with `disruption.resolved` when the change resolves it, and re-checks the open orders it
    /// holds up, releases, or may now win over another for.
    public func update(_ id: UUID, _ change: DisruptionChange, merchant: MerchantID, logger: Logger) async throws -> Declared {
        try await database.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.columns) FROM declared_disruptions
                WHERE merchant_id = \(merchant.rawValue) AND id = \(id) FOR UPDATE
                """, logger: logger).collect()
            guard let row = rows.first else { throw DomainError.notFound("No disruption with id \(id.apiText).") }
            let before = try Self.disruption(row)
            let now = database.clock.now.asStored
            var after = before
            let resolved = try after.apply(change, now: now)
            // (Only resolving a resolved one changes nothing; it holds up no order.)
            guard after != before else { return Declared(disruption: before, affectedOrders: 0) }
            try await connection.query("""
                UPDATE declared_disruptions SET expected_end_at = \(after.expectedEndAt), extra_days = \(after.extraDays),
                    customer_message = \(after.customerMessage), customer_message_language = \(after.customerMessageLanguage.rawValue),
                    customer_messages = \(try Self.encode(after.customerMessages))::jsonb, resolved_at = \(after.resolvedAt), updated_at = \(after.updatedAt)
                WHERE merchant_id = \(merchant.rawValue) AND id = \(id)
                """, logger: logger)
            if resolved {
                try await Self.append(.disruptionResolved, of: [after], now: now, merchant: merchant, on: connection, logger: logger)
            }
            return Declared(disruption: after, affectedOrders: try await Self.recheckOrders(of: after, merchant: merchant, clock: database.clock, on: connection, logger: logger))
        }
    }

    /// Records the end of every disruption whose expected end has come (Core's `endedAt`) as its
    /// resolution, with `disruption.resolved`, and makes the orders it held up due. Replicas
    /// doing this at once resolve each one once: each locks the unresolved rows with an end it
    /// can, skipping those another holds. Returns how many it resolved.
    public func endDue(now: Date, merchant only: MerchantID? = nil, logger: Logger) async throws -> Int {
        try await database.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT merchant_id, \(unescaped: Self.columns) FROM declared_disruptions
                WHERE resolved_at IS NULL AND expected_end_at <= \(now)  -- (those that may have ended; Core's endedAt decides)
                  AND (\(only?.rawValue)::uuid IS NULL OR merchant_id = \(only?.rawValue))
                FOR UPDATE SKIP LOCKED
                """, logger: logger).collect()
            var ended: [UUID: [DeclaredDisruption]] = [:]
            for row in rows {
                var disruption = try Self.disruption(row)
                guard let end = disruption.endedAt(at: now) else { continue }
                (disruption.resolvedAt, disruption.updatedAt) = (end, now)
                ended[try row.makeRandomAccess()["merchant_id"].decode(UUID.self), default: []].append(disruption)
            }
            for (merchant, disruptions) in ended {
                try await connection.query("""
                    UPDATE declared_disruptions d SET resolved_at = e.resolved_at, updated_at = \(now)
                    FROM unnest(\(disruptions.map(\.id))::uuid[], \(disruptions.compactMap(\.resolvedAt))::timestamptz[]) AS e(id, resolved_at)
                    WHERE d.merchant_id = \(merchant) AND d.id = e.id
                    """, logger: logger)
                try await Self.append(.disruptionResolved, of: disruptions, now: now, merchant: MerchantID(merchant), on: connection, logger: logger)
                try await connection.query("""
                    UPDATE orders SET disruption_check_at = \(now)
                    WHERE merchant_id = \(merchant) AND (declared_delay->>'disruption_id')::uuid = ANY(\(disruptions.map(\.id))::uuid[])
                    """, logger: logger)
            }
            return ended.values.map(\.count).reduce(0, +)
        }
    }

    /// The merchant's silence thresholds, the standard ones until set.
    public func settings(merchant: MerchantID, logger: Logger) async throws -> DisruptionSettings {
        let rows = try await database.query("SELECT settings::text FROM disruption_settings WHERE merchant_id = \(merchant.rawValue)", logger: logger)
        return try rows.first.map { try Self.decode(DisruptionSettings.self, try $0.decode(String.self)) } ?? .standard
    }

    /// Replaces the merchant's thresholds (as Core checks them), and makes its open orders due
    /// now: their next checks were set by the old ones.
    public func replaceSettings(_ settings: DisruptionSettings, merchant: MerchantID, logger: Logger) async throws -> DisruptionSettings {
        try settings.validate()
        let now = database.clock.now.asStored
        return try await database.withTransaction(logger: logger) { connection in
            try await connection.query("""
                INSERT INTO disruption_settings (merchant_id, settings, updated_at)
                VALUES (\(merchant.rawValue), \(try Self.encode(settings))::jsonb, \(now))
                ON CONFLICT (merchant_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at
                """, logger: logger)
            try await Self.makeOpenOrdersDue(at: now, merchant: merchant, on: connection, logger: logger)
            return settings
        }
    }

    public func disruption(_ id: UUID, merchant: MerchantID, logger: Logger) async throws -> DeclaredDisruption? {
        let rows = try await database.query("""
            SELECT \(unescaped: Self.columns) FROM declared_disruptions WHERE merchant_id = \(merchant.rawValue) AND id = \(id)
            """, logger: logger)
        return try rows.first.map { try Self.disruption($0) }
    }

    /// A page of the merchant's disruptions, most recently declared first, optionally of one
    /// status at `now` (Core's `DeclaredDisruption.status`, applied to the unresolved rows).
    public func list(status: DeclaredDisruption.Status?, now: Date, limit: Int, cursor: String?, merchant: MerchantID, logger: Logger)
        async throws -> (items: [DeclaredDisruption], nextCursor: String?) {
        let after = try cursor.map { try PageCursor(token: $0) }
        var items: [DeclaredDisruption] = []
        var position = after.map { (micros: $0.micros, id: $0.id) }
        // Read in pages of the table until a page of the asked status is full: a merchant has
        // few disruptions, and the status is Core's to decide.
        while items.count <= limit {
            let rows = try await database.query("""
                SELECT \(unescaped: Self.columns) FROM declared_disruptions
                WHERE merchant_id = \(merchant.rawValue)
                  AND (\(position?.micros)::int8 IS NULL
                       OR (created_at, id) < ('epoch'::timestamptz + \(position?.micros) * interval '1 microsecond', \(position?.id)))
                ORDER BY created_at DESC, id DESC
                LIMIT \(limit + 1)
                """, logger: logger)
            let page = try rows.map { try Self.disruption($0) }
            items += page.filter { status == nil || $0.status(at: now) == status }
            guard page.count == limit + 1, let last = page.last else { break }
            position = (PageCursor(time: last.createdAt, id: last.id).micros, last.id)
        }
        guard items.count > limit else { return (items, nil) }
        items = Array(items.prefix(limit))
        let last = items[items.count - 1]
        return (items, PageCursor(time: last.createdAt, id: last.id).token)
    }

    // MARK: Rows

    static let columns = """
        id, cause, scope::text AS scope, starts_at, expected_end_at, extra_days, customer_message, customer_message_language,
        customer_messages::text AS customer_messages, resolved_at, created_at, updated_at
        """

    static func disruption(_ row: PostgresRow) throws -> DeclaredDisruption {
        let row = row.makeRandomAccess()
        return DeclaredDisruption(
            id: try row.column("id"), cause: try StoredValue.decode(DisruptionCause.self, row.column("cause"), "declared_disruptions.cause"),
            scope: try decode(DisruptionScope.self, row.column("scope")), startsAt: try row.column("starts_at"), expectedEndAt: try row.column("expected_end_at"),
            extraDays: try row.column("extra_days"), customerMessage: try row.column("customer_message"),
            customerMessageLanguage: try StoredValue.decode(CustomerLanguage.self, row.column("customer_message_language"),
                                                            "declared_disruptions.customer_message_language"),
            customerMessages: try decode([CustomerLanguage: String].self, row.column("customer_messages")), resolvedAt: try row.column("resolved_at"),
            createdAt: try row.column("created_at"), updatedAt: try row.column("updated_at"))
    }

    /// The merchant's unresolved disruptions, as the JSON array an order's load reads in a
    /// statement it already makes (`OrderAggregates.parts`).
    static func unresolved(_ json: String?) throws -> [DeclaredDisruption] {
        struct Row: Decodable {
            var id: UUID
            var cause: String
            var scope: DisruptionScope
            var starts_at: Double
            var expected_end_at: Double?
            var extra_days: Int
            var customer_message: String?
            var customer_message_language: String
            var customer_messages: [CustomerLanguage: String]
            var created_at: Double
            var updated_at: Double
        }
        guard let json else { return [] }
        return try decode([Row].self, json).map { row in
            DeclaredDisruption(id: row.id, cause: try StoredValue.decode(DisruptionCause.self, row.cause, "declared_disruptions.cause"),
                               scope: row.scope, startsAt: Date(timeIntervalSince1970: row.starts_at),
                               expectedEndAt: row.expected_end_at.map(Date.init(timeIntervalSince1970:)), extraDays: row.extra_days,
                               customerMessage: row.customer_message,
                               customerMessageLanguage: try StoredValue.decode(CustomerLanguage.self, row.customer_message_language,
                                                                               "declared_disruptions.customer_message_language"),
                               customerMessages: row.customer_messages, resolvedAt: nil,
                               createdAt: Date(timeIntervalSince1970: row.created_at), updatedAt: Date(timeIntervalSince1970: row.updated_at))
        }
    }

    /// Scopes, messages and declared delays are stored with their Swift names (`shipmentIDs` would not
    /// survive the documents' snake-case round trip).
    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, _ json: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    // MARK: Writes

    /// Appends merchant events about disruptions: no order, no document version.
    private static func append(_ type: EventType, of disruptions: [DeclaredDisruption], now: Date, merchant: MerchantID,
                               on connection: PostgresConnection, logger: Logger) async throws {
        let data = try disruptions.map { disruption in
            try JSONValue.object(disruption.eventFields.compactMapValues { $0 }).text()
        }
        try await connection.query("""
            INSERT INTO events (merchant_id, id, type, order_id, document_version, occurred_at, data)
            SELECT \(merchant.rawValue), e.id, \(type.rawValue), NULL, NULL, \(now), e.data::json
            FROM unnest(\(disruptions.map { _ in UUID.timeOrdered(at: now) })::uuid[], \(data)::text[]) WITH ORDINALITY AS e(id, data, n)
            ORDER BY e.n
            """, logger: logger)
    }

    /// Makes the merchant's orders that may have a parcel on its way due by `moment`: those not
    /// delivered or cancelled (Core decides which parcels a disruption holds up). The UPDATE
    /// waits for orders being changed, and so also reaches a change that read the disruptions
    /// before this one.
    static func makeOpenOrdersDue(at moment: Date, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE orders SET disruption_check_at = least(coalesce(disruption_check_at, 'infinity'), \(moment))
            WHERE merchant_id = \(merchant.rawValue) AND status NOT IN ('delivered', 'cancelled')
            """, logger: logger)
    }
}
