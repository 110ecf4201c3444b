// The benchmark's bare twin: Hummingbird and a PostgresNIO pool like Porchlight's, doing the least
// each kind of request can do, so that scripts/benchmark/run can print each Porchlight path beside
// the cost of its HTTP round trip plus its one statement, measured in the same run.
//
//   GET  /select/:id  one primary-key SELECT of a ~2 KB JSON text, sent as stored (404 if absent)
//   POST /insert      the JSON body is parsed, then INSERTed as text under a new UUID; 201 {"id": ...}
//   POST /transaction/:id  the least a tracking-event write needs, in one transaction on one connection:
//                     the document row is locked (SELECT ... FOR UPDATE), the JSON body is appended as
//                     an event (INSERT), the ~2 KB document is rewritten with the body's events added
//                     and its version bumped (UPDATE), an outbox row is appended (INSERT), and it
//                     commits; 200 with the new document (400 if the body is not JSON, 404 if absent)
//   GET  /plain       a small constant JSON object, no database
//   POST /webhook     a webhook receiver: counts each delivery by its webhook-id and records its
//                     lag (arrival minus the event time in the body's `timestamp`); 204
//   GET  /webhook-stats  {"received", "unique"} in all, and since the last reset {"window",
//                     "lag_p50_ms", "lag_p99_ms", "seconds"} (deliveries, their lags, first to last)
//   DELETE /webhook-stats  starts a new window
//
// Environment: DATABASE_URL (postgres://user@host:port/database, no password), PORT (default 8091).
import Foundation
import Hummingbird
import PostgresNIO
import Synchronization

let environment = ProcessInfo.processInfo.environment
let logger = {
    var logger = Logger(label: "bare")
    logger.logLevel = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
    return logger
}()

guard let url = environment["DATABASE_URL"].flatMap(URLComponents.init(string:)),
      let host = url.host, let user = url.user, url.path.count > 1
else { fatalError("DATABASE_URL must look like postgres://user@host:port/database") }
var configuration = PostgresClient.Configuration(
    host: host, port: url.port ?? 5432, username: user, password: url.password,
    database: String(url.path.dropFirst()), tls: .disable)
configuration.options.maximumConnections = 20  // as Porchlight's DatabaseSettings
let client = PostgresClient(configuration: configuration, backgroundLogger: logger)

let json: HTTPFields = [.contentType: "application/json"]

