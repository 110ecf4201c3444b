import Foundation
import Logging
import PorchlightCore
import PostgresNIO

extension DisruptionStore {
    /// Re-checks, inside the transaction that declares or changes `disruption`, the merchant's
    /// open orders it may hold up or release, so that the answer comes after they follow it.
    /// Every open order is locked first, in the order of their ids as `OrderAggregates.load`
    /// locks them: a change under way finishes before, and one starting now waits and then reads
    /// this disruption. Core then picks, from a few columns of each parcel still on its way
    /// (`DisruptionScope.matches`), the orders with one in scope, and adds those it holds up
    /// now; they are re-checked set-based (`OrderAggregates.recheck`). Returns how many open
    /// orders it holds up (`DisruptionRules.parcels(heldBy:)`; for one declared ahead, those it
    /// will hold up as things stand).
    static func recheckOrders(of disruption: DeclaredDisruption, merchant: MerchantID, clock: WallClock, on connection: PostgresConnection,
                              logger: Logger) async throws -> Int {
        try await connection.query("""
            SELECT count(*) FROM (
                SELECT 1 FROM orders WHERE merchant_id = \(merchant.rawValue) AND status NOT IN ('delivered', 'cancelled') ORDER BY id FOR UPDATE
            ) AS locked
            """, logger: logger)
        let now = clock.now.asStored  // after the locks, as a change to an order stamps itself
        // (Delivered parcels are left out here: Core never holds them up.)
        let rows = try await connection.query("""
            SELECT o.id, o.destination::text, p.location_code, s.id, s.carrier, s.service_level, s.origin_location,
                   coalesce((o.declared_delay->>'disruption_id')::uuid = \(disruption.id), false)
            FROM orders o
            LEFT JOIN shipments s ON s.merchant_id = o.merchant_id AND s.order_id = o.id AND s.status <> 'delivered'
            LEFT JOIN delivery_promises p ON p.merchant_id = o.merchant_id AND p.order_id = o.id
            WHERE o.merchant_id = \(merchant.rawValue) AND o.status NOT IN ('delivered', 'cancelled')
            """, logger: logger)
        var candidates = Set<UUID>()
        for try await (orderID, destination, promiseLocation, shipmentID, carrier, serviceLevel, origin, heldNow)
            in rows.decode((UUID, String, String?, UUID?, String?, String?, String?, Bool).self) {
            guard !candidates.contains(orderID) else { continue }
            if heldNow {
                candidates.insert(orderID)
            } else if let shipmentID, let carrier {
                let parcel = ScopedParcel(shipmentID: shipmentID, carrier: carrier, serviceLevel: serviceLevel, location: origin ?? promiseLocation,
                                          destination: try Documents.decode(Address.self, from: destination))
                if disruption.scope.matches(parcel) { candidates.insert(orderID) }
            }
        }
        let rechecked = try await OrderAggregates.recheck(Array(candidates), now: now, merchant: merchant, on: connection, logger: logger)
        return rechecked.filter { !DisruptionRules.parcels(heldBy: disruption, in: $0, now: now).isEmpty }.count
    }
}

