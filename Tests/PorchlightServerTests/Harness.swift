import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PorchlightCore
import PorchlightServer
import PostgresNIO
import Testing

/// A merchant created for one test, so tests never share data and can run in parallel.
struct TestMerchant: Sendable {
    var id: String
    var apiKey: String
}

/// A parsed response: status, headers and the JSON body (nil when the body is not JSON).
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String

    /// The body as a JSON object; a body that is not one is recorded as a test failure, so that
    /// an expectation of an absent field cannot pass on an error page.
    var json: [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            Issue.record("the body is not a JSON object: \(text)")
            return [:]
        }
        return object
    }
    subscript(key: String) -> Any? { json[key] }
    var isProblem: Bool { headers[.contentType] == "application/problem+json" }
    /// The field names of a validation problem.
    var errorFields: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }
}

let databaseURL = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:54331/porchlight_test"

let testLogger: Logger = {
    var logger = Logger(label: "porchlight-test")
    logger.logLevel = .warning
    return logger
}()

/// Webhook settings of every service the tests start (every one runs a dispatcher on the shared
/// database, so any of them may send a test's webhooks): loopback receivers allowed, and retries
/// after fractions of a second instead of minutes.
let testWebhookSettings = WebhookSettings(
    allowLoopback: true,
    // Retries go on for about half a minute: a receiver a test brings back after a few seconds on
    // a busy machine must still find its deliveries pending, not failed.
    retryPolicy: WebhookRetryPolicy(delays: [.milliseconds(200), .milliseconds(400), .milliseconds(800)] + Array(repeating: .seconds(1), count: 30),
                                    disableAfter: .seconds(5 * 86_400), jitter: 0),
    pollInterval: .milliseconds(50), timeout: .seconds(2))

/// The operator's token for `GET /metrics` in the services the tests start.
let testMetricsToken = "test-metrics-token-\(UUID().uuidString)"

/// Runs `body` against the real service (real HTTP server, real PostgreSQL at `url`).
func withService(url: String = databaseURL, clientAddressHeader: HTTPField.Name? = nil, metricsToken: String? = testMetricsToken,
                 clock: TestClock? = nil, _ body: @Sendable (Service) async throws -> Void) async throws {
    let app = try await buildApplication(
        // A small pool: many tests run a service each at the same time (hundreds under a bare
        // `swift test`), and together they must fit the test cluster's max_connections.
        configuration: AppConfiguration(databaseURL: url, host: "127.0.0.1", port: 0, databasePoolSize: 8, webhooks: testWebhookSettings,
                                        clientAddressHeader: clientAddressHeader, metricsToken: metricsToken, clock: clock?.wallClock ?? .system,
                                        // A service on a moved clock must not pass over other tests' data at its time.
                                        runsBackgroundWork: clock == nil),
        logger: testLogger)
    try await serve(app, databaseURL: url, body)
}