let router = Router()
router.get("/select/:id") { _, context -> Response in
    guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.notFound) }
    let rows = try await client.query("SELECT body FROM bare_rows WHERE id = \(id)", logger: context.logger)
    for try await body in rows.decode(String.self) {
        return Response(status: .ok, headers: json, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
    throw HTTPError(.notFound)
}
router.post("/insert") { request, context -> Response in
    let buffer = try await request.body.collect(upTo: 1 << 20)
    let bytes = Data(buffer.readableBytesView)
    guard (try? JSONSerialization.jsonObject(with: bytes)) != nil else { throw HTTPError(.badRequest) }
    let id = UUID()
    try await client.query(
        "INSERT INTO bare_inserts (id, payload) VALUES (\(id), \(String(decoding: bytes, as: UTF8.self)))",
        logger: context.logger)
    let answer = #"{"id":"\#(id.uuidString.lowercased())"}"#
    return Response(status: .created, headers: json, body: .init(byteBuffer: ByteBuffer(string: answer)))
}
router.post("/transaction/:id") { request, context -> Response in
    guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.notFound) }
    let buffer = try await request.body.collect(upTo: 1 << 20)
    let bytes = Data(buffer.readableBytesView)
    guard let event = try? JSONSerialization.jsonObject(with: bytes) else { throw HTTPError(.badRequest) }
    let payload = String(decoding: bytes, as: UTF8.self)
    let added = (event as? [String: Any])?["events"] as? [Any] ?? [event]
    // An error thrown in the transaction comes out as a PostgresTransactionError (a 500): an absent
    // row comes out as nil instead (the empty transaction commits) and is answered 404 here.
    let document = try await client.withTransaction(logger: context.logger) { connection -> String? in
        var locked: (Int, String)?
        let rows = try await connection.query(
            "SELECT version, body FROM bare_documents WHERE id = \(id) FOR UPDATE", logger: context.logger)
        for try await row in rows.decode((Int, String).self) { locked = row }
        guard let (version, body) = locked else { return nil }
        guard var object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        else { throw HTTPError(.internalServerError) }
        object["events"] = (object["events"] as? [Any] ?? []) + added
        object["version"] = version + 1
        let rewritten = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        try await connection.query(
            "INSERT INTO bare_events (id, document_id, payload) VALUES (\(UUID()), \(id), \(payload))",
            logger: context.logger)
        try await connection.query(
            "UPDATE bare_documents SET version = \(version + 1), body = \(rewritten) WHERE id = \(id)",
            logger: context.logger)
        try await connection.query(
            "INSERT INTO bare_outbox (id, document_id, version, payload) VALUES (\(UUID()), \(id), \(version + 1), \(payload))",
            logger: context.logger)
        return rewritten
    }
    guard let document else { throw HTTPError(.notFound) }
    return Response(status: .ok, headers: json, body: .init(byteBuffer: ByteBuffer(string: document)))
}
router.get("/plain") { _, _ -> Response in
    Response(status: .ok, headers: json, body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
}

/// What the webhook receiver has seen: ids (to count duplicates), lags, first and last arrival.
let webhooks = Mutex<(ids: Set<String>, received: Int, lags: [Double], first: Date?, last: Date?)>(([], 0, [], nil, nil))
router.delete("/webhook-stats") { _, _ -> Response in
    webhooks.withLock { seen in (seen.lags, seen.first, seen.last) = ([], nil, nil) }
    return Response(status: .noContent)
}
let eventTime = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
router.post("/webhook") { request, _ -> Response in
    let arrived = Date()
    let buffer = try await request.body.collect(upTo: 1 << 20)
    guard let id = request.headers.first(where: { $0.name.canonicalName == "webhook-id" })?.value,
          let body = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any],
          let timestamp = (body["timestamp"] as? String).flatMap({ try? eventTime.parse($0) })
    else { throw HTTPError(.badRequest) }
    webhooks.withLock { seen in
        seen.ids.insert(id)
        seen.received += 1
        seen.lags.append(arrived.timeIntervalSince(timestamp) * 1000)
        seen.first = seen.first ?? arrived
        seen.last = arrived
    }
    return Response(status: .noContent)
}
router.get("/webhook-stats") { _, _ -> Response in
    let stats = webhooks.withLock { seen -> String in
        let lags = seen.lags.sorted()
        func percentile(_ p: Double) -> Double { lags.isEmpty ? 0 : lags[min(lags.count - 1, Int(Double(lags.count) * p))] }
        let seconds = seen.first.flatMap { first in seen.last.map { $0.timeIntervalSince(first) } } ?? 0
        return #"{"received":\#(seen.received),"unique":\#(seen.ids.count),"window":\#(lags.count),"lag_p50_ms":\#(percentile(0.5)),"lag_p99_ms":\#(percentile(0.99)),"seconds":\#(seconds)}"#
    }
    return Response(status: .ok, headers: json, body: .init(byteBuffer: ByteBuffer(string: stats)))
}

var app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: Int(environment["PORT"] ?? "") ?? 8091), serverName: "bare"),
    services: [client],
    logger: logger)
// Idempotent schema and seed: 10,000 rows whose ids scripts can name, md5('bare' || n)::uuid; the
// transaction twin's documents are copies of them, under the same ids, at version 1.
app.beforeServerStarts {
    try await client.query("""
        CREATE TABLE IF NOT EXISTS bare_rows (id uuid PRIMARY KEY, body text NOT NULL)
        """, logger: logger)
    try await client.query("""
        CREATE TABLE IF NOT EXISTS bare_inserts (
            id uuid PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())
        """, logger: logger)
    try await client.query("""
        INSERT INTO bare_rows (id, body)
        SELECT md5('bare' || n)::uuid, json_build_object(
            'id', md5('bare' || n)::uuid, 'number', 'BARE-' || n, 'status', 'in_transit',
            'events', (SELECT json_agg(json_build_object(
                'seq', s, 'status', 'in_transit', 'occurred_at', '2026-11-20T10:00:00Z',
                'location', json_build_object('city', 'Bucharest', 'country', 'RO'), 'text', 'Parcel moving on'))
                FROM generate_series(1, 12) AS s))::text
        FROM generate_series(1, 10000) AS n
        ON CONFLICT DO NOTHING
        """, logger: logger)
    try await client.query("""
        CREATE TABLE IF NOT EXISTS bare_documents (id uuid PRIMARY KEY, version integer NOT NULL, body text NOT NULL)
        """, logger: logger)
    try await client.query("""
        CREATE TABLE IF NOT EXISTS bare_events (
            id uuid PRIMARY KEY, document_id uuid NOT NULL, payload text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now())
        """, logger: logger)
    try await client.query("""
        CREATE TABLE IF NOT EXISTS bare_outbox (
            id uuid PRIMARY KEY, document_id uuid NOT NULL, version integer NOT NULL, payload text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now())
        """, logger: logger)
    try await client.query("""
        INSERT INTO bare_documents (id, version, body) SELECT id, 1, body FROM bare_rows ON CONFLICT DO NOTHING
        """, logger: logger)
}
try await app.runService()
