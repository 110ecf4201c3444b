import Foundation

/// What became of one attempt to deliver a webhook.
public enum WebhookAttemptResult: Sendable, Equatable {
    /// The endpoint answered with this status (and, on 429 or 503, perhaps a `Retry-After`).
    case answered(status: Int, retryAfter: Duration?)
    /// No answer: a timeout, a refused connection or address, a TLS failure.
    case noAnswer(String)
}

public enum WebhookDeliveryStatus: String, Sendable, CaseIterable {
    case pending, succeeded, failed
}

public enum WebhookDisabledReason: String, Sendable, CaseIterable {
    /// The merchant disabled it.
    case merchant
    /// It answered 410 Gone.
    case gone
    /// It kept failing, without one success, for `WebhookRetryPolicy.disableAfter`.
    case failing
}

/// The retry rules (Standard Webhooks, as Svix and Stripe do it): at least once, for about three
/// days, with jitter so that a receiver coming back is not hit by every retry at once.
public struct WebhookRetryPolicy: Sendable {
    /// The waits before the second, third, ... attempt; after the last, the delivery has failed.
    public var delays: [Duration]
    /// An endpoint failing without a single success for this long is disabled.
    public var disableAfter: Duration
    /// Each wait is scaled by a random factor in 1 ± jitter.
    public var jitter: Double

    /// Immediately, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h: ten attempts
    /// over 80 hours.
    public static let standard = WebhookRetryPolicy(
        delays: [.seconds(5), .seconds(300), .seconds(1_800), .seconds(7_200), .seconds(18_000), .seconds(36_000),
                 .seconds(50_400), .seconds(72_000), .seconds(86_400)],
        disableAfter: .seconds(5 * 86_400), jitter: 0.1)

    /// A receiver's `Retry-After` is honoured up to this.
    static let longestRetryAfter = Duration.seconds(86_400)

    public init(delays: [Duration], disableAfter: Duration, jitter: Double) {
        (self.delays, self.disableAfter, self.jitter) = (delays, disableAfter, jitter)
    }

    public struct Decision: Sendable, Equatable {
        public var status: WebhookDeliveryStatus
        /// When to try again (pending deliveries only).
        public var nextAttemptAt: Date?
        /// The endpoint's new `failing_since`, when it changes (`.some(nil)`: it recovered).
        public var failingSince: Date??
        /// Set when the endpoint must be disabled.
        public var disable: WebhookDisabledReason?
    }

    /// What follows attempt number `attempt` (1 for the first) that ended with `result`, for an
    /// endpoint failing since `failingSince` (nil: its last attempt succeeded). A disabled endpoint
    /// (one that gets only test messages) is not disabled again: its deliveries follow the schedule.
    public func decide(_ result: WebhookAttemptResult, attempt: Int, failingSince: Date?, endpointEnabled: Bool = true, now: Date,
                       random: Double = Double.random(in: 0...1)) -> Decision {
        var retryAfter: Duration?
        switch result {
        case .answered(let status, _) where (200..<300).contains(status):
            return Decision(status: .succeeded, failingSince: failingSince == nil ? nil : .some(nil))
        case .answered(410, _):
            return Decision(status: .failed, failingSince: failingSince == nil ? .some(now) : nil, disable: endpointEnabled ? .gone : nil)
        case .answered(let status, let after) where status == 429 || status == 503:
            retryAfter = after.map { min(max($0, .seconds(1)), Self.longestRetryAfter) }
        case .answered, .noAnswer:
            break
        }
        let since = failingSince ?? now
        let failingChange: Date?? = failingSince == nil ? .some(now) : nil
        if endpointEnabled && now.timeIntervalSince(since) >= disableAfter.seconds {
            // Pending, not failed: it goes out once the merchant re-enables the endpoint.
            return Decision(status: .pending, nextAttemptAt: now, failingSince: failingChange, disable: .failing)
        }
        guard attempt <= delays.count else { return Decision(status: .failed, failingSince: failingChange) }
        let wait = retryAfter ?? delays[attempt - 1] * (1 + jitter * (2 * random - 1))
        return Decision(status: .pending, nextAttemptAt: now.addingTimeInterval(wait.seconds), failingSince: failingChange)
    }
}

extension WebhookRetryPolicy {
    /// Reads a `Retry-After` header: delay seconds, or an HTTP date (RFC 9110 §10.2.3).
    public static func retryAfter(_ header: String?, now: Date) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Int(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard let date = formatter.date(from: text) else { return nil }
        return .seconds(max(0, date.timeIntervalSince(now)))
    }
}
