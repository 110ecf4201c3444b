import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Keeps `orders.status` (stored for filtering) equal to the roll-up of its lines and shipments.
/// Every write that touches lines or shipments calls `refresh` in the same transaction.
enum OrderStatusRefresher {
    /// Locks the order row for the rest of the transaction; false when there is no such order.
    static func lock(_ orderID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("""
            SELECT id FROM orders WHERE merchant_id = \(merchant.rawValue) AND id = \(orderID) FOR UPDATE
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    static func lineQuantities(_ orderID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> [String: LineQuantities] {
        let rows = try await connection.query("""
            SELECT sku, quantity, cancelled_quantity, shipped_quantity FROM order_line_quantities
            WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID)
            """, logger: logger)
        var lines: [String: LineQuantities] = [:]
        for try await (sku, ordered, cancelled, shipped) in rows.decode((String, Int, Int, Int).self) {
            lines[sku] = LineQuantities(ordered: ordered, cancelled: cancelled, shipped: shipped)
        }
        return lines
    }

    static func refresh(_ orderID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        let lines = try await lineQuantities(orderID, merchant: merchant, on: connection, logger: logger)
        let rows = try await connection.query("""
            SELECT status FROM shipments WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID)
            """, logger: logger)
        var shipments: [TrackingStatus] = []
        for try await status in rows.decode(String.self) {
            shipments.append(TrackingStatus(rawValue: status) ?? .pending)
        }
        let status = OrderRollup.status(lines: Array(lines.values), shipments: shipments)
        try await connection.query("""
            UPDATE orders SET status = \(status.rawValue), updated_at = now(),
                cancelled_at = CASE WHEN \(status.rawValue) = 'cancelled' THEN coalesce(cancelled_at, now()) END
            WHERE merchant_id = \(merchant.rawValue) AND id = \(orderID)
            """, logger: logger)
        if status == .delivered {
            try await PromiseLedger.resolve(orderID, merchant: merchant, on: connection, logger: logger)
        }
    }
}
