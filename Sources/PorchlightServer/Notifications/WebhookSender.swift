import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import PorchlightCore
import PorchlightStore
import Synchronization

/// Sends one delivery attempt as Standard Webhooks specifies, and reports what happened.
struct WebhookSender: Sendable {
    let clients: WebhookClients
    let addresses: WebhookAddresses
    let timeout: Duration
    let clock: WallClock

    /// The first bytes of a response body kept with the attempt.
    static let keptResponseBytes = 1_024

    /// One attempt, all of it (looking the host up and checking it, connecting, sending, reading
    /// the answer) within `timeout`: a receiver that trickles its answer cannot hold a slot longer,
    /// nor outlast the lease.
    func send(_ delivery: WebhookDeliveries.Claimed) async -> WebhookDeliveries.Attempt {
        let attemptedAt = clock.now
        let started = ContinuousClock.now
        let (result, body) = await attempt(delivery, at: attemptedAt, until: started + timeout)
        return .init(at: attemptedAt, result: result, latency: ContinuousClock.now - started, responseBody: body)
    }

    private func attempt(_ delivery: WebhookDeliveries.Claimed, at attemptedAt: Date,
                         until deadline: ContinuousClock.Instant) async -> (WebhookAttemptResult, String?) {
        let timedOut = WebhookAttemptResult.noAnswer("timed out after \(Int(timeout.seconds)) s")
        guard let url = URL(string: delivery.url) else { return (.noAnswer("the endpoint's URL is not valid"), nil) }
        let destination: WebhookAddresses.Destination
        switch await withDeadline(deadline - .now, { await addresses.destination(for: url, attempt: delivery.attempt) }) {
        case nil: return (timedOut, nil)
        case .refused(let refusal)?: return (.noAnswer("refused: the URL \(refusal.message)"), nil)
        case .unresolved(let host)?: return (.noAnswer("could not resolve \(host)"), nil)
        case .allowed(let allowed)?: destination = allowed
        }
        let request = Self.request(delivery, at: attemptedAt)
        let (result, body) = await withDeadline(deadline - .now) { await post(request, to: destination) } ?? (timedOut, nil)
        // A failure names the address tried: the host's DNS may answer otherwise by the time someone looks.
        if case .noAnswer(let error) = result { return (.noAnswer("\(error) (address \(destination.address))"), nil) }
        return (result, body)
    }

    /// The signed POST of the delivery's message.
    private static func request(_ delivery: WebhookDeliveries.Claimed, at attemptedAt: Date) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        let timestamp = String(Int(attemptedAt.timeIntervalSince1970))
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Porchlight-Webhooks/1")
        request.headers.add(name: "webhook-id", value: delivery.eventID.apiText)
        request.headers.add(name: "webhook-timestamp", value: timestamp)
        request.headers.add(name: "webhook-signature", value: signature(
            id: delivery.eventID.apiText, timestamp: timestamp, body: delivery.body, secrets: delivery.secrets))
        request.body = .bytes(ByteBuffer(string: delivery.body))
        return request
    }

    /// Sends `request` to the destination's address, and reads the start of the answer.
    private func post(_ request: HTTPClientRequest, to destination: WebhookAddresses.Destination) async -> (WebhookAttemptResult, String?) {
        do {
            return try await clients.with(destination) { client in
                let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
                var kept = ByteBuffer()
                for try await chunk in response.body {
                    kept.writeImmutableBuffer(chunk.getSlice(at: chunk.readerIndex, length: min(chunk.readableBytes, Self.keptResponseBytes - kept.readableBytes))!)
                    if kept.readableBytes >= Self.keptResponseBytes { break }
                }
                let retryAfter = WebhookRetryPolicy.retryAfter(response.headers.first(name: "retry-after"), now: clock.now)
                return (.answered(status: Int(response.status.code), retryAfter: retryAfter), Self.storable(kept))
            }
        } catch {
            return (.noAnswer(String(String(describing: error).prefix(300))), nil)
        }
    }

    /// The start of an answer as text PostgreSQL can store (no NUL), or nil when empty.
    static func storable(_ bytes: ByteBuffer) -> String? {
        guard bytes.readableBytes > 0 else { return nil }
        return String(decoding: bytes.readableBytesView, as: UTF8.self).replacingOccurrences(of: "\0", with: "\u{FFFD}")
    }

    /// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per live secret, space-separated.
    static func signature(id: String, timestamp: String, body: String, secrets: [WebhookSecret]) -> String {
        let content = Data("\(id).\(timestamp).\(body)".utf8)
        return secrets.map { secret in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: secret.key))).base64EncodedString()
        }.joined(separator: " ")
    }
}

/// The result of `work`, or nil as soon as `deadline` passes (`work` is then cancelled, and its
/// result, should it still come, ignored). Unlike a task group, this does not wait for work that
/// ignores cancellation, such as a blocking DNS lookup on a thread pool.
func withDeadline<Result: Sendable>(_ deadline: Duration, _ work: @escaping @Sendable () async -> Result) async -> Result? {
    let race = DeadlineRace<Result>()
    return await withCheckedContinuation { continuation in
        race.begin(continuation)
        let worker = Task { race.end(await work()) }
        let timer = Task {
            try? await Task.sleep(for: deadline)
            worker.cancel()
            race.end(nil)
        }
        race.onEnd { timer.cancel() }
    }
}

/// Resumes a continuation once, with whichever result comes first.
private final class DeadlineRace<Result: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Result?, Never>?, ended: Bool, cleanup: (@Sendable () -> Void)?)>((nil, false, nil))

    func begin(_ continuation: CheckedContinuation<Result?, Never>) { state.withLock { $0.continuation = continuation } }

    func end(_ result: Result?) {
        let (continuation, cleanup) = state.withLock { state -> (CheckedContinuation<Result?, Never>?, (@Sendable () -> Void)?) in
            guard !state.ended else { return (nil, nil) }
            state.ended = true
            defer { state.continuation = nil; state.cleanup = nil }
            return (state.continuation, state.cleanup)
        }
        continuation?.resume(returning: result)
        cleanup?()
    }

    /// Runs `cleanup` when the race ends (at once if it has).
    func onEnd(_ cleanup: @escaping @Sendable () -> Void) {
        let endedAlready = state.withLock { state -> Bool in
            if !state.ended { state.cleanup = cleanup }
            return state.ended
        }
        if endedAlready { cleanup() }
    }
}
