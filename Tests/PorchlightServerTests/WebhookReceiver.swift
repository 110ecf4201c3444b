import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Testing

/// A real HTTP receiver on loopback for webhook tests: records every delivery and answers as
/// the test says (a status, and while it holds, only once released).
struct WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var id: String
        var timestamp: String
        var signature: String
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
        var type: String? { json["type"] as? String }
        var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
    }

    struct Answer: Sendable {
        var status: HTTPResponse.Status = .noContent
        var headers: HTTPFields = [:]
    }

    private final class Recorder: Sendable {
        let state = Mutex<(deliveries: [Delivery], answer: Answer, holding: Bool)>(([], Answer(), false))

        func record(_ delivery: Delivery) {
            state.withLock { $0.deliveries.append(delivery) }
        }
    }

    private let recorder = Recorder()
    private(set) var port = 0

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var deliveries: [Delivery] { recorder.state.withLock { $0.deliveries } }

    /// From now on, answer this way.
    func answer(_ answer: Answer) { recorder.state.withLock { $0.answer = answer } }

    /// From now on, record each delivery and then hold its answer until `release()`, or until the
    /// receiver stops (so that a test that fails while holding still ends): no time bound.
    func hold() { recorder.state.withLock { $0.holding = true } }
    func release() { recorder.state.withLock { $0.holding = false } }

    /// Starts a receiver; `body` runs while it listens.
    static func with<Result>(_ body: (WebhookReceiver) async throws -> Result) async throws -> Result {
        var receiver = WebhookReceiver()
        let recorder = receiver.recorder
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            func header(_ name: String) -> String { request.headers[HTTPField.Name(name)!] ?? "" }
            recorder.record(Delivery(
                id: header("webhook-id"), timestamp: header("webhook-timestamp"), signature: header("webhook-signature"),
                body: String(buffer: body)))
            while recorder.state.withLock({ $0.holding }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            let answer = recorder.state.withLock { $0.answer }
            return Response(status: answer.status, headers: answer.headers)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical  // stopping it by cancellation is logged as an error
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { listening.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let server = Task { try await app.runService() }
        defer {
            receiver.release()  // answers still held, so that the server can stop
            server.cancel()
        }
        var iterator = ports.makeAsyncIterator()
        receiver.port = await iterator.next() ?? 0
        return try await body(receiver)
    }

    /// The deliveries received, once `condition` holds for them (see `eventually`).
    @discardableResult
    func wait(sourceLocation: SourceLocation = #_sourceLocation, until condition: ([Delivery]) -> Bool) async throws -> [Delivery] {
        try await eventually("the receiver's deliveries", sourceLocation: sourceLocation, { deliveries }, until: condition)
    }

    /// Whether one of the delivery's signatures is the HMAC of `id.timestamp.body` under `secret`.
    static func verifies(_ delivery: Delivery, secret: String) -> Bool {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))) else { return false }
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(delivery.id).\(delivery.timestamp).\(delivery.body)".utf8),
                                                  using: SymmetricKey(data: key))
        return delivery.signature.split(separator: " ").contains("v1," + Data(mac).base64EncodedString())
    }
}