/// Runs `app`, which uses the database at `databaseURL`, and `body` against it over HTTP.
func serve(_ app: some ApplicationProtocol, databaseURL: String, _ body: @Sendable (Service) async throws -> Void) async throws {
    try await app.test(.live) { live in
        // The live framework's own client gives up on a request after 20 s; with hundreds of
        // services sharing two cores (a bare `swift test`) an honest request has taken longer. A hang still fails.
        let port = try #require(live.port)
        let client = TestClient(host: "localhost", port: port, configuration: .init(timeout: .seconds(60)))
        client.connect()
        do {
            try await body(Service(client: client, port: port, databaseURL: databaseURL))
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}

struct Service: Sendable {
    let client: TestClient
    let port: Int
    /// The database the service uses, where `newMerchant` creates merchants.
    let databaseURL: String

    func newMerchant(_ name: String = "Test shop") async throws -> TestMerchant {
        let created = try await withDatabase(url: databaseURL, logger: testLogger) { client in
            try await createMerchant(name: name, client: client, logger: testLogger)
        }
        return TestMerchant(id: created.merchantID, apiKey: created.apiKey)
    }

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ path: String, key: String? = nil, json: Any? = nil, raw: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        } else if let raw {
            body = ByteBuffer(string: raw)
        }
        if body != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await send(.init(path, method: method, authority: "localhost", headers: headers, body: body))
    }

    /// Sends a request as it is, for bodies `call` cannot make (bytes that are not UTF-8).
    func send(_ request: TestClient.Request) async throws -> Reply {
        var request = request
        request.head.headerFields[.connection] = "keep-alive"
        let response = try await client.execute(request)
        return Reply(status: response.status, headers: response.headers, text: response.body.map { String(buffer: $0) } ?? "")
    }

    /// Creates an order through the API and returns its id.
    func createOrder(_ merchant: TestMerchant, _ order: [String: Any] = sampleOrder()) async throws -> String {
        let reply = try await call(.post, "/v1/orders", key: merchant.apiKey, json: order)
        #expect(reply.status == .created, "\(reply.text)")
        return reply["id"] as? String ?? ""
    }

    func ship(_ merchant: TestMerchant, order: String, carrier: String = "dhl", serviceLevel: String = "standard", tracking: String,
              lines: [[String: Any]]) async throws -> Reply {
        try await call(.post, "/v1/orders/\(order)/shipments", key: merchant.apiKey,
                       json: ["carrier": carrier, "service_level": serviceLevel, "tracking_number": tracking, "lines": lines])
    }

    func scans(_ merchant: TestMerchant, shipment: String, _ events: [[String: Any]]) async throws -> Reply {
        try await call(.post, "/v1/shipments/\(shipment)/events", key: merchant.apiKey, json: ["events": events])
    }

    /// The merchant's events whose type starts with `typePrefix` (of one order, if given), oldest
    /// first, once there are at least `count`: an event is numbered, and so in the feed, once
    /// every transaction older than its own has ended, which other tests can delay.
    func feedEvents(_ merchant: TestMerchant, typePrefix: String = "", order: String? = nil, atLeast count: Int,
                    sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[String: Any]] {
        try await eventually("\(count) \(typePrefix)* events in the feed", sourceLocation: sourceLocation) {
            let feed = try await call(.get, "/v1/events?limit=500", key: merchant.apiKey)
            return try #require(feed["items"] as? [[String: Any]], "\(feed.text)").filter { event in
                (event["type"] as? String)?.hasPrefix(typePrefix) == true && (order == nil || event["order_id"] as? String == order)
            }
        } until: { $0.count >= count }
    }

    /// A new order (sampleOrder's: TEE ×2, MUG final sale) shipped whole by `carrier`, its parcel
    /// scanned `status` at `scannedAt` (not scanned when `status` is nil), with a customer-link
    /// token. Placed at `placedAt`, by default a second from now: `placed_at` keeps whole seconds,
    /// and the order must come after whatever the merchant set up just before (a return policy).
    func shippedOrder(_ merchant: TestMerchant, placedAt: String = isoTime(Date().addingTimeInterval(1)), carrier: String = "dhl",
                      scanned status: String? = "delivered", at scannedAt: Date = Date().addingTimeInterval(2)) async throws -> ShippedOrder {
        var order = sampleOrder()
        order["placed_at"] = placedAt
        let id = try await createOrder(merchant, order)
        let shipment = try await ship(merchant, order: id, carrier: carrier, tracking: "SO\(UInt32.random(in: 0...UInt32.max))",
                                      lines: [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]])
        let shipmentID = try #require(shipment["id"] as? String, "\(shipment.text)")
        if let status {
            let scanned = try await scans(merchant, shipment: shipmentID, [scan(status, isoTime(scannedAt))])
            #expect(scanned.status == .ok, "\(scanned.text)")
        }
        let link = try await call(.post, "/v1/orders/\(id)/customer-links", key: merchant.apiKey, json: [:])
        #expect(link.status == .created, "\(link.text)")
        return ShippedOrder(id: id, shipment: shipmentID, token: try #require(link["token"] as? String), scannedAt: scannedAt)
    }
}

/// An order of `Service.shippedOrder`: its id, its one shipment, a customer token, and when its
/// parcel was scanned.
struct ShippedOrder: Sendable {
    var id: String
    var shipment: String
    var token: String
    var scannedAt: Date
}

