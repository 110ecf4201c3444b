import Foundation
import Logging
import PorchlightServer
import PorchlightStore
import Synchronization
import PostgresNIO
import Testing

@Suite struct DatabaseTests {
    /// While PostgreSQL is away, work gives up after the lease timeout instead of hanging.
    @Test func anUnreachableDatabaseIsReportedWithinTheLeaseTimeout() async throws {
        let nothingListens = PostgresClient.Configuration(
            host: "127.0.0.1", port: 1, username: "nobody", password: nil, database: "none", tls: .disable)
        let client = PostgresClient(configuration: nothingListens, backgroundLogger: testLogger)
        let timeouts = Counter()
        let database = Database(client: client, leaseTimeout: .milliseconds(300),
                                observer: .init(leased: { _ in Issue.record("no connection can be leased") }, timedOut: { timeouts.add() }))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let started = ContinuousClock.now
            await #expect(throws: DatabaseUnavailable.self) {
                try await database.query("SELECT 1", logger: testLogger)
            }
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(timeouts.value == 1)
            group.cancelAll()
        }
    }

    @Test func jsonLogsCarryTheRequestIDAsAField() throws {
        let lines = Lines()
        var logger = Logger(label: "test") { label in JSONLogHandler(label: label) { lines.add($0) } }
        logger[metadataKey: "request_id"] = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
        logger.info("request", metadata: ["status": "200", "nested": ["a": "1"]])
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["request_id"] as? String == "7c9e6679-7425-40de-944b-e07fc1f90ae7")
        #expect(object["message"] as? String == "request")
        #expect(object["level"] as? String == "info")
        #expect(object["status"] as? String == "200")
        #expect((object["nested"] as? [String: Any])?["a"] as? String == "1")
        #expect((object["time"] as? String)?.hasSuffix("Z") == true)
    }
}

private final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

private final class Lines: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// The schema distributes by merchant as it is (Citus): every table but the global ones carries
/// `merchant_id`, and every primary key, unique constraint or index and foreign key includes it.
@Suite struct DistributableSchemaTests {
    @Test func everyKeyAndReferenceIncludesTheMerchant() async throws {
        let breaches = try await withDatabase(url: databaseURL, logger: testLogger) { client in
            try await migrate(client: client, logger: testLogger)
            let rows = try await client.query("""
                SELECT c.relname, 'table without merchant_id'
                FROM pg_class c
                WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
                  AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'merchant_id' AND NOT a.attisdropped)
                UNION ALL
                SELECT k.conrelid::regclass::text, k.conname || ': ' || pg_get_constraintdef(k.oid)
                FROM pg_constraint k
                WHERE k.connamespace = 'public'::regnamespace AND k.contype IN ('p', 'u', 'f')
                  AND (NOT EXISTS (SELECT 1 FROM pg_attribute a
                                   WHERE a.attrelid = k.conrelid AND a.attname = 'merchant_id' AND a.attnum = ANY(k.conkey))
                       OR (k.contype = 'f' AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = k.confrelid AND a.attnum = ANY(k.confkey)
                             AND (a.attname = 'merchant_id' OR (k.confrelid = 'merchants'::regclass AND a.attname = 'id')))))
                UNION ALL
                SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text || ': unique index without merchant_id'
                FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                WHERE i.indisunique AND c.relnamespace = 'public'::regnamespace
                  AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                                  WHERE a.attrelid = i.indrelid AND a.attname = 'merchant_id' AND a.attnum = ANY(i.indkey))
                """, logger: testLogger)
            var found: [String] = []
            for try await (table, what) in rows.decode((String, String).self) { found.append("\(table): \(what)") }
            return found
        }
        let exceptions = Schema.distributionExceptions
        let unexpected = breaches.filter { !exceptions.contains(String($0.prefix { $0 != ":" })) }
        #expect(unexpected.isEmpty, "\(unexpected)")
        // The check itself sees what it should: the global tables are found, and only they are excused.
        #expect(Set(breaches.map { String($0.prefix { $0 != ":" }) }) == exceptions, "\(breaches)")
    }
}
