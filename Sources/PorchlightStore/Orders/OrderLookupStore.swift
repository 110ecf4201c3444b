import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Finds an order for a customer who knows its number and their email or postal code, and
/// throttles guessing: after `maxFailures` wrong answers for one order number within `window`,
/// further attempts are refused until the window ends. Unknown order numbers count the same, so
/// the answers never tell which order numbers exist.
public struct OrderLookupStore: Sendable {
    let database: Database
    let maxFailures: Int
    let window: Duration

    public init(database: Database, maxFailures: Int = 5, window: Duration = .seconds(15 * 60)) {
        self.database = database
        self.maxFailures = maxFailures
        self.window = window
    }

    public func findOrder(_ lookup: OrderLookup, merchant: MerchantID, logger: Logger) async throws -> UUID {
        let windowSeconds = Int(window.components.seconds)
        let retryAfter = try await database.query("""
            SELECT ceil(extract(epoch FROM window_started_at + \(windowSeconds) * interval '1 second' - now()))::int8
            FROM order_lookup_failures
            WHERE merchant_id = \(merchant.rawValue) AND order_number = \(lookup.orderNumber)
              AND failures >= \(maxFailures) AND window_started_at > now() - \(windowSeconds) * interval '1 second'
            """, logger: logger)
        for seconds in try retryAfter.decode(Int.self) {
            throw DomainError.tooManyRequests(
                detail: "Too many attempts for this order number. Try again in \(seconds) seconds.",
                retryAfterSeconds: max(1, seconds))
        }

        let matches = try await database.query("""
            SELECT id FROM orders
            WHERE merchant_id = \(merchant.rawValue) AND order_number = \(lookup.orderNumber)
              AND (customer_email = \(lookup.email) OR destination_postal_code = \(lookup.postalCode))
            """, logger: logger)
        for orderID in try matches.decode(UUID.self) { return orderID }

        try await database.query("""
            INSERT INTO order_lookup_failures AS f (merchant_id, order_number, window_started_at, failures)
            VALUES (\(merchant.rawValue), \(lookup.orderNumber), now(), 1)
            ON CONFLICT (merchant_id, order_number) DO UPDATE SET
                failures = CASE WHEN f.window_started_at > now() - \(windowSeconds) * interval '1 second'
                                THEN f.failures + 1 ELSE 1 END,
                window_started_at = CASE WHEN f.window_started_at > now() - \(windowSeconds) * interval '1 second'
                                         THEN f.window_started_at ELSE now() END
            """, logger: logger)
        throw DomainError.notFound("No order matches that order number and email or postal code.")
    }
}
