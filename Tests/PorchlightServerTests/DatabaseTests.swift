import Foundation
import PorchlightStore
import PostgresNIO
import Testing

@Suite struct DatabaseTests {
    /// While PostgreSQL is away, work gives up after the lease timeout instead of hanging.
    @Test func anUnreachableDatabaseIsReportedWithinTheLeaseTimeout() async throws {
        let nothingListens = PostgresClient.Configuration(
            host: "127.0.0.1", port: 1, username: "nobody", password: nil, database: "none", tls: .disable)
        let client = PostgresClient(configuration: nothingListens, backgroundLogger: testLogger)
        let database = Database(client: client, leaseTimeout: .milliseconds(300))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let started = ContinuousClock.now
            await #expect(throws: DatabaseUnavailable.self) {
                try await database.query("SELECT 1", logger: testLogger)
            }
            #expect(ContinuousClock.now - started < .seconds(3))
            group.cancelAll()
        }
    }
}