extension OrderAggregates {
    /// Re-checks these orders, locked by the caller, as a change to each would at `now` (Core's
    /// `settled`: the declared disruption holding it up, its alert, a remedy, its next check),
    /// in batches with a fixed number of statements each rather than statements per order: the
    /// orders' rows, alerts, remedies, documents and events, written as `save` would. An order
    /// the re-check would change beyond that (none should) is saved on its own. Returns the
    /// orders as re-checked.
    static func recheck(_ orderIDs: [UUID], now: Date, merchant: MerchantID, on connection: PostgresConnection,
                        logger: Logger) async throws -> [OrderRecord] {
        var rechecked: [OrderRecord] = []
        for start in stride(from: 0, to: orderIDs.count, by: recheckBatch) {
            let batch = Array(orderIDs[start..<min(start + recheckBatch, orderIDs.count)])
            var changes: [(before: OrderRecord, after: OrderRecord, context: MerchantContext)] = []
            var quiet: [OrderRecord] = []
            for loaded in try await load(batch, merchant: merchant, on: connection, logger: logger) {
                let before = loaded.order
                var after = settled(before, now: now, context: loaded.context)
                rechecked.append(after)
                if changesNothing(after, comparedWith: before) {
                    if after.disruptionCheckAt != before.disruptionCheckAt { quiet.append(after) }
                } else if before.version > 0, Self.onlyDisruptionStateDiffers(after, from: before) {
                    (after.version, after.updatedAt) = (before.version + 1, now)
                    changes.append((before, after, loaded.context))
                } else {
                    _ = try await save(before, replacing: before, now: now, context: loaded.context, merchant: merchant, on: connection,
                                       logger: logger)
                }
            }
            try await writeRechecks(changes, quiet: quiet, now: now, merchant: merchant, on: connection, logger: logger)
        }
        return rechecked
    }

    /// Orders loaded and written at once: a few hundred aggregates in memory at a time.
    static let recheckBatch = 500

    /// Whether `after` is `before` but for what a re-check keeps in step (`keepAlertInStep`): the
    /// declared disruption, the alert, remedies, the next check; what `writeRechecks` writes.
    private static func onlyDisruptionStateDiffers(_ after: OrderRecord, from before: OrderRecord) -> Bool {
        var rest = after
        (rest.declared, rest.alert, rest.remedies, rest.disruptionCheckAt) = (before.declared, before.alert, before.remedies, before.disruptionCheckAt)
        return rest == before
    }

    /// Writes re-checked orders: for each change, its alert, its new remedies, its row, its
    /// document (the next version) and its events; for the quiet ones, only the next check.
    private static func writeRechecks(_ changes: [(before: OrderRecord, after: OrderRecord, context: MerchantContext)], quiet: [OrderRecord],
                                      now: Date, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        try await AlertStore.save(changes.map { ($0.after.id, $0.before.alert, $0.after.alert) }, now: now, merchant: merchant,
                                  on: connection, logger: logger)
        try await RemedyStore.insertOffered(changes.map { ($0.after.id, $0.before.remedies, $0.after.remedies) }, merchant: merchant,
                                            on: connection, logger: logger)
        let rows = changes.map(\.after) + quiet
        let documents = try changes.map { try OrderDocument.texts(of: $0.after, context: $0.context).order }
        guard !rows.isEmpty else { return }
        try await connection.query("""
            WITH order_rows AS (
                UPDATE orders o SET updated_at = c.updated_at, disruption_check_at = c.check_at, declared_delay = c.declared::jsonb
                FROM unnest(\(rows.map(\.id))::uuid[], \(rows.map(\.updatedAt))::timestamptz[],
                            \(NullableArray(rows.map(\.disruptionCheckAt)))::timestamptz[],
                            \(NullableArray(try rows.map { try $0.declared.map(DisruptionStore.encode) }))::text[])
                     AS c(id, updated_at, check_at, declared)
                WHERE o.merchant_id = \(merchant.rawValue) AND o.id = c.id
            )
            INSERT INTO order_documents (merchant_id, order_id, version, document)
            SELECT \(merchant.rawValue), d.id, d.version, d.document::json
            FROM unnest(\(changes.map(\.after.id))::uuid[], \(changes.map(\.after.version))::int8[], \(documents)::text[]) AS d(id, version, document)
            ON CONFLICT (merchant_id, order_id) DO UPDATE SET version = excluded.version, document = excluded.document
            """, logger: logger)
        try await append(changes.flatMap { change in
            OrderEvents.between(change.before, change.after, context: change.context).map {
                (orderID: change.after.id, version: change.after.version, event: $0)
            }
        }, now: now, merchant: merchant, on: connection, logger: logger)
    }
}
