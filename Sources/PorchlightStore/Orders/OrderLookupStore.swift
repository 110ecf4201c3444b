import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Finds an order for a customer who knows its number and their email or postal code, and stops
/// guessing as `LookupThrottle` says: attempts are counted per order number and per client
/// address, in the database, so every replica refuses alike.
public struct OrderLookupStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public enum Outcome: Sendable {
        /// The order, and what the match proves.
        case found(orderID: UUID, proof: CustomerProof)
        /// A wrong answer or an unknown order number: the same to the caller.
        case missed
        /// A subject is past its limit.
        case refused(LookupThrottle.Subject, DomainError)
    }

    public func findOrder(_ lookup: OrderLookup, clientAddress: IPAddress?, merchant: MerchantID, logger: Logger) async throws -> Outcome {
        let subjects = LookupThrottle.subjects(of: lookup, clientAddress: clientAddress)
        let keys = subjects.map(\.key)
        let windowSeconds = Int(LookupThrottle.window.components.seconds)
        // Count this attempt first, in one statement, so that parallel guesses each see the others.
        // The statement is given the time (Citus runs no time function in an upsert's update). Its
        // conflict clause has no parameter (Citus sends that of an INSERT ... SELECT on to the
        // workers without them): the window's start is written in, a number.
        let now = database.clock.now
        let windowStartedAfter = "to_timestamp(\(now.timeIntervalSince1970 - Double(windowSeconds)))"
        let rows = try await database.query("""
            INSERT INTO order_lookup_misses AS m (merchant_id, subject, window_started_at, misses)
            SELECT \(merchant.rawValue)::uuid, subject, \(now)::timestamptz, 1 FROM unnest(\(keys)::text[]) AS subject
            ON CONFLICT (merchant_id, subject) DO UPDATE SET
                misses = CASE WHEN m.window_started_at > \(unescaped: windowStartedAfter) THEN m.misses + 1 ELSE 1 END,
                window_started_at = CASE WHEN m.window_started_at > \(unescaped: windowStartedAfter) THEN m.window_started_at
                                         ELSE excluded.window_started_at END
            RETURNING subject, misses, window_started_at
            """, logger: logger)
        var counts: [LookupThrottle.Count] = []
        for (key, misses, windowStartedAt) in try rows.decode((String, Int, Date).self) {
            let secondsLeft = Int((windowStartedAt.timeIntervalSince(now) + Double(windowSeconds)).rounded(.up))
            counts.append(.init(key: key, misses: misses, secondsLeft: secondsLeft))
        }
        if let (subject, refusal) = LookupThrottle.refusal(of: subjects, counts: counts) {
            return .refused(subject, refusal)
        }

        let matches = try await database.query("""
            SELECT id, (customer_email = \(lookup.email)) IS TRUE FROM orders
            WHERE merchant_id = \(merchant.rawValue) AND order_number = \(lookup.orderNumber)
              AND (customer_email = \(lookup.email) OR destination_postal_code = \(lookup.postalCode))
            """, logger: logger)
        guard let (orderID, emailMatched) = try matches.decode((UUID, Bool).self).first else { return .missed }
        // A hit is not a miss: give the attempt back.
        try await database.query("""
            UPDATE order_lookup_misses SET misses = greatest(misses - 1, 0)
            WHERE merchant_id = \(merchant.rawValue) AND subject = ANY(\(keys))
            """, logger: logger)
        return .found(orderID: orderID, proof: lookup.proof(emailMatched: emailMatched))
    }

    /// Deletes counts whose window ended (a batch at a time, for the retention purger).
    public func purgeEnded(limit: Int = 10_000, logger: Logger) async throws -> Int {
        let windowSeconds = Int(LookupThrottle.window.components.seconds)
        return try await database.query("""
            DELETE FROM order_lookup_misses m USING (
                SELECT merchant_id, subject FROM order_lookup_misses
                WHERE window_started_at < now() - \(windowSeconds) * interval '1 second' LIMIT \(limit)) ended
            WHERE m.merchant_id = ended.merchant_id AND m.subject = ended.subject
              -- Again on the row as it is now: a new window may have started meanwhile.
              AND m.window_started_at < now() - \(windowSeconds) * interval '1 second'
            RETURNING 1
            """, logger: logger).count
    }
}
