import Foundation
import Logging
import PorchlightCore
import PorchlightServer
@testable import PorchlightStore
import Synchronization
import PostgresNIO
import Testing

@Suite struct DatabaseTests {
    /// While PostgreSQL is away, work gives up after the lease timeout instead of hanging. The
    /// outcome is the proof (the error, one timed-out lease); the time limit only ends a test that
    /// would otherwise hang for ever without the timeout.
    @Test(.timeLimit(.minutes(1))) func anUnreachableDatabaseIsReportedWithinTheLeaseTimeout() async throws {
        let nothingListens = PostgresClient.Configuration(
            host: "127.0.0.1", port: 1, username: "nobody", password: nil, database: "none", tls: .disable)
        let client = PostgresClient(configuration: nothingListens, backgroundLogger: testLogger)
        let timeouts = Counter()
        let database = Database(client: client, leaseTimeout: .milliseconds(300),
                                observer: .init(leased: { _ in Issue.record("no connection can be leased") }, timedOut: { timeouts.add() }))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            await #expect(throws: DatabaseUnavailable.self) {
                try await database.query("SELECT 1", logger: testLogger)
            }
            #expect(timeouts.value == 1)
            group.cancelAll()
        }
    }

    /// Work that outlasts the work limit fails as "unavailable" (a 503, and a search for another
    /// server) instead of waiting for ever, and its connection is closed: later work, in a pool
    /// of one connection, gets a new one. The time limit only ends a test that would hang.
    @Test(.timeLimit(.minutes(2))) func workPastItsLimitFailsAndTheNextWorkSucceeds() async throws {
        let configuration = try DatabaseSettings(url: databaseURL).clientConfigurations(maximumConnections: 1)[0]
        let client = PostgresClient(configuration: configuration, backgroundLogger: testLogger)
        let database = Database(client: client, workLimit: .milliseconds(500))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            // Left alone, the statement would succeed after a minute: an error proves it was cut off.
            let error = await #expect(throws: (any Error).self) {
                try await database.query("SELECT pg_sleep(60)", logger: testLogger)
            }
            #expect(error is DatabaseUnavailable || (error as? PSQLError)?.meansServerUnavailable == true, "\(String(describing: error))")
            // The one connection is free long before the sleep would have ended: its work was
            // ended, not left holding it. The pool may hand out the closed connection once more
            // before it learns of the close: that work fails too, and the next gets a new one.
            let answer = try await eventually("work on a new connection", timeout: .seconds(30)) {
                try? await database.query("SELECT 41 + 1", logger: testLogger).first?.decode(Int.self)
            } until: { $0 != nil }
            #expect(answer == 42)
            group.cancelAll()
        }
    }

    /// A prepared statement declares each parameter's type, a nil's too: a statement first run with
    /// a nil takes a value on its next run. (Left to PostgreSQL, the nil's parameter would become
    /// an int4 from its cast, and the next run's 8-byte integer would be refused.) One connection,
    /// so that both runs use the statement the first prepared.
    @Test func aStatementPreparedWithANilTakesAValueNext() async throws {
        let configuration = try DatabaseSettings(url: databaseURL).clientConfigurations(maximumConnections: 1)[0]
        let client = PostgresClient(configuration: configuration, backgroundLogger: testLogger)
        // The new pool's first connection, while the whole suite loads the cluster, has taken
        // longer than the default 2 s: this test is about statements, not about waiting.
        let database = Database(client: client, leaseTimeout: .seconds(30))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            var answers: [Int?] = []
            for value in [nil, 41] as [Int?] {
                let rows = try await database.withConnection { connection in
                    try await connection.run("NilThenValue", "SELECT \(value)::int4 + 1", logger: testLogger)
                }
                answers.append(try #require(rows.first).decode(Int?.self))
            }
            #expect(answers == [nil, 42])
            group.cancelAll()
        }
    }

    @Test func jsonLogsCarryTheRequestIDAsAField() throws {
        let lines = Lines()
        var logger = Logger(label: "test") { label in LineLogHandler(label: label, format: .json) { lines.add($0) } }
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

    /// An aggregate of a nullable column comes back with its NULLs in place (the order load reads
    /// its lines' optional fields so), and an empty array as none.
    @Test func aNullableArrayIsReadWithItsNullsInPlace() async throws {
        try await withDatabase(url: databaseURL, logger: testLogger) { client in
            let row = try #require(try await client.query("""
                SELECT ARRAY['a', NULL, 'c', NULL]::text[], ARRAY[NULL, 2, 3]::int8[], '{}'::text[]
                """, logger: testLogger).collect().first)
            let (texts, numbers, empty) = try row.decode((NullableArray<String>, NullableArray<Int>, NullableArray<String>).self)
            #expect(texts.elements == ["a", nil, "c", nil])
            #expect(numbers.elements == [nil, 2, 3])
            #expect(empty.elements.isEmpty)
        }
    }

    @Test func textLogsCarryTheMetadataSortedAfterTheLabel() throws {
        let lines = Lines()
        var logger = Logger(label: "test") { label in LineLogHandler(label: label, format: .text) { lines.add($0) } }
        logger[metadataKey: "request_id"] = "7c9e6679"
        logger.warning("request", metadata: ["status": "200"], source: "Here")
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix(" warning test: request_id=7c9e6679 status=200 [Here] request\n"), "\(line)")
        #expect(line.first?.isNumber == true, "it starts with the time: \(line)")
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
                WITH tables AS (
                    SELECT c.oid, c.relname, a.attnum AS merchant, a.attnotnull AS merchant_not_null
                    FROM pg_class c
                    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'merchant_id' AND NOT a.attisdropped
                    WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
                ), keys AS (
                    -- Where each table keeps the merchant: merchant_id, or the id of merchants itself.
                    SELECT t.oid, coalesce(t.merchant, (SELECT attnum FROM pg_attribute
                                                        WHERE attrelid = t.oid AND attname = 'id' AND t.relname = 'merchants')) AS merchant
                    FROM tables t
                )
                SELECT t.relname, 'no merchant_id' FROM tables t JOIN keys k ON k.oid = t.oid WHERE k.merchant IS NULL
                UNION ALL
                SELECT relname, 'merchant_id may be null' FROM tables WHERE merchant IS NOT NULL AND NOT merchant_not_null
                UNION ALL
                SELECT k.conrelid::regclass::text, k.conname || ': ' || pg_get_constraintdef(k.oid)
                FROM pg_constraint k
                JOIN keys own ON own.oid = k.conrelid
                LEFT JOIN keys other ON other.oid = k.confrelid
                WHERE k.connamespace = 'public'::regnamespace AND k.contype IN ('p', 'u', 'f', 'x')
                  AND (own.merchant IS NULL OR NOT own.merchant = ANY(k.conkey)
                       -- A reference pairs the merchant with the merchant, column for column.
                       OR (k.contype = 'f' AND (other.merchant IS NULL
                           OR array_position(k.conkey, own.merchant) IS DISTINCT FROM array_position(k.confkey, other.merchant))))
                UNION ALL
                SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text || ': unique index without merchant_id'
                FROM pg_index i JOIN keys own ON own.oid = i.indrelid
                WHERE i.indisunique AND (own.merchant IS NULL OR NOT own.merchant = ANY(i.indkey))
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

    /// What Citus refuses in a table it distributes besides keys: triggers and identity columns.
    /// The review tallies' triggers are gone (their rule is Core's `ReviewTallyMoves`); the ones
    /// left are named here, to go as the way to Citus moves what they do.
    @Test func onlyTheKnownTriggersAndIdentityColumnsAreLeft() async throws {
        let found = try await withDatabase(url: databaseURL, logger: testLogger) { client in
            try await migrate(client: client, logger: testLogger)
            let rows = try await client.query("""
                SELECT t.tgrelid::regclass::text || ': trigger ' || t.tgname FROM pg_trigger t
                JOIN pg_class c ON c.oid = t.tgrelid
                WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
                UNION ALL
                SELECT a.attrelid::regclass::text || ': identity ' || a.attname FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                WHERE a.attidentity <> '' AND NOT a.attisdropped AND c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                """, logger: testLogger)
            var found: [String] = []
            for try await what in rows.decode(String.self) { found.append(what) }
            return found
        }
        #expect(Set(found) == [
            "delivery_promises: trigger delivery_promises_are_kept", "events: identity position", "review_moderations: identity position",
        ], "\(found)")
    }

    /// Citus moves a shard to another worker while writes go on by logical replication, which
    /// needs every row identified: by its primary key or, in a log without one, by all its columns.
    @Test func everyTableCanMoveToAnotherWorkerWhileWritesGoOn() async throws {
        let tables = try await withDatabase(url: databaseURL, logger: testLogger) { client in
            try await migrate(client: client, logger: testLogger)
            let rows = try await client.query("""
                SELECT c.relname, c.relreplident = 'f' OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
                FROM pg_class c WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
                """, logger: testLogger)
            var identified: [String: Bool] = [:]
            for try await (table, isIdentified) in rows.decode((String, Bool).self) { identified[table] = isIdentified }
            return identified
        }
        #expect(tables.count >= 50, "\(tables.keys.sorted())")
        #expect(tables.filter { !$0.value }.keys.sorted() == [], "tables whose rows logical replication cannot identify")
    }
}

/// The transit model reads its sample by learning key: the write path stores Core's key with every
/// order, and `porchlight migrate` sets it for orders that have none (stored before, or seeded).
@Suite struct LearningKeyTests {
    @Test func everyOrderGetsCoresLearningKeyOnWriteAndOnBackfill() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var orders: [String] = []
            for _ in 0..<3 { orders.append(try await service.createOrder(merchant)) }
            let ids = try orders.map { try #require(UUID(uuidString: $0)) }
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                func keys() async throws -> [UUID: (placedAt: Date, key: Date?)] {
                    var found: [UUID: (placedAt: Date, key: Date?)] = [:]
                    let rows = try await client.query("""
                        SELECT id, placed_at, learning_key FROM orders WHERE merchant_id = \(UUID(uuidString: merchant.id)!)
                        """, logger: testLogger)
                    for try await (id, placedAt, key) in rows.decode((UUID, Date, Date?).self) { found[id] = (placedAt, key) }
                    return found
                }
                func expectCoresKeys(_ stored: [UUID: (placedAt: Date, key: Date?)]) throws {
                    #expect(Set(stored.keys) == Set(ids))
                    for id in ids {
                        let row = try #require(stored[id])
                        let expected = LearningSample.key(orderID: id.uuidString, placedAt: row.placedAt)
                        let key = try #require(row.key, "order \(id) has no learning key")
                        // PostgreSQL keeps microseconds.
                        #expect(abs(key.timeIntervalSince(expected)) < 0.000_01, "order \(id): \(key) ≠ \(expected)")
                    }
                }
                try expectCoresKeys(try await keys())

                // (Counted from the UPDATE itself: another test's service may migrate, and so backfill, at any moment.)
                let cleared = try await client.query("""
                    UPDATE orders SET learning_key = NULL WHERE merchant_id = \(UUID(uuidString: merchant.id)!) RETURNING id
                    """, logger: testLogger).collect()
                #expect(cleared.count == 3)
                try await migrate(client: client, logger: testLogger)
                try expectCoresKeys(try await keys())
            }
        }
    }
}
