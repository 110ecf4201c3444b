import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real HTTP receiver on loopback for webhook tests: records every delivery and answers as
/// the test says (a status, after a delay).
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
        var delay: Duration = .zero
        var headers: HTTPFields = [:]
    }

    private final class Recorder: Sendable {
        let state = Mutex<(deliveries: [Delivery], answer: Answer)>(([], Answer()))

        func record(_ delivery: Delivery) -> Answer {
            state.withLock { state in
                state.deliveries.append(delivery)
                return state.answer
            }
        }
    }

    private let recorder = Recorder()
    private(set) var port = 0

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var deliveries: [Delivery] { recorder.state.withLock { $0.deliveries } }

    /// From now on, answer this way.
    func answer(_ answer: Answer) { recorder.state.withLock { $0.answer = answer } }

    /// Starts a receiver; `body` runs while it listens.
    static func with<Result>(_ body: (WebhookReceiver) async throws -> Result) async throws -> Result {
        var receiver = WebhookReceiver()
        let recorder = receiver.recorder
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            func header(_ name: String) -> String { request.headers[HTTPField.Name(name)!] ?? "" }
            let answer = recorder.record(Delivery(
                id: header("webhook-id"), timestamp: header("webhook-timestamp"), signature: header("webhook-signature"),
                body: String(buffer: body)))
            if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
            return Response(status: answer.status, headers: answer.headers)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical  // stopping it by cancellation is logged as an error
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { listening.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        receiver.port = await iterator.next() ?? 0
        return try await body(receiver)
    }

    /// Waits (up to `timeout`) until `condition` holds for the deliveries received.
    @discardableResult
    func wait(timeout: Duration = .seconds(15), until condition: ([Delivery]) -> Bool) async throws -> [Delivery] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let received = deliveries
            if condition(received) { return received }
            try await Task.sleep(for: .milliseconds(50))
        }
        return deliveries
    }

    /// Whether one of the delivery's signatures is the HMAC of `id.timestamp.body` under `secret`.
    static func verifies(_ delivery: Delivery, secret: String) -> Bool {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))) else { return false }
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(delivery.id).\(delivery.timestamp).\(delivery.body)".utf8),
                                                  using: SymmetricKey(data: key))
        return delivery.signature.split(separator: " ").contains("v1," + Data(mac).base64EncodedString())
    }
}
