import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PorchlightCore
import PorchlightServer
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
    retryPolicy: WebhookRetryPolicy(delays: [.milliseconds(200), .milliseconds(400), .milliseconds(800)] + Array(repeating: .seconds(1), count: 6),
                                    disableAfter: .seconds(5 * 86_400), jitter: 0),
    pollInterval: .milliseconds(50), timeout: .seconds(2))

/// Runs `body` against the real service (real HTTP server, real PostgreSQL at `url`).
func withService(url: String = databaseURL, clientAddressHeader: HTTPField.Name? = nil,
                 _ body: @Sendable (Service) async throws -> Void) async throws {
    let app = try await buildApplication(
        configuration: AppConfiguration(databaseURL: url, host: "127.0.0.1", port: 0, webhooks: testWebhookSettings,
                                        clientAddressHeader: clientAddressHeader),
        logger: testLogger)
    try await app.test(.live) { client in
        let service = Service(client: client)
        try await body(service)
    }
}

struct Service: Sendable {
    let client: any TestClientProtocol

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
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body)
        return Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    /// Creates an order through the API and returns its id.
    func createOrder(_ merchant: TestMerchant, _ order: [String: Any] = sampleOrder()) async throws -> String {
        let reply = try await call(.post, "/v1/orders", key: merchant.apiKey, json: order)
        #expect(reply.status == .created, "\(reply.text)")
        return reply["id"] as? String ?? ""
    }

    func ship(_ merchant: TestMerchant, order: String, tracking: String, lines: [[String: Any]]) async throws -> Reply {
        try await call(.post, "/v1/orders/\(order)/shipments", key: merchant.apiKey,
                       json: ["carrier": "dhl", "service_level": "standard", "tracking_number": tracking, "lines": lines])
    }

    func scans(_ merchant: TestMerchant, shipment: String, _ events: [[String: Any]]) async throws -> Reply {
        try await call(.post, "/v1/shipments/\(shipment)/events", key: merchant.apiKey, json: ["events": events])
    }

    /// The merchant's events whose type starts with `typePrefix` (of one order, if given), oldest
    /// first, once there are `count` (or after 15 s): an event is numbered, and so in the feed,
    /// once every transaction older than its own has ended, which other tests can delay.
    func feedEvents(_ merchant: TestMerchant, typePrefix: String, order: String? = nil, atLeast count: Int) async throws -> [[String: Any]] {
        var events: [[String: Any]] = []
        for _ in 0..<300 {
            let feed = try await call(.get, "/v1/events?limit=500", key: merchant.apiKey)
            events = try #require(feed["items"] as? [[String: Any]]).filter { event in
                (event["type"] as? String)?.hasPrefix(typePrefix) == true && (order == nil || event["order_id"] as? String == order)
            }
            if events.count >= count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return events
    }
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
