import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Builds the stored documents of orders that have none: every order stored before documents
/// were (migration 4), and orders loaded in bulk straight into the tables (the benchmark's seed).
/// Runs after the migrations, under their lock, a batch of orders per transaction.
struct DocumentBackfill {
    static let batchSize = 500

    let database: Database
    let logger: Logger

    /// Returns how many documents it built.
    func run() async throws -> Int {
        var built = 0
        while true {
            let count = try await database.withTransaction(logger: logger) { connection in
                let pending = try await connection.query("""
                    SELECT o.merchant_id, o.id FROM orders o
                    WHERE NOT EXISTS (SELECT 1 FROM order_documents d WHERE d.merchant_id = o.merchant_id AND d.order_id = o.id)
                    LIMIT \(Self.batchSize)
                    """, logger: logger).collect().decode((UUID, UUID).self)
                for (merchantID, orderID) in pending {
                    let merchant = MerchantID(merchantID)
                    guard let order = try await OrderAggregates.load(orderID, merchant: merchant, on: connection, logger: logger) else { continue }
                    try await OrderAggregates.storeFirstDocument(order, merchant: merchant, on: connection, logger: logger)
                }
                return pending.count
            }
            built += count
            if count < Self.batchSize { return built }
            logger.info("building stored order documents", metadata: ["built": "\(built)"])
        }
    }
}
