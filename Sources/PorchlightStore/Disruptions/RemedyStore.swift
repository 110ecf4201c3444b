import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Remedies: the merchant's rules and code pool, and the offers made for alerts. An offer is
/// part of its order (Core offers it as the alert opens or escalates, `OrderRecord.offerRemedy`),
/// so choosing and applying are changes to the order under its lock.
public struct RemedyStore: Sendable {
    let orders: OrderStore
    var database: Database { orders.database }

    public init(database: Database) {
        self.orders = OrderStore(database: database)
    }

    // MARK: Rules and codes

    public func rules(merchant: MerchantID, logger: Logger) async throws -> RemedyRules {
        let rows = try await database.query("SELECT rules::text FROM remedy_rules WHERE merchant_id = \(merchant.rawValue)", logger: logger)
        return try rows.first.map { try DisruptionStore.decode(RemedyRules.self, try $0.decode(String.self)) } ?? RemedyRules(rules: [])
    }

    /// Replaces the merchant's rules (as Core checks them); alerts opened from now on follow them.
    public func replaceRules(_ rules: RemedyRules, now: Date, merchant: MerchantID, logger: Logger) async throws -> RemedyRules {
        try rules.validate()
        try await database.query("""
            INSERT INTO remedy_rules (merchant_id, rules, updated_at) VALUES (\(merchant.rawValue), \(try DisruptionStore.encode(rules))::jsonb, \(now))
            ON CONFLICT (merchant_id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at
            """, logger: logger)
        return rules
    }

    /// Adds codes to the merchant's pool; a code already there (given or not) is skipped.
    /// Returns how many were added, and the pool's count of codes not yet given.
    public func addCodes(_ codes: [String], now: Date, merchant: MerchantID, logger: Logger) async throws -> (added: Int, available: Int) {
        try RemedyCodes.validate(codes)
        return try await database.withTransaction(logger: logger) { connection in
            let added = try await connection.query("""
                INSERT INTO remedy_codes (merchant_id, code, added_at)
                SELECT \(merchant.rawValue), c.code, \(now) FROM unnest(\(codes)::text[]) AS c(code)
                ON CONFLICT (merchant_id, code) DO NOTHING
                RETURNING 1
                """, logger: logger).collect().count
            return (added, try await Self.available(merchant: merchant, on: connection, logger: logger))
        }
    }

    public func codeCounts(merchant: MerchantID, logger: Logger) async throws -> (available: Int, given: Int) {
        let rows = try await database.query("""
            SELECT count(*) FILTER (WHERE remedy_id IS NULL), count(*) FILTER (WHERE remedy_id IS NOT NULL)
            FROM remedy_codes WHERE merchant_id = \(merchant.rawValue)
            """, logger: logger)
        return try rows.first?.decode((Int, Int).self) ?? (0, 0)
    }

    private static func available(merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.query("SELECT count(*) FROM remedy_codes WHERE merchant_id = \(merchant.rawValue) AND remedy_id IS NULL",
                                   logger: logger).collect().first?.decode(Int.self) ?? 0
    }

    // MARK: Offers

