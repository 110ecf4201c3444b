import Foundation
import PorchlightServer
import PorchlightStore
import PostgresNIO
import Testing

/// A DATABASE_URL may name several servers, as libpq's may; the service uses the first that will
/// do. (The failover itself, a primary killed and a standby promoted, is scripts/ha/run's.)
@Suite struct DatabaseServersTests {
    @Test func severalServersAreReadInOrderWithTheirPortsAndTheNeedToWrite() throws {
        let settings = try DatabaseSettings(url: "postgres://app:secret@db1:5433,db2,[::1]:5434/shop?target_session_attrs=read-write&sslmode=disable")
        #expect(settings.servers == [.init(host: "db1", port: 5433), .init(host: "db2", port: 5432), .init(host: "::1", port: 5434)])
        #expect(settings.username == "app" && settings.password == "secret" && settings.database == "shop" && settings.needsWritable)
        #expect(try DatabaseSettings(url: "postgres://app@db1/shop").servers == [.init(host: "db1", port: 5432)])
        #expect(try DatabaseSettings(url: "postgres://app@db1,db2/shop").needsWritable == false, "any server that answers, as libpq's default")
        #expect(try DatabaseSettings(url: "postgres://app@db1,db2/shop?target_session_attrs=primary").needsWritable)

        func problem(_ url: String) -> String {
            do {
                _ = try DatabaseSettings(url: url)
                return ""
            } catch {
                return error.description
            }
        }
        #expect(problem("postgres://app@db1,,db2/shop").contains("empty server"))
        #expect(problem("postgres://app@db1,db2:x/shop").contains("not host or host:port"))
        #expect(problem("postgres://app@db1,db2/shop?target_session_attrs=standby").contains("target_session_attrs must be any, read-write or primary"))
    }

    @Test func aServerThatDoesNotAnswerIsPassedForTheNextOne() async throws {
        // Nothing listens on port 1: the test cluster, named second, serves.
        let url = databaseURL.replacingOccurrences(of: "@", with: "@127.0.0.1:1,") + "?target_session_attrs=read-write"
        #expect(try DatabaseSettings(url: url).servers.count == 2)
        try await withService(url: url) { service in
            #expect(try await service.call(.get, "/health/ready").status == .ok)
            let merchant = try await service.newMerchant()
            let order = try await service.createOrder(merchant)
            #expect(try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey).status == .ok)
        }
    }

    /// What readiness reports: a search that finds no server that will do leaves the status
    /// "none will do" (and keeps the server in use) until a later search finds one.
    @Test(.timeLimit(.minutes(1))) func aSearchThatFindsNoServerSaysSo() async throws {
        let nothingListens = try DatabaseSettings(url: "postgres://nobody@127.0.0.1:1,127.0.0.1:2/none?target_session_attrs=read-write&sslmode=disable")
        let servers = try nothingListens.servers(maximumConnections: 1, logger: testLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in servers.clients { group.addTask { await client.run() } }
            #expect(servers.status == .inUse)
            #expect(await servers.findServer() == false)
            #expect(servers.status == .noneWillDo)
            group.cancelAll()
        }
        let answering = try DatabaseSettings(url: databaseURL.replacingOccurrences(of: "@", with: "@127.0.0.1:1,") + "?target_session_attrs=read-write")
            .servers(maximumConnections: 1, logger: testLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in answering.clients { group.addTask { await client.run() } }
            #expect(await answering.findServer() == true)
            #expect(answering.status == .inUse)
            group.cancelAll()
        }
    }
}
