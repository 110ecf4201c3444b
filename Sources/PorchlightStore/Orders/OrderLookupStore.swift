import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Finds an order for a customer who knows its number and their email or postal code, and stops
/// guessing as `LookupThrottle` says: misses are counted per order number and per client address,
/// in the database, so every replica refuses alike.
public struct OrderLookupStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// A lookup refused because one of its subjects reached its limit.
    public struct Throttled: Error {
        public var subject: LookupThrottle.Subject
        public var refusal: DomainError
    }

    /// The order and what the match proves; throws `Throttled`, or not found (the same for a
    /// wrong answer and an unknown order number).
    public func findOrder(_ lookup: OrderLookup, clientAddress: String?, merchant: MerchantID,
                          logger: Logger) async throws -> (orderID: UUID, proof: CustomerProof) {
        let subjects = LookupThrottle.subjects(of: lookup, clientAddress: clientAddress)
        let keys = subjects.map(\.key)
        let windowSeconds = Int(LookupThrottle.window.components.seconds)
        let rows = try await database.query("""
            SELECT subject, misses, ceil(extract(epoch FROM window_started_at + \(windowSeconds) * interval '1 second' - now()))::int8
            FROM order_lookup_misses
            WHERE merchant_id = \(merchant.rawValue) AND subject = ANY(\(keys))
              AND window_started_at > now() - \(windowSeconds) * interval '1 second'
            """, logger: logger)
        var counts: [LookupThrottle.Count] = []
        for (key, misses, secondsLeft) in try rows.decode((String, Int, Int).self) {
            counts.append(.init(key: key, misses: misses, secondsLeft: secondsLeft))
        }
        if let (subject, refusal) = LookupThrottle.refusal(of: subjects, counts: counts) {
            throw Throttled(subject: subject, refusal: refusal)
        }

        let matches = try await database.query("""
            SELECT id, (customer_email = \(lookup.email)) IS TRUE FROM orders
            WHERE merchant_id = \(merchant.rawValue) AND order_number = \(lookup.orderNumber)
              AND (customer_email = \(lookup.email) OR destination_postal_code = \(lookup.postalCode))
            """, logger: logger)
        for (orderID, emailMatched) in try matches.decode((UUID, Bool).self) {
            return (orderID, lookup.proof(emailMatched: emailMatched))
        }

        // A miss counts against every subject, in one statement; a window that ended starts again.
        try await database.query("""
            INSERT INTO order_lookup_misses AS m (merchant_id, subject, window_started_at, misses)
            SELECT \(merchant.rawValue), subject, now(), 1 FROM unnest(\(keys)::text[]) AS subject
            ON CONFLICT (merchant_id, subject) DO UPDATE SET
                misses = CASE WHEN m.window_started_at > now() - \(windowSeconds) * interval '1 second'
                              THEN m.misses + 1 ELSE 1 END,
                window_started_at = CASE WHEN m.window_started_at > now() - \(windowSeconds) * interval '1 second'
                                         THEN m.window_started_at ELSE now() END
            """, logger: logger)
        throw DomainError.notFound("No order matches that order number and email or postal code.")
    }

    /// Deletes counts whose window ended (a batch at a time, for the retention purger).
    public func purgeEnded(limit: Int = 10_000, logger: Logger) async throws -> Int {
        let windowSeconds = Int(LookupThrottle.window.components.seconds)
        return try await database.query("""
            DELETE FROM order_lookup_misses WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM order_lookup_misses
                WHERE window_started_at < now() - \(windowSeconds) * interval '1 second' LIMIT \(limit)))
            RETURNING 1
            """, logger: logger).count
    }
}
