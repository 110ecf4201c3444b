import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Disruption alerts. An order's open alert is part of the order (Core keeps it in step on every
/// change, `OrderRecord.keepAlertInStep`); resolved ones stay here as history.
public struct AlertStore: Sendable {
    let orders: OrderStore
    var database: Database { orders.database }

    public init(database: Database) {
        self.orders = OrderStore(database: database)
    }

    /// The detector pass, for what only time reveals (a label never scanned, a parcel silent on
    /// its way, a promise past its day, a declared disruption starting or ending): records the
    /// end of declared disruptions whose expected end came, then re-checks, a merchant's at a
    /// time, the orders whose `disruption_check_at` (Core's `DisruptionRules.nextCheck`, stored
    /// on every write) has come (`check`). Optionally for one merchant. Returns how many orders
    /// it checked and how many of their alerts changed. It runs without rests: a batch of 200 is
    /// a few statements on one connection (docs/benchmarks.md, "The detector without rests").
    public func detectDue(now: Date, merchant only: MerchantID? = nil, logger: Logger) async throws -> (checked: Int, changed: Int) {
        var (checked, changed) = (0, 0)
        _ = try await DisruptionStore(database: database).endDue(now: now, merchant: only, logger: logger)
        while true {
            let due = try await database.query("""
                SELECT merchant_id, id FROM orders
                WHERE disruption_check_at <= \(now) AND (\(only?.rawValue)::uuid IS NULL OR merchant_id = \(only?.rawValue))
                ORDER BY disruption_check_at LIMIT 200
                """, logger: logger).map { try $0.decode((UUID, UUID).self) }
            var moved = 0
            for (merchant, orders) in Dictionary(grouping: due, by: \.0) {
                let batch = try await check(orders.map(\.1), merchant: MerchantID(merchant), now: now, logger: logger)
                (checked, changed, moved) = (checked + batch.checked, changed + batch.changed, moved + batch.checked)
            }
            // (A batch that moved nothing would be read again: stop, and let the next pass retry.)
            if due.count < 200 || moved == 0 { return (checked, changed) }
        }
    }

    /// Re-checks due orders of one merchant; returns how many it checked and how many of their
    /// alerts changed. Most checks change nothing but the next check time, so the orders are read
    /// together without their locks, in one repeatable-read transaction (the statements one order
    /// takes), and decided in Core; then the quiet ones' next check times are written in one
    /// statement, each only if its row is the version that was read (`xmin`: any write since
    /// makes a new one). The others are checked under their locks, one by one
    /// (`checkUnderLock`): the changing ones, the ones written since the read (a tracking event,
    /// a declaration), and all of them should one be unreadable, so that one order cannot hold
    /// up the rest.
    private func check(_ orderIDs: [UUID], merchant: MerchantID, now: Date, logger: Logger) async throws -> (checked: Int, changed: Int) {
        var alone = orderIDs
        do {
            let (quiet, changing) = try await database.withTransaction(logger: logger) { connection in
                try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
                var (quiet, changing) = ([UUID: Date?](), [UUID]())
                for read in try await OrderAggregates.read(orderIDs, merchant: merchant, on: connection, logger: logger) {
                    let settled = OrderAggregates.settled(read.order, now: now, context: read.context)
                    if OrderAggregates.changesNothing(settled, comparedWith: read.order) {
                        quiet[read.order.id] = settled.disruptionCheckAt
                    } else {
                        changing.append(read.order.id)
                    }
                }
                let versions = try await connection.query("""
                    SELECT id, xmin::text FROM orders WHERE merchant_id = \(merchant.rawValue) AND id = ANY(\(Array(quiet.keys)))
                    """, logger: logger).collect().decode((UUID, String).self)
                return (versions.map { (id: $0.0, checkAt: quiet[$0.0] ?? nil, version: $0.1) }, changing)
            }
            let written: [UUID] = quiet.isEmpty ? [] : try await database.withTransaction(logger: logger) { connection in
                // In id order, as every statement locking several orders does: no deadlock with a
                // declaration rechecking them.
                try await connection.query("""
                    SELECT 1 FROM orders WHERE merchant_id = \(merchant.rawValue) AND id = ANY(\(quiet.map(\.id))) ORDER BY id FOR NO KEY UPDATE
                    """, logger: logger)
                return try await connection.query("""
                    UPDATE orders o SET disruption_check_at = q.check_at
                    FROM unnest(\(quiet.map(\.id)), \(NullableArray(quiet.map(\.checkAt)))::timestamptz[], \(quiet.map(\.version))) AS q (id, check_at, version)
                    WHERE o.merchant_id = \(merchant.rawValue) AND o.id = q.id AND o.xmin::text = q.version
                    RETURNING o.id
                    """, logger: logger).collect().decode(UUID.self)
            }
            alone = changing + Set(quiet.map(\.id)).subtracting(written)
        } catch where Database.meansUnavailable(error) {
            throw error
        } catch {
            logger.warning("a batch of disruption checks failed; checking its orders one by one", metadata: [
                "merchant_id": "\(merchant.rawValue)", "error": "\(String(reflecting: error))"])
        }
        var (checked, changed) = (orderIDs.count - alone.count, 0)
        for orderID in alone {
            do {
                if try await checkUnderLock(orderID, merchant: merchant, logger: logger) { changed += 1 }
                checked += 1
            } catch {
                logger.error("could not check an order for disruptions", metadata: [
                    "merchant_id": "\(merchant.rawValue)", "order_id": "\(orderID)", "error": "\(error)"])
            }
        }
        return (checked, changed)
    }

