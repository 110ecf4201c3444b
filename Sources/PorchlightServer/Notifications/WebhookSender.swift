import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import PorchlightCore
import PorchlightStore

/// Sends one delivery attempt as Standard Webhooks specifies, and reports what happened.
struct WebhookSender: Sendable {
    let client: HTTPClient
    let addresses: WebhookAddresses
    let timeout: Duration

    /// The first bytes of a response body kept with the attempt.
    static let keptResponseBytes = 1_024

    /// Redirects are not followed: a receiver could send the request on to an internal address.
    static func makeClient(timeout: Duration) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .nanoseconds(Int64(timeout.seconds * 1e9)))
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func send(_ delivery: WebhookDeliveries.Claimed) async -> WebhookDeliveries.Attempt {
        let attemptedAt = Date()
        let started = ContinuousClock.now
        func attempt(_ result: WebhookAttemptResult, body: String? = nil) -> WebhookDeliveries.Attempt {
            .init(at: attemptedAt, result: result, latency: ContinuousClock.now - started, responseBody: body)
        }
        guard let url = URL(string: delivery.url) else { return attempt(.noAnswer("the endpoint's URL is not valid")) }
        if let refusal = await addresses.refusal(for: url) { return attempt(.noAnswer("refused: the URL \(refusal.message)")) }

        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        let timestamp = String(Int(attemptedAt.timeIntervalSince1970))
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Porchlight-Webhooks/1")
        request.headers.add(name: "webhook-id", value: delivery.eventID.apiText)
        request.headers.add(name: "webhook-timestamp", value: timestamp)
        request.headers.add(name: "webhook-signature", value: Self.signature(
            id: delivery.eventID.apiText, timestamp: timestamp, body: delivery.body, secrets: delivery.secrets))
        request.body = .bytes(ByteBuffer(string: delivery.body))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
            var kept = ByteBuffer()
            for try await chunk in response.body {
                kept.writeImmutableBuffer(chunk.getSlice(at: chunk.readerIndex, length: min(chunk.readableBytes, Self.keptResponseBytes - kept.readableBytes))!)
                if kept.readableBytes >= Self.keptResponseBytes { break }
            }
            let retryAfter = WebhookRetryPolicy.retryAfter(response.headers.first(name: "retry-after"), now: Date())
            return attempt(.answered(status: Int(response.status.code), retryAfter: retryAfter),
                           body: kept.readableBytes > 0 ? String(decoding: kept.readableBytesView, as: UTF8.self) : nil)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return attempt(.noAnswer("timed out after \(Int(timeout.seconds)) s"))
        } catch {
            return attempt(.noAnswer(String(describing: error).prefix(300).description))
        }
    }

    /// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per live secret, space-separated.
    static func signature(id: String, timestamp: String, body: String, secrets: [WebhookSecret]) -> String {
        let content = Data("\(id).\(timestamp).\(body)".utf8)
        return secrets.map { secret in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: secret.key))).base64EncodedString()
        }.joined(separator: " ")
    }
}
