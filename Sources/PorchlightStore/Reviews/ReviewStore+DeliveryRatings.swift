import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Delivery-experience ratings: one per delivered shipment, counted per carrier service in the
/// promise analytics.
extension ReviewStore {
    /// Stores the rating (Core checks the shipment was delivered, recently enough); nil when the
    /// merchant has no such order. A shipment already rated is a conflict.
    public func rateDelivery(_ draft: DeliveryRatingDraft, orderID: UUID, by submitter: Submitter, merchant: MerchantID,
                             logger: Logger) async throws -> DeliveryRating? {
        try await database.withTransaction(logger: logger) { connection in
            guard let order = try await OrderAggregates.load(orderID, merchant: merchant, on: connection, logger: logger)?.order else { return nil }
            let rating = try DeliveryRating.rating(draft, of: order, by: submitter, now: database.clock.now.asStored)
            let inserted = try await connection.query("""
                INSERT INTO delivery_ratings (merchant_id, shipment_id, order_id, carrier, service_level, rating, comment, submitted_by, created_at)
                VALUES (\(merchant.rawValue), \(rating.shipmentID), \(orderID), \(rating.carrier), \(rating.serviceLevel), \(Int16(rating.rating)),
                    \(rating.comment), \(submitter.rawValue), \(rating.createdAt))
                ON CONFLICT (merchant_id, shipment_id) DO NOTHING
                RETURNING shipment_id
                """, logger: logger).collect()
            guard !inserted.isEmpty else { throw DomainError.conflict("This delivery is already rated.") }
            return rating
        }
    }

    /// Ratings given in [from, to): overall and per carrier service, most rated first.
    public func deliveryRatingStats(from: Date, to: Date, merchant: MerchantID, logger: Logger)
        async throws -> (overall: RatingStats, services: [(carrier: String, serviceLevel: String?, stats: RatingStats)]) {
        let rows = try await database.query("""
            SELECT grouping(carrier, service_level), carrier, service_level, rating, count(*)
            FROM delivery_ratings
            WHERE merchant_id = \(merchant.rawValue) AND created_at >= \(from) AND created_at < \(to)
            GROUP BY GROUPING SETS ((rating), (carrier, service_level, rating))
            """, logger: logger)
        var overall: [Int: Int] = [:]
        var services: [String: (carrier: String, serviceLevel: String?, counts: [Int: Int])] = [:]
        for (grouped, carrier, level, rating, count) in try rows.decode((Int32, String?, String?, Int16, Int).self) {
            if grouped != 0 {
                overall[Int(rating)] = count
            } else if let carrier {
                services["\(carrier)\u{0}\(level ?? "")", default: (carrier, level, [:])].counts[Int(rating)] = count
            }
        }
        let stats = services.values.map { (carrier: $0.carrier, serviceLevel: $0.serviceLevel, stats: RatingStats(countsByRating: $0.counts)) }
            .sorted { a, b in
                a.stats.count != b.stats.count ? a.stats.count > b.stats.count : (a.carrier, a.serviceLevel ?? "") < (b.carrier, b.serviceLevel ?? "")
            }
        return (RatingStats(countsByRating: overall), stats)
    }
}
