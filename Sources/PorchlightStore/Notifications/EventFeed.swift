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

    /// SQL that is true when the merchant (`merchant`, a column) has events not yet numbered, or
    /// numbered past `position` (an expression): what a feed reader (webhook fan-out, message
    /// planner) has left to do. The feed's last number is one step down the `(merchant_id,
    /// sequence)` index; `EXISTS (... sequence > position)` was planned as a scan of the whole
    /// events table (32 ms at 250,000 events, ten times a second).
    static func hasNewEvents(merchant: String, after position: String) -> String {
        """
        (EXISTS (SELECT 1 FROM events v WHERE v.merchant_id = \(merchant) AND v.sequence IS NULL)
         OR (SELECT max(v.sequence) FROM events v WHERE v.merchant_id = \(merchant)) > \(position))
        """
    }

    /// The merchant's highest feed number so far (0 before the first): where a new reader starts.
    /// Read apart from the reader's `INSERT`: Citus takes no subquery inside one.
    static func lastSequence(merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        let rows = try await connection.query("""
            SELECT coalesce(max(sequence), 0) FROM events WHERE merchant_id = \(merchant.rawValue)
            """, logger: logger).collect()
        guard let row = rows.first else { throw PostgresNotFound(what: "the feed's last number") }
        return try row.decode(Int64.self)
    }

    /// Events are kept at least this long (the feed's promise in the contract).
    static let retentionDays = 30

    /// Deletes up to `limit` of the events numbered before their merchant's first event younger
    /// than the retention; returns how many went. An event stays while a reader still needs it:
    /// an enabled webhook endpoint or the message planner whose position is before it (the same
    /// readers as `WebhookDeliveries.fanOut` and `MessagePlanner.plan`: a disabled endpoint, or
    /// messages switched off, start again from the newest event). The merchant's newest event
    /// always stays, so numbering goes on after it. Events are numbered in commit order and
    /// stamped when written, so the ones before the first young event are old. The first young
    /// event is looked for only among the merchant's oldest `limit` (this batch's candidates):
    /// looking through every old event, each batch, made purging a backlog quadratic (before:
    /// 2.86 million purged at 15,772 a second, 166,000 at 109,680). Old events no reader has
    /// numbered yet are numbered first.
    public func purgeExpired(limit: Int = 10_000, logger: Logger) async throws -> Int {
        let unnumbered = try await database.query("""
            SELECT DISTINCT merchant_id FROM events
            WHERE sequence IS NULL AND occurred_at < now() - \(Self.retentionDays) * interval '1 day'
            """, logger: logger).decode(UUID.self)
        for merchant in unnumbered { try await assignSequences(merchant: MerchantID(merchant), logger: logger) }
        return try await database.query("""
            WITH kept_from AS (
                SELECT m.id AS merchant_id, least(
                    (SELECT max(sequence) FROM events v WHERE v.merchant_id = m.id),
                    (SELECT min(feed_position) + 1 FROM webhook_endpoints w WHERE w.merchant_id = m.id AND w.disabled_reason IS NULL),
                    (SELECT feed_position + 1 FROM message_settings s
                     WHERE s.merchant_id = m.id AND jsonb_array_length(s.settings -> 'kinds') > 0),
                    (SELECT sequence FROM (
                        SELECT sequence, occurred_at FROM events v
                        WHERE v.merchant_id = m.id AND v.sequence IS NOT NULL ORDER BY sequence LIMIT \(limit)
                     ) candidates
                     WHERE occurred_at >= now() - \(Self.retentionDays) * interval '1 day' ORDER BY sequence LIMIT 1)) AS sequence
                FROM merchants m
            ), expired AS (
                SELECT k.merchant_id, x.id FROM kept_from k CROSS JOIN LATERAL (
                    SELECT id FROM events v WHERE v.merchant_id = k.merchant_id AND v.sequence < k.sequence ORDER BY v.sequence LIMIT \(limit)
                ) x
                LIMIT \(limit)
            )
            DELETE FROM events e USING expired
            WHERE e.merchant_id = expired.merchant_id AND e.id = expired.id
            RETURNING 1
            """, logger: logger).count
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
            // The oldest transaction still running, read where the events' `transaction_id` was
            // given: on Citus, the coordinator (a statement that names a distributed table would
            // read the worker's snapshot instead, whose transaction ids are another node's).
            let snapshot = try await connection.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text", logger: logger).collect()
            guard let oldestRunning = try snapshot.first?.decode(String.self) else { throw PostgresNotFound(what: "the oldest running transaction") }
            // A new statement, so its snapshot sees what the previous holder of the lock numbered.
            try await connection.query("""
                WITH finished AS (
                    SELECT id, row_number() OVER (ORDER BY transaction_id, position) AS n FROM events
                    WHERE merchant_id = \(merchant.rawValue) AND sequence IS NULL
                      AND transaction_id < \(oldestRunning)::xid8
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
