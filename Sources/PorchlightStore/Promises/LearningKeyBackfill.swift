import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Sets the learning key (`LearningSample`) of orders that have none: orders stored before
/// migration 9, and orders loaded in bulk straight into the tables (the benchmark's seed). Runs
/// after the migrations, under their lock, in batches that go forward in key order.
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
            // A concurrent write may have set a key meanwhile: it is the same key, or a newer one.
            try await database.query("""
                UPDATE orders o SET learning_key = k.key
                FROM unnest(\(batch.map(\.0))::uuid[], \(batch.map(\.1))::uuid[], \(batch.map(\.2))::timestamptz[],
                            \(batch.map { LearningSample.key(orderID: $0.1.uuidString, placedAt: $0.2) })::timestamptz[])
                     AS k(merchant_id, id, placed_at, key)
                WHERE o.merchant_id = k.merchant_id AND o.id = k.id AND o.placed_at = k.placed_at AND o.learning_key IS NULL
                """, logger: logger)
            after = (last.0, last.1)
            set += batch.count
        }
    }
}