    /// Re-checks one order as a change under its lock; returns whether its alert changed. Saving
    /// settles the alert and the next check at the change's time, and writes only the next check
    /// when nothing else changed; replicas doing this at once open each alert once.
    private func checkUnderLock(_ orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> Bool {
        let result = try await orders.change(.order(orderID), merchant: merchant, idempotency: nil, logger: logger) { order, _, _ in
            order.alert  // nothing to apply: saving re-checks the alert, and the next check, at the change's time
        }
        return result.saved.order.alert != result.outcome
    }

    /// An alert as listed: the order's open one, or one resolved since.
    public struct Listed: Sendable {
        public var alert: AlertRecord
        public var orderID: UUID
        public var orderNumber: String
        public var resolvedAt: Date?
    }

    /// A page of the merchant's alerts, most recently opened first, optionally only the open (or
    /// resolved) ones, of one reason, of one order.
    public func list(open: Bool?, reason: AlertReason?, orderID: UUID?, limit: Int, cursor: String?, merchant: MerchantID, logger: Logger)
        async throws -> (items: [Listed], nextCursor: String?) {
        let after = try cursor.map { try PageCursor(token: $0) }
        let rows = try await database.query("""
            SELECT a.id, a.reason, a.severity, a.shipment_id, a.opened_at, a.updated_at, a.order_id, o.order_number, a.resolved_at
            FROM disruption_alerts a JOIN orders o ON o.merchant_id = a.merchant_id AND o.id = a.order_id
            WHERE a.merchant_id = \(merchant.rawValue)
              AND (\(open)::bool IS NULL OR (a.resolved_at IS NULL) = \(open))
              AND (\(reason?.rawValue)::text IS NULL OR a.reason = \(reason?.rawValue))
              AND (\(orderID)::uuid IS NULL OR a.order_id = \(orderID))
              AND (\(after?.micros)::int8 IS NULL
                   OR (a.opened_at, a.id) < ('epoch'::timestamptz + \(after?.micros) * interval '1 microsecond', \(after?.id)))
            ORDER BY a.opened_at DESC, a.id DESC
            LIMIT \(limit + 1)
            """, logger: logger)
        var items: [Listed] = []
        for (id, reason, severity, shipment, openedAt, updatedAt, orderID, orderNumber, resolvedAt)
            in try rows.decode((UUID, String, String, UUID?, Date, Date, UUID, String, Date?).self) {
            items.append(Listed(alert: try Self.alert(id: id, reason: reason, severity: severity, shipmentID: shipment, openedAt: openedAt, updatedAt: updatedAt),
                                orderID: orderID, orderNumber: orderNumber, resolvedAt: resolvedAt))
        }
        guard items.count > limit else { return (items, nil) }
        items.removeLast()
        let last = items[items.count - 1].alert
        return (items, PageCursor(time: last.openedAt, id: last.id).token)
    }

    /// Writes the change of the order's open alert: a new one, one that follows a worse (or as
    /// bad) problem, or the resolution of the one that was open.
    static func save(_ after: AlertRecord?, replacing before: AlertRecord?, orderID: UUID, now: Date, merchant: MerchantID,
                     on connection: PostgresConnection, logger: Logger) async throws {
        try await save([(orderID, before, after)], now: now, merchant: merchant, on: connection, logger: logger)
    }

    /// Writes the changes of these orders' open alerts: the resolutions in one statement, the new
    /// alerts and those that follow a worse (or as bad) problem in another.
    static func save(_ changes: [(orderID: UUID, before: AlertRecord?, after: AlertRecord?)], now: Date, merchant: MerchantID,
                     on connection: PostgresConnection, logger: Logger) async throws {
        let changed = changes.filter { $0.before != $0.after }
        let resolved = changed.compactMap { $0.after == nil ? $0.before?.id : nil }
        let saved = changed.compactMap { change in change.after.map { (orderID: change.orderID, alert: $0) } }
        if !resolved.isEmpty {
            try await connection.query("""
                UPDATE disruption_alerts SET resolved_at = \(now), updated_at = \(now)
                WHERE merchant_id = \(merchant.rawValue) AND id = ANY(\(resolved))
                """, logger: logger)
        }
        guard !saved.isEmpty else { return }
        try await connection.query("""
            INSERT INTO disruption_alerts (merchant_id, id, order_id, shipment_id, reason, severity, opened_at, updated_at)
            SELECT \(merchant.rawValue), a.*
            FROM unnest(\(saved.map(\.alert.id))::uuid[], \(saved.map(\.orderID))::uuid[], \(NullableArray(saved.map(\.alert.shipmentID)))::uuid[],
                        \(saved.map(\.alert.reason.rawValue))::text[], \(saved.map(\.alert.severity.rawValue))::text[],
                        \(saved.map(\.alert.openedAt))::timestamptz[], \(saved.map(\.alert.updatedAt))::timestamptz[])
                 AS a(id, order_id, shipment_id, reason, severity, opened_at, updated_at)
            ON CONFLICT (merchant_id, id) DO UPDATE SET shipment_id = excluded.shipment_id, reason = excluded.reason,
                severity = excluded.severity, updated_at = excluded.updated_at
            """, logger: logger)
    }

    static func alert(id: UUID, reason: String, severity: String, shipmentID: UUID?, openedAt: Date, updatedAt: Date) throws -> AlertRecord {
        AlertRecord(id: id, reason: try StoredValue.decode(AlertReason.self, reason, "disruption_alerts.reason"),
                    severity: try StoredValue.decode(AlertSeverity.self, severity, "disruption_alerts.severity"),
                    shipmentID: shipmentID, openedAt: openedAt, updatedAt: updatedAt)
    }
}
