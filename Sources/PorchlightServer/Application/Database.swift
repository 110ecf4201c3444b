import Logging
import PorchlightStore
import PostgresNIO
import ServiceLifecycle

/// Runs `body` with a PostgreSQL client whose pool runs for exactly that long: for the CLI's
/// one-shot commands (the server runs its pools as services instead). With several servers in
/// the URL, the one that will do (`DatabaseServers`).
public func withDatabase<Result: Sendable>(
    url: String, logger: Logger, _ body: @escaping @Sendable (PostgresClient) async throws -> Result
) async throws -> Result {
    let servers = try DatabaseSettings(url: url).servers(maximumConnections: 20, logger: logger)
    return try await withThrowingTaskGroup(of: Result?.self) { group in
        // The body waits for the pools' tasks to start: a query before `run()` works, but makes
        // PostgresNIO warn that `run()` has not been called.
        let (started, starting) = AsyncStream<Void>.makeStream()
        for client in servers.clients {
            group.addTask {
                starting.yield()
                await client.run()
                return nil
            }
        }
        defer { group.cancelAll() }
        for await _ in started.prefix(servers.clients.count) {}
        await servers.findServer()
        return try await body(servers.current)
    }
}

/// Keeps each set of servers on one that will do (`DatabaseServers.watch`), until shutdown.
struct DatabaseServerWatch: Service {
    let servers: [DatabaseServers]

    /// The watch, when the URL names several servers; none otherwise (a service that returns at
    /// once would end the application).
    static func needed(for servers: [DatabaseServers]) -> [any Service] {
        servers.contains { $0.clients.count > 1 } ? [DatabaseServerWatch(servers: servers)] : []
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for pools in servers { group.addTask { await pools.watch(every: .seconds(2)) } }
            }
        }
    }
}