/// Reads with `read` until `done` holds for what it read, for at most `timeout`, and returns the
/// last value read: the one wait of every test for what happens after a reply (the feed, webhooks,
/// background passes). Giving up records a failure that names `what`.
@discardableResult
func eventually<Value>(_ what: @autoclosure () -> String, timeout: Duration = .seconds(15), sourceLocation: SourceLocation = #_sourceLocation,
                       _ read: () async throws -> Value, until done: (Value) throws -> Bool) async throws -> Value {
    let deadline = ContinuousClock.now + timeout
    while true {
        let value = try await read()
        if try done(value) { return value }
        guard ContinuousClock.now < deadline else {
            Issue.record("gave up after \(timeout) waiting for \(what())", sourceLocation: sourceLocation)
            return value
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// The types of the merchant's events starting with `typePrefix` (of one order, if given), in
/// the order they were written, read from the outbox itself: every committed event is there at
/// once, numbered or not, where the feed may not show it yet. What "exactly once" is checked on.
func outboxEventTypes(_ merchant: TestMerchant, typePrefix: String, order: String? = nil) async throws -> [String] {
    let merchantID = try #require(UUID(uuidString: merchant.id))
    let orderID = try order.map { try #require(UUID(uuidString: $0)) }
    return try await withDatabase(url: databaseURL, logger: testLogger) { client in
        try await client.query("""
            SELECT type FROM events
            WHERE merchant_id = \(merchantID) AND starts_with(type, \(typePrefix)) AND (\(orderID)::uuid IS NULL OR order_id = \(orderID))
            ORDER BY position
            """, logger: testLogger).collect().map { try $0.decode(String.self) }
    }
}

/// The messages of a problem's field errors, by field; fails when the reply has none.
func fieldErrors(_ reply: Reply) throws -> [String: String] {
    let errors = try #require(reply["errors"] as? [[String: Any]], "\(reply.text)")
    return Dictionary(try errors.map { (try #require($0["field"] as? String), try #require($0["message"] as? String)) }, uniquingKeysWith: { $1 })
}

func sampleOrder(number: String = "ORD-\(UUID().uuidString.prefix(8))", email: String = "ana@example.com") -> [String: Any] {
    [
        "order_number": number,
        "channel": ["type": "marketplace", "name": "amazon"],
        "customer": ["email": email, "name": "Ana Popescu", "locale": "ro"],
        "destination": ["line1": "Strada Lipscani 12", "city": "Bucharest", "postal_code": "030031", "country": "RO"],
        "placed_at": "2026-11-20T09:30:00+02:00",
        "currency": "RON",
        "lines": [
            ["sku": "TEE", "name": "Red tee", "quantity": 2, "unit_price": 4990],
            ["sku": "MUG", "name": "Mug", "quantity": 1, "unit_price": 2990, "final_sale": true],
        ],
        "metadata": ["campaign": "black-friday", "nested": ["a": [1, 2, 3]]],
    ]
}

func scan(_ status: String, _ time: String, id: String? = nil) -> [String: Any] {
    var event: [String: Any] = ["status": status, "occurred_at": time, "location": ["city": "Vienna", "country": "AT"]]
    if let id { event["carrier_event_id"] = id }
    return event
}

/// Runs `body` with the URL of a new, empty database, dropped afterwards.
func withOwnDatabase(_ body: (String) async throws -> Void) async throws {
    let name = "porchlight_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
    var url = try #require(URLComponents(string: databaseURL))
    url.path = "/" + name
    try await withDatabase(url: databaseURL, logger: testLogger) { _ = try await $0.query("CREATE DATABASE \(unescaped: name)", logger: testLogger) }
    do {
        try await body(try #require(url.string))
    } catch {
        try? await dropDatabase(name)
        throw error
    }
    try await dropDatabase(name)
}

private func dropDatabase(_ name: String) async throws {
    try await withDatabase(url: databaseURL, logger: testLogger) { _ = try await $0.query("DROP DATABASE \(unescaped: name) WITH (FORCE)", logger: testLogger) }
}
