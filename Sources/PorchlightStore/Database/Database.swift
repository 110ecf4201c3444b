import Logging
import PorchlightCore
import PostgresNIO
import Synchronization

/// The database is unreachable (or every connection stayed busy) for longer than a request
/// should wait. The HTTP layer answers 503.
public struct DatabaseUnavailable: Error {}

/// The PostgreSQL pool as the stores use it. Without a bound, a request waiting for a
/// connection while PostgreSQL is down would hang until it came back; here it gives up after
/// `leaseTimeout` and throws `DatabaseUnavailable`. Work that already has a connection is cut off
/// only where a `workLimit` is set (background work).
public struct Database: Sendable {
    /// The servers, one pool each, and the one in use (one server unless the URL names several).
    public let servers: DatabaseServers
    let leaseTimeout: Duration
    /// How long work on a leased connection may take before it is presumed stuck (nil: no limit).
    let workLimit: Duration?
    let observer: Observer?
    /// The time changes are stamped with, read after the order's lock (see `WallClock`).
    public let clock: WallClock

    /// Told how long each lease waited for a connection, and of each wait that timed out (metrics).
    public struct Observer: Sendable {
        public var leased: @Sendable (Duration) -> Void
        public var timedOut: @Sendable () -> Void

        public init(leased: @escaping @Sendable (Duration) -> Void, timedOut: @escaping @Sendable () -> Void) {
            (self.leased, self.timedOut) = (leased, timedOut)
        }
    }

    public init(client: PostgresClient, leaseTimeout: Duration = .seconds(2), workLimit: Duration? = nil, observer: Observer? = nil,
                clock: WallClock = .system) {
        self.init(servers: DatabaseServers(clients: [client], needsWritable: false, logger: Logger(label: "porchlight.database")),
                  leaseTimeout: leaseTimeout, workLimit: workLimit, observer: observer, clock: clock)
    }

    /// `workLimit` bounds each piece of work, from asking for a connection to its last row: past
    /// it the caller gets `DatabaseUnavailable` (and can retry) while the work is abandoned, and
    /// its connection is closed so that the work ends. Seen in failovers: the webhook dispatcher
    /// waited for ever on work that got neither an answer nor an error, and stopped delivering.
    /// Only for bounded background work (the webhook and message dispatchers' pool), never for
    /// migrations.
    public init(servers: DatabaseServers, leaseTimeout: Duration = .seconds(2), workLimit: Duration? = nil, observer: Observer? = nil,
                clock: WallClock = .system) {
        self.servers = servers
        self.leaseTimeout = leaseTimeout
        self.workLimit = workLimit
        self.observer = observer
        self.clock = clock
    }

    /// The pool of the server in use.
    public var client: PostgresClient { servers.current }

