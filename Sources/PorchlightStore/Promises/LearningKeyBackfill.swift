import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Sets the learning key (`LearningSample`) of orders that have none: orders stored before
/// migration 9, and orders loaded in bulk straight into the tables (the benchmark's seed). Runs
/// after the migrations, under their lock, in batches that go forward in primary-key order; the
/// partial index `orders_without_learning_key` finds them, so with none left it costs nothing.
struct LearningKeyBackfill {
    static let batchSize = 5_000

    let database: Database
    let logger: Logger

    /// Returns how many keys it set.
    func run() async throws -> Int {
        var set = 0
        // The last order of the previous batch; the nil UUID comes before every other.
        let none = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!
        var after = (merchant: none, order: none)
        while true {
            let from = after
            let batch = try await database.query("""
                SELECT merchant_id, id, placed_at FROM orders
                WHERE (merchant_id, id) > (\(from.merchant), \(from.order)) AND learning_key IS NULL
                ORDER BY merchant_id, id
                LIMIT \(Self.batchSize)
                """, logger: logger).decode((UUID, UUID, Date).self)
            guard let last = batch.last else { return set }
            // An order written meanwhile has its key from the write path: it is left as it is.
            set += try await database.query("""
                UPDATE orders o SET learning_key = k.key
                FROM unnest(\(batch.map(\.0))::uuid[], \(batch.map(\.1))::uuid[],
                            \(batch.map { LearningSample.key(order: $0.1, placedAt: $0.2) })::timestamptz[]) AS k(merchant_id, id, key)
                WHERE o.merchant_id = k.merchant_id AND o.id = k.id AND o.learning_key IS NULL
                RETURNING 1
                """, logger: logger).count
            after = (last.0, last.1)
        }
    }
}
