import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// A domain event as the feed shows it.
public struct FeedEvent: Sendable {
    public var id: UUID
    public var sequence: Int64
    public var type: EventType
    /// Nil for an event about the merchant rather than one order (`disruption.*`), with the version.
    public var orderID: UUID?
    public var documentVersion: Int64?
    public var occurredAt: Date
    /// The event's data as stored (a JSON object's text).
    public var data: String
}

public struct EventFilter: Sendable {
    public var after: Int64
    public var types: [EventType]?
    public var orderID: UUID?

    public init(after: Int64, types: [EventType]?, orderID: UUID?) {
        (self.after, self.types, self.orderID) = (after, types, orderID)
    }
}

/// The merchant's events in feed order. Writers append events without a sequence (no counter
/// row for every write of a merchant to wait on); a reader first numbers, in one statement under
/// the merchant's advisory lock, every event whose writing transaction has finished: those older
/// than the oldest transaction still running (`pg_snapshot_xmin`), in transaction order. A
/// transaction still running when a consumer reads gets higher numbers once it commits, so a
/// consumer that stores the last sequence it saw never misses one.
public struct EventFeed: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Events after `filter.after`, oldest first, at most `limit`.
    public func events(_ filter: EventFilter, limit: Int, merchant: MerchantID, logger: Logger) async throws -> [FeedEvent] {
        try await assignSequences(merchant: merchant, logger: logger)
        let rows = try await database.query("""
            SELECT \(unescaped: Self.columns) FROM events
            WHERE merchant_id = \(merchant.rawValue) AND sequence > \(filter.after)
              AND (\(filter.types?.map(\.rawValue))::text[] IS NULL OR type = ANY(\(filter.types?.map(\.rawValue))::text[]))
              AND (\(filter.orderID)::uuid IS NULL OR order_id = \(filter.orderID))
            ORDER BY sequence
            LIMIT \(limit)
            """, logger: logger)
        return try rows.map(Self.event(from:))
    }

    /// The columns `event(from:)` reads.
    static let columns = "id, sequence, type, order_id, document_version, occurred_at, data::text"

    static func event(from row: PostgresRow) throws -> FeedEvent {
        let (id, sequence, type, orderID, version, occurredAt, data) = try row.decode((UUID, Int64, String, UUID?, Int64?, Date, String).self)
        return FeedEvent(id: id, sequence: sequence, type: try StoredValue.decode(EventType.self, type, "events.type"),
                         orderID: orderID, documentVersion: version, occurredAt: occurredAt, data: data)
    }

    /// At most this many events are numbered per read (the rest by the next reads), so that a
    /// backlog never holds the merchant's lock for long.
    static let maxNumberedPerRead = 5_000

    /// Numbers the merchant's finished, unnumbered events after the highest number given so far.
    func assignSequences(merchant: MerchantID, logger: Logger) async throws {
        try await database.withTransaction(logger: logger) { connection in
            try await connection.query("""
                SELECT pg_advisory_xact_lock(hashtextextended('events/' || \(merchant.rawValue.uuidString), 0))
                """, logger: logger)
            // A new statement, so its snapshot sees what the previous holder of the lock numbered.
            try await connection.query("""
                WITH finished AS (
                    SELECT id, row_number() OVER (ORDER BY transaction_id, position) AS n FROM events
                    WHERE merchant_id = \(merchant.rawValue) AND sequence IS NULL
                      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                    ORDER BY transaction_id, position
                    LIMIT \(Self.maxNumberedPerRead)
                ), last AS (
                    SELECT coalesce(max(sequence), 0) AS sequence FROM events WHERE merchant_id = \(merchant.rawValue)
                )
                UPDATE events e SET sequence = last.sequence + finished.n
                FROM finished, last
                WHERE e.merchant_id = \(merchant.rawValue) AND e.id = finished.id
                """, logger: logger)
        }
    }
}
