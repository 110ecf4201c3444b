import Logging
import PostgresNIO

/// Runs `body` with a PostgreSQL client whose pool runs for exactly that long: for the CLI's
/// one-shot commands (the server runs its client as a service instead).
public func withDatabase<Result: Sendable>(
    url: String, logger: Logger, _ body: @escaping @Sendable (PostgresClient) async throws -> Result
) async throws -> Result {
    let client = PostgresClient(configuration: try DatabaseSettings(url: url).clientConfiguration(), backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Result?.self) { group in
        // The body waits for the pool's task to start: a query before `run()` works, but makes
        // PostgresNIO warn that `run()` has not been called.
        let (started, starting) = AsyncStream<Void>.makeStream()
        group.addTask {
            starting.finish()
            await client.run()
            return nil
        }
        defer { group.cancelAll() }
        for await _ in started {}
        return try await body(client)
    }
}
