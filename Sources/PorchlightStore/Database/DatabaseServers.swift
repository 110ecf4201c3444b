import Logging
import PostgresNIO
import Synchronization

/// The servers a multi-host `DATABASE_URL` names, one pool each, and the one the stores use. With
/// `target_session_attrs=read-write` that is the first that accepts writes: after a failover or a
/// switchover its connections break or refuse writes (`signalsSwitch`), the requests caught in
/// it answer 503, and the servers are asked again, all at once, which of them is the primary now.
/// With one server (the usual case) there is nothing to choose and nothing is ever asked.
public final class DatabaseServers: Sendable {
    public let clients: [PostgresClient]
    let needsWritable: Bool
    let logger: Logger
    private let state = Mutex<(current: Int, searching: Bool, found: Bool)>((0, false, true))

    public init(clients: [PostgresClient], needsWritable: Bool, logger: Logger) {
        precondition(!clients.isEmpty, "a database has at least one server")
        (self.clients, self.needsWritable, self.logger) = (clients, needsWritable, logger)
    }

    /// The pool of the server in use.
    public var current: PostgresClient { clients[state.withLock { $0.current }] }

    /// What readiness reports while servers are being switched.
    public enum Status: Sendable, Equatable {
        /// The server in use will do, as far as is known.
        case inUse
        /// The servers are being asked which one will do (within 2 s; a failover or switchover
        /// may be under way, or the pool was only busy).
        case searching
        /// The last search found none that will do (no primary yet), and the server in use has
        /// not answered as one since.
        case noneWillDo
    }

    public var status: Status {
        state.withLock { state in state.searching ? .searching : state.found ? .inUse : .noneWillDo }
    }

    /// Asks every server at once whether it will do (answers, and accepts writes if that is
    /// needed) and uses the first in the URL's order that will; keeps the current one when none
    /// will. One search at a time: a request that finds one under way does not start another.
    /// Returns whether a server that will do was found.
    @discardableResult
    public func findServer() async -> Bool {
        guard clients.count > 1 else { return true }
        guard state.withLock({ state in defer { state.searching = true }; return !state.searching }) else { return false }
        let suitable = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask { (index, await self.willDo(client)) }
            }
            return await group.reduce(into: [Int]()) { if $1.1 { $0.append($1.0) } }.min()
        }
        let (before, chosen) = state.withLock { state in
            defer { state = (suitable ?? state.current, false, suitable != nil) }
            return (state.current, suitable ?? state.current)
        }
        if chosen != before {
            logger.warning("database server switched", metadata: ["from": "\(before)", "to": "\(chosen)", "writable": "\(needsWritable)"])
        } else if suitable == nil {
            logger.warning("no database server will do yet", metadata: ["servers": "\(clients.count)", "writable": "\(needsWritable)"])
        }
        return suitable != nil
    }

    /// Whether `error`, met on the current server, may mean another should be used: no
    /// connection came in time, or the server is unavailable (`PSQLError.meansServerUnavailable`).
    func signalsSwitch(_ error: any Error) -> Bool {
        clients.count > 1 && Database.meansUnavailable(error)
    }

    /// A server will do when it answers within two seconds and, if writes are needed, is not a
    /// standby and does not default to read-only transactions (as libpq checks for read-write).
    /// The answer is not waited for past the two seconds: a lease on a server that is down can
    /// outlast its cancellation (the pool keeps trying to connect), and a search must not.
    func willDo(_ client: PostgresClient) async -> Bool {
        let (needsWritable, logger) = (self.needsWritable, self.logger)
        return await firstAnswer(within: .seconds(2), otherwise: { _ in .answer(false) }) {
            let willDo = try? await client.withConnection { connection in
                let rows = try await connection.query(
                    "SELECT pg_is_in_recovery() OR current_setting('default_transaction_read_only')::bool", logger: logger)
                var readOnly = true
                for try await value in rows.decode(Bool.self) { readOnly = value }
                return !needsWritable || !readOnly
            }
            return willDo ?? false
        }
    }
}

extension DatabaseServers {
    /// Every `interval`, checks that the server in use still will do and searches when it does
    /// not: a primary demoted to standby can keep answering reads, which must not go to it.
    public func watch(every interval: Duration) async {
        guard clients.count > 1 else { return }
        while (try? await Task.sleep(for: interval)) != nil {
            if await willDo(current) {
                state.withLock { $0.found = true }  // e.g. the primary restarted without a failover
            } else {
                await findServer()
            }
        }
    }
}

extension PSQLError {
    /// The connection broke, the server is shutting down or starting up (SQLSTATE classes 08,
    /// connection exception, and 57, operator intervention: e.g. 57P01 during a restart), or it
    /// is a standby that refused a write (25006: a failover or switchover under way). The
    /// request answers 503, and with several servers another is looked for.
    public var meansServerUnavailable: Bool {
        guard code == .server else { return true }
        let state = serverInfo?[.sqlState] ?? ""
        return state.hasPrefix("08") || state.hasPrefix("57") || state == "25006"
    }
}
