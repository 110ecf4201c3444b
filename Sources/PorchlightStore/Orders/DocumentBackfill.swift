import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Builds the stored documents of orders that have none: every order stored before documents
/// were (migration 4), and orders loaded in bulk straight into the tables (the benchmark's seed).
/// Runs after the migrations, under their lock: a few workers, each taking a batch of orders per
/// transaction (`SKIP LOCKED`, so batches never overlap), read in a few statements and written
/// one order at a time, so workers in parallel keep PostgreSQL busy where one would mostly wait.
/// Each worker goes forward in key order from where its last batch ended, so no batch scans again
/// the orders that earlier batches already built (from the start, each batch would: quadratic in
/// the orders).
struct DocumentBackfill {
    static let batchSize = 500
    static let workers = 4

    let database: Database
    let logger: Logger

    /// Returns how many documents it built.
    func run() async throws -> Int {
        // Usually there is nothing to build: then no worker opens a connection.
        let missing = try await database.query("""
            SELECT EXISTS (SELECT 1 FROM orders o
                           WHERE NOT EXISTS (SELECT 1 FROM order_documents d WHERE d.merchant_id = o.merchant_id AND d.order_id = o.id))
            """, logger: logger)
        guard try missing.decode(Bool.self).first == true else { return 0 }
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<Self.workers {
                group.addTask { try await drain() }
            }
            return try await group.reduce(0, +)
        }
    }

    /// Builds batches until no order without a document is left unclaimed.
    private func drain() async throws -> Int {
        var built = 0
        // The last order of the previous batch; the nil UUID comes before every other.
        let none = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!
        var after = (merchant: none, order: none)
        while true {
            let from = after
            let pending = try await database.withTransaction(logger: logger) { connection in
                let pending = try await connection.query("""
                    SELECT o.merchant_id, o.id FROM orders o
                    WHERE (o.merchant_id, o.id) > (\(from.merchant), \(from.order))
                      AND NOT EXISTS (SELECT 1 FROM order_documents d WHERE d.merchant_id = o.merchant_id AND d.order_id = o.id)
                    ORDER BY o.merchant_id, o.id
                    LIMIT \(Self.batchSize)
                    FOR UPDATE OF o SKIP LOCKED
                    """, logger: logger).collect().decode((UUID, UUID).self)
                // Each merchant's orders of the batch are read together, in the statements one
                // order takes; then each order's documents are written on their own.
                for (merchantID, orders) in Dictionary(grouping: pending, by: \.0).sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
                    let merchant = MerchantID(merchantID)
                    for loaded in try await OrderAggregates.load(orders.map(\.1), merchant: merchant, on: connection, logger: logger) {
                        try await OrderAggregates.storeFirstDocument(loaded, merchant: merchant, on: connection, logger: logger)
                    }
                }
                return pending
            }
            guard let last = pending.last else { return built }
            after = (last.0, last.1)
            built += pending.count
            logger.info("building stored order documents", metadata: ["batch": "\(pending.count)"])
        }
    }
}
