import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PorchlightServer
import PorchlightStore
import PostgresNIO
import Synchronization
import Testing

/// The test cluster also accepts TLS with a self-signed certificate for localhost and 127.0.0.1
/// (made by scripts/test, in TEST_PG_TLS_DIR, with an unrelated certificate beside it).
@Suite struct DatabaseTLSTests {
    var certificates: String {
        get throws { try #require(ProcessInfo.processInfo.environment["TEST_PG_TLS_DIR"], "run through scripts/test") }
    }

    /// Whether the pool's connection is encrypted, as PostgreSQL sees it.
    func encrypted(_ url: String, logger: Logger = testLogger) async throws -> Bool {
        try await withDatabase(url: url, logger: logger) { client in
            try await Database(client: client).query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: testLogger)
                .first!.decode(Bool.self)
        }
    }

    @Test func everySSLModeConnectsAsItSays() async throws {
        let root = try certificates + "/server.crt"
        #expect(try await encrypted(databaseURL + "?sslmode=disable") == false)
        #expect(try await encrypted(databaseURL + "?sslmode=prefer") == true)
        #expect(try await encrypted(databaseURL + "?sslmode=require") == true)
        #expect(try await encrypted(databaseURL + "?sslmode=verify-ca&sslrootcert=\(root)") == true)
        let byName = databaseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        #expect(try await encrypted(byName + "?sslmode=verify-full&sslrootcert=\(root)") == true)
    }

    /// Refused for its certificate, not for any reason: the pool only logs why its connections
    /// fail (and the store then gives up waiting for one), so the log is where the reason is read.
    @Test func aCertificateFromAnotherRootIsRefused() async throws {
        let other = try certificates + "/other.crt"
        let byName = databaseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        let failures = ConnectionFailures()
        await #expect(throws: DatabaseUnavailable.self) {
            _ = try await encrypted(byName + "?sslmode=verify-full&sslrootcert=\(other)&connect_timeout=2",
                                    logger: Logger(label: "refused-pool") { _ in failures })
        }
        // An attempt the pool itself cuts short as it shuts down says `clientClosedConnection`, or is
        // cancelled: no reason at all.
        let reasons = failures.errors.filter { !$0.contains("clientClosedConnection") && !$0.contains("CancellationError") }
        #expect(!reasons.isEmpty && reasons.allSatisfy { $0.contains("NIOSSLError.handshakeFailed") && $0.contains("CERTIFICATE_VERIFY_FAILED") },
                "\(failures.errors)")
    }

    @Test func theServiceRunsOverVerifiedTLS() async throws {
        let root = try certificates + "/server.crt"
        let url = databaseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost") + "?sslmode=verify-full&sslrootcert=\(root)"
        try await withService(url: url) { service in
            #expect(try await service.call(.get, "/health/ready").status == .ok)
            let merchant = try await service.newMerchant()
            let orderID = try await service.createOrder(merchant)
            #expect(try await service.call(.get, "/v1/orders/\(orderID)", key: merchant.apiKey).status == .ok)
        }
    }

    @Test func badSettingsAreNamed() throws {
        func problems(_ environment: [String: String]) -> String {
            do {
                _ = try AppConfiguration.fromEnvironment(environment)
                return ""
            } catch {
                return error.description
            }
        }
        let base = "postgres://postgres@127.0.0.1:5432/porchlight"
        #expect(problems(["DATABASE_URL": base + "?sslmode=verify-everything"]).contains("sslmode must be"))
        #expect(problems(["DATABASE_URL": base + "?sslmode=verify-full&sslrootcert=/nonexistent.crt"]).contains("not a readable file"))
        #expect(problems(["DATABASE_URL": base + "?sslmode=require&sslrootcert=/etc/hostname"]).contains("needs sslmode=verify"))
        #expect(problems(["DATABASE_URL": base + "?sslmode=verify-full&sslrootcert=/etc/hostname"]).contains("not a PEM certificate"))
        #expect(problems(["DATABASE_URL": base + "?pool=5"]).contains("unknown parameter 'pool'"))
        #expect(problems(["DATABASE_URL": base + "?connect_timeout=0"]).contains("connect_timeout"))
        #expect(problems(["DATABASE_URL": base, "DATABASE_POOL_SIZE": "0"]).contains("DATABASE_POOL_SIZE"))
        #expect(problems(["DATABASE_URL": base, "LOG_FORMAT": "xml"]).contains("LOG_FORMAT must be text or json"))
        #expect(problems(["DATABASE_URL": base, "WEBHOOKS_ALLOW_LOOPBACK": "yes"]).contains("WEBHOOKS_ALLOW_LOOPBACK"))
        #expect(problems(["DATABASE_URL": base, "CLIENT_ADDRESS_HEADER": "X Forwarded"]).contains("CLIENT_ADDRESS_HEADER"))
        #expect(problems(["DATABASE_URL": base, "REPLICAS": "0"]).contains("REPLICAS must be a number from 1 to 1000"))
        #expect(try AppConfiguration.fromEnvironment(["DATABASE_URL": base, "REPLICAS": "3"]).replicas == 3)
        #expect(problems(["DATABASE_URL": base, "DISTRIBUTED": "yes"]).contains("DISTRIBUTED must be single"))
        #expect(try AppConfiguration.fromEnvironment(["DATABASE_URL": base, "DISTRIBUTED": "citus"]).distribution == .citus)
        #expect(try AppConfiguration.fromEnvironment(["DATABASE_URL": base]).distribution == .single)
        #expect(try AppConfiguration.fromEnvironment(["DATABASE_URL": base, "CLIENT_ADDRESS_HEADER": "X-Forwarded-For"]).clientAddressHeader
                == HTTPField.Name("X-Forwarded-For"))
        #expect(problems(["DATABASE_URL": base + "?sslmode=require&connect_timeout=5", "DATABASE_POOL_SIZE": "50"]) == "")
    }
}

/// Keeps the errors a PostgreSQL pool logs for the connections it failed to open.
private struct ConnectionFailures: LogHandler {
    private final class Errors: Sendable {
        let list = Mutex<[String]>([])
    }
    private let recorded = Errors()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    var errors: [String] { recorded.list.withLock { $0 } }

    func log(event: LogEvent) {
        guard let error = event.metadata?["psql_error"] else { return }
        recorded.list.withLock { $0.append("\(error)") }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