    /// Leases a connection to the server in use. An error that may mean another server should be
    /// used (`DatabaseServers.signalsSwitch`) starts a search for it, and is thrown as it was: the
    /// request answers 503, and its retry finds the server the search chose.
    public func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            guard let workLimit else { return try await leased(servers.current, body) }
            return try await abandoning(after: workLimit) { [servers] in try await leased(servers.current, body) }
        } catch {
            if servers.signalsSwitch(error) {
                Task { [servers] in await servers.findServer() }
            }
            throw error
        }
    }

    /// The outcome of `work`, or `DatabaseUnavailable` at `limit` (or when the caller is
    /// cancelled) without waiting for `work` to end; `leased` closes its connection at the limit.
    private func abandoning<Result: Sendable>(
        after limit: Duration, _ work: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await firstAnswer(within: limit, otherwise: { [servers] _ in
            servers.logger.warning("database work outlasted its limit, or its caller gave up; abandoned", metadata: ["limit": "\(limit)"])
            return .answer(Swift.Result<Result, any Error>.failure(DatabaseUnavailable()))
        }) {
            do { return .success(try await work()) } catch { return .failure(error) }
        }.get()
    }

    /// `body` on a connection leased within `leaseTimeout`; past it, `DatabaseUnavailable`
    /// (without waiting for the pool to give up the request).
    private func leased<Result: Sendable>(
        _ client: PostgresClient, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let lease = LeaseWait()
        let asked = ContinuousClock.now
        return try await firstAnswer(within: leaseTimeout, otherwise: { [observer] cancelled -> Fallback<Swift.Result<Result, any Error>> in
            // Once leased, the work goes on: the limit is on the wait for a connection.
            guard lease.giveUp() else { return .waitForWork }
            if cancelled { return .answer(.failure(CancellationError())) }
            observer?.timedOut()
            return .answer(.failure(DatabaseUnavailable()))
        }) {
            do {
                return .success(try await client.withConnection { connection in
                    // A connection that comes after the caller gave up goes straight back.
                    guard lease.take() else { throw DatabaseUnavailable() }
                    observer?.leased(ContinuousClock.now - asked)
                    // Work past its limit was abandoned (`abandoning`): closing its connection ends it.
                    let watchdog = workLimit.map { limit in
                        connection.eventLoop.scheduleTask(in: TimeAmount(limit)) { connection.close().whenComplete { _ in } }
                    }
                    defer { watchdog?.cancel() }
                    return try await body(connection)
                })
            } catch {
                return .failure(error)
            }
        }.get()
    }

    /// Runs `body` in a transaction. When `body` throws and the rollback succeeds, its own error is
    /// rethrown (not PostgresNIO's wrapper), so callers can catch the `DomainError` they expect.
    public func withTransaction<Result: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await withConnection { connection in
                try await connection.withTransaction(logger: logger) { try await body($0) }
            }
        } catch let error as PostgresTransactionError where error.rollbackError == nil && error.closureError != nil {
            throw error.closureError!
        }
    }

    /// Runs `body` in a read-only transaction that sees one snapshot in every statement
    /// (REPEATABLE READ): several reads that must agree, without the locks a write takes.
    public func withSnapshot<Result: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withTransaction(logger: logger) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            return try await body(connection)
        }
    }

    /// What the server takes: `max_connections`, of which `reserved` are kept for superusers (and,
    /// from PostgreSQL 16, for roles with `pg_use_reserved_connections`).
    public func connectionLimits(logger: Logger) async throws -> (maxConnections: Int, reserved: Int) {
        let rows = try await query("""
            SELECT current_setting('max_connections')::int8,
                   current_setting('superuser_reserved_connections')::int8
                   + coalesce(current_setting('reserved_connections', true)::int8, 0)
            """, logger: logger)
        guard let limits = try rows.first?.decode((Int, Int).self) else { throw DatabaseUnavailable() }
        return limits
    }

    /// Runs one statement and collects its rows (so the connection goes back to the pool at once).
    @discardableResult
    public func query(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await withConnection { connection in
            try await connection.query(query, logger: logger).collect()
        }
    }
}

extension Database {
    /// Whether `error` says the database failed rather than the work: no connection in time, or
    /// the server unavailable (`PSQLError.meansServerUnavailable`), also inside a transaction.
    public static func meansUnavailable(_ error: any Error) -> Bool {
        if error is DatabaseUnavailable { return true }
        if let transaction = error as? PostgresTransactionError {
            return [transaction.beginError, transaction.closureError, transaction.commitError].contains { $0.map(meansUnavailable) ?? false }
        }
        return (error as? PSQLError)?.meansServerUnavailable == true
    }
}

/// A wait for a connection: either the connection comes first (`take`) or the caller gives up
/// first (`giveUp`); whichever is second learns it lost.
private final class LeaseWait: Sendable {
    private enum Phase { case waiting, leased, givenUp }
    private let phase = Mutex(Phase.waiting)

    func take() -> Bool { move(to: .leased) }
    func giveUp() -> Bool { move(to: .givenUp) }

    private func move(to next: Phase) -> Bool {
        phase.withLock { phase in
            guard phase == .waiting else { return false }
            phase = next
            return true
        }
    }
}

extension Array where Element == PostgresRow {
    /// Decodes every collected row, as `PostgresRowSequence.decode` does for a stream.
    func decode<each Column: PostgresDecodable>(_ type: (repeat each Column).Type) throws -> [(repeat each Column)] {
        try map { try $0.decode(type) }
    }
}