    /// The order's remedies, oldest first; nil when the merchant has no such order.
    public func remedies(of orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> [RemedyRecord]? {
        try await database.withConnection { connection in
            let exists = try await connection.query("SELECT 1 FROM orders WHERE merchant_id = \(merchant.rawValue) AND id = \(orderID)",
                                                    logger: logger).collect()
            guard !exists.isEmpty else { return nil }
            return try await Self.records(of: [orderID], merchant: merchant, on: connection, logger: logger)[orderID] ?? []
        }
    }

    /// The customer's choice (Core's `chooseRemedy`: once; the same again changes nothing), with
    /// a code from the pool for `discount_code`. Returns the remedy as stored.
    public func choose(_ remedyID: UUID, kind: RemedyKind, orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> RemedyRecord {
        try await change(remedyID, orderID: orderID, merchant: merchant, logger: logger) { order, now in
            try order.chooseRemedy(remedyID, kind: kind, now: now)
        }
    }

    /// The merchant has given the customer what they chose.
    public func markApplied(_ remedyID: UUID, orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> RemedyRecord {
        try await change(remedyID, orderID: orderID, merchant: merchant, logger: logger) { order, now in
            try order.markRemedyApplied(remedyID, now: now)
        }
    }

    private func change(_ remedyID: UUID, orderID: UUID, merchant: MerchantID, logger: Logger,
                        _ apply: @escaping @Sendable (inout OrderRecord, Date) throws -> Void) async throws -> RemedyRecord {
        _ = try await orders.change(.order(orderID), merchant: merchant, idempotency: nil, logger: logger) { order, now, _ in
            try apply(&order, now)
        }
        // Read back as stored: the code is given by the save's SQL, after Core's change.
        guard let remedy = try await remedies(of: orderID, merchant: merchant, logger: logger)?.first(where: { $0.id == remedyID }) else {
            throw DomainError.notFound("No remedy with id \(remedyID.apiText) on this order.")
        }
        return remedy
    }

    // MARK: The aggregate's part

    /// The remedies of these orders, oldest first, by order.
    static func records(of orderIDs: [UUID], merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> [UUID: [RemedyRecord]] {
        guard !orderIDs.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT order_id, id, alert_id, options::text, offered_at, expires_at, choice::text, chosen_at, code, applied_at
            FROM remedies WHERE merchant_id = \(merchant.rawValue) AND order_id = ANY(\(orderIDs))
            ORDER BY offered_at, id
            """, logger: logger)
        var records: [UUID: [RemedyRecord]] = [:]
        for try await (orderID, id, alertID, options, offeredAt, expiresAt, choice, chosenAt, code, appliedAt)
            in rows.decode((UUID, UUID, UUID, String, Date, Date, String?, Date?, String?, Date?).self) {
            records[orderID, default: []].append(RemedyRecord(
                id: id, alertID: alertID, options: try DisruptionStore.decode([RemedyOption].self, options), offeredAt: offeredAt, expiresAt: expiresAt,
                choice: try choice.map { try DisruptionStore.decode(RemedyOption.self, $0) }, chosenAt: chosenAt, code: code, appliedAt: appliedAt))
        }
        return records
    }

    /// Writes the order's new and changed remedies. A `discount_code` chosen now takes the
    /// pool's oldest free code (skipping codes other transactions are taking); with none left
    /// the change fails as a conflict, and nothing is written.
    static func save(_ after: [RemedyRecord], replacing before: [RemedyRecord], orderID: UUID, now: Date, merchant: MerchantID,
                     on connection: PostgresConnection, logger: Logger) async throws {
        try await insertOffered([(orderID, before, after)], merchant: merchant, on: connection, logger: logger)
        let earlier = Dictionary(uniqueKeysWithValues: before.map { ($0.id, $0) })
        for remedy in after where earlier[remedy.id].map({ $0 != remedy }) ?? false {
            try await connection.query("""
                UPDATE remedies SET choice = \(try remedy.choice.map(DisruptionStore.encode))::jsonb, chosen_at = \(remedy.chosenAt),
                    applied_at = \(remedy.appliedAt)
                WHERE merchant_id = \(merchant.rawValue) AND id = \(remedy.id)
                """, logger: logger)
            guard remedy.choice?.kind == .discountCode, remedy.code == nil else { continue }
            let given = try await connection.query("""
                WITH free AS (
                    SELECT code FROM remedy_codes WHERE merchant_id = \(merchant.rawValue) AND remedy_id IS NULL
                    ORDER BY added_at, code LIMIT 1 FOR UPDATE SKIP LOCKED
                ), taken AS (
                    UPDATE remedy_codes c SET remedy_id = \(remedy.id), given_at = \(now)
                    FROM free WHERE c.merchant_id = \(merchant.rawValue) AND c.code = free.code
                    RETURNING c.code
                )
                UPDATE remedies r SET code = taken.code FROM taken
                WHERE r.merchant_id = \(merchant.rawValue) AND r.id = \(remedy.id)
                RETURNING r.code
                """, logger: logger).collect()
            guard !given.isEmpty else {
                throw DomainError.conflict("No discount codes are left in the merchant's pool; choose another offer.")
            }
        }
    }

    /// Inserts the remedies these orders' changes offered (in `after`, not in `before`), in one statement.
    static func insertOffered(_ changes: [(orderID: UUID, before: [RemedyRecord], after: [RemedyRecord])], merchant: MerchantID,
                              on connection: PostgresConnection, logger: Logger) async throws {
        let offered = changes.flatMap { change in
            let known = Set(change.before.map(\.id))
            return change.after.filter { !known.contains($0.id) }.map { (orderID: change.orderID, remedy: $0) }
        }
        guard !offered.isEmpty else { return }
        try await connection.query("""
            INSERT INTO remedies (merchant_id, id, order_id, alert_id, options, offered_at, expires_at)
            SELECT \(merchant.rawValue), r.id, r.order_id, r.alert_id, r.options::jsonb, r.offered_at, r.expires_at
            FROM unnest(\(offered.map(\.remedy.id))::uuid[], \(offered.map(\.orderID))::uuid[], \(offered.map(\.remedy.alertID))::uuid[],
                        \(try offered.map { try DisruptionStore.encode($0.remedy.options) })::text[],
                        \(offered.map(\.remedy.offeredAt))::timestamptz[], \(offered.map(\.remedy.expiresAt))::timestamptz[])
                 AS r(id, order_id, alert_id, options, offered_at, expires_at)
            """, logger: logger)
    }
}
