import Foundation
import Logging
import NIOCore
import PorchlightCore
import PorchlightSMTP
import PorchlightStore
import Prometheus
import ServiceLifecycle

/// How messages to customers are sent; the defaults are the production ones, tests shorten the waits.
public struct MessageDeliverySettings: Sendable {
    /// `SMTP_URL`; unset, email cannot be switched on (webhook messages still go out).
    public var smtpURL: String?
    /// `PUBLIC_URL`: where customers reach the service, for the links in messages.
    public var publicURL: String
    /// How often an idle dispatcher plans new events and looks for due messages.
    public var pollInterval: Duration
    /// Messages sent at once, per replica.
    public var maxInFlight: Int
    /// The waits before the second, third, ... attempt after a temporary failure; then it fails.
    public var retryDelays: [Duration]

    public init(smtpURL: String? = nil, publicURL: String = "http://127.0.0.1:8080", pollInterval: Duration = .seconds(1),
                maxInFlight: Int = 8, retryDelays: [Duration] = [.seconds(60), .seconds(300), .seconds(1800), .seconds(7200), .seconds(21600)]) {
        (self.smtpURL, self.publicURL, self.pollInterval, self.maxInFlight, self.retryDelays) = (smtpURL, publicURL, pollInterval, maxInFlight, retryDelays)
    }

    /// A claimed message is leased for this long: past it, another dispatcher may send it again
    /// (with the same Message-ID). Longer than an attempt may take (`attemptLimit`).
    static let lease = Duration.seconds(600)
    /// An attempt that takes longer is given up (and retried after its lease): an SMTP server
    /// that stalls cannot hold a message past its lease and have it sent twice.
    static let attemptLimit = Duration.seconds(300)
    /// Customer links in messages last this long.
    static let linkLifetime = Duration.seconds(60 * 86_400)
}

/// Plans and sends messages to customers; runs in every replica. Each pass plans the new events
/// (`MessageStore.plan`), leases due messages (`FOR UPDATE SKIP LOCKED`), and sends them
/// concurrently outside any transaction: email over SMTP, webhook messages as a
/// `notification.requested` event written with the message's new state.
struct MessageDispatcher: Service {
    let messages: MessageStore
    let customerTokens: CustomerTokenStore
    let renderer: MessageRenderer
    let smtp: SMTPClient?
    let settings: MessageDeliverySettings
    let registry: PrometheusCollectorRegistry
    let clock: WallClock
    let migrated: StartupValue<Void>
    let logger: Logger

    func run() async throws {
        if (try? await cancelWhenGracefulShutdown({ try await migrated.wait() })) != nil {
            var lagMeasured = ContinuousClock.now - Self.lagInterval
            // An idle replica looks less often, up to `maxIdleInterval`; any work brings it back to `pollInterval`.
            var wait = settings.pollInterval
            while case let interval = wait, (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: interval) })) != nil {
                wait = await pass() ? settings.pollInterval : min(wait * 2, max(settings.pollInterval, Self.maxIdleInterval))
                if ContinuousClock.now - lagMeasured >= Self.lagInterval {
                    lagMeasured = .now
                    await measureLag()
                }
            }
        }
        await smtp?.shutdown()
    }

    /// How often the lag is measured: a query of its own, not worth every pass.
    static let lagInterval = Duration.seconds(5)
    /// The longest an idle replica waits before it looks for new events and due messages again.
    static let maxIdleInterval = Duration.seconds(5)

    /// Plans, then sends what is due until nothing is; an attempt cut short by shutdown is sent
    /// again after its lease. Returns whether there was anything to do.
    func pass() async -> Bool {
        var busy = false
        do {
            busy = try await messages.plan(now: clock.now, logger: logger) > 0
        } catch {
            logger.warning("message planning failed; trying again", metadata: ["error": "\(String(reflecting: error))"])
        }
        while !Task.isShuttingDownGracefully {
            let claimed: [MessageStore.Claimed]
            do {
                claimed = try await messages.claim(channels: smtp == nil ? [.webhook] : [.webhook, .email], limit: settings.maxInFlight,
                                                   lease: MessageDeliverySettings.lease, logger: logger)
            } catch {
                logger.warning("message claim failed; trying again", metadata: ["error": "\(String(reflecting: error))"])
                return busy
            }
            guard !claimed.isEmpty else { break }
            busy = true
            await withTaskGroup(of: Void.self) { group in
                for message in claimed { group.addTask { await send(message) } }
            }
        }
        return busy
    }

    func measureLag() async {
        do {
            registry.makeGauge(name: "message_lag_seconds").set(try await messages.lag(logger: logger))
        } catch {
            logger.warning("could not measure message lag", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// Sends one message and records what happened.
    func send(_ message: MessageStore.Claimed) async {
        let outcome = await attempt(message)
        registry.makeCounter(name: "messages_total", labels: [("channel", message.channel.rawValue), ("outcome", outcome.label)]).increment()
        do {
            try await messages.record(message, outcome, now: clock.now, logger: logger)
        } catch {
            logger.warning("could not record a message; it is sent again after its lease", metadata: [
                "notification_id": "\(message.id)", "error": "\(String(reflecting: error))"])
        }
    }

    func attempt(_ message: MessageStore.Claimed) async -> MessageStore.Outcome {
        guard message.settings.allows(message.kind, on: message.channel) else { return .suppressed(.switchedOff) }
        guard let slug = message.pageSlug else { return .suppressed(.pageMissing) }
        let rendered: MessageRenderer.Rendered
        let pageURL: String
        do {
            guard let (_, token) = try await customerTokens.issue(merchant: message.merchant, orderID: message.orderID, proof: .link,
                                                                  lifetime: MessageDeliverySettings.linkLifetime, now: clock.now, logger: logger)
            else { return .suppressed(.noLongerRelevant) }
            pageURL = "\(settings.publicURL)/pages/\(slug)/links/\(token)"
            let content = message.content.withLinks(page: pageURL, unsubscribe: unsubscribeURL(message))
            rendered = try renderer.render(content, with: message.template)
        } catch {
            return retry(message, "could not prepare the message: \(error)")
        }
        switch message.channel {
        case .webhook:
            return .sent(subject: rendered.subject, event: notificationEvent(message, rendered, pageURL: pageURL))
        case .email:
            guard let smtp else { return retry(message, "this replica has no SMTP_URL") }
            do {
                let mail = mail(message, rendered)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { _ = try await smtp.send(mail) }
                    group.addTask {
                        try await Task.sleep(for: MessageDeliverySettings.attemptLimit)
                        throw SMTPError.timedOut(command: "the whole attempt", seconds: Double(MessageDeliverySettings.attemptLimit.components.seconds))
                    }
                    try await group.next()
                    group.cancelAll()
                }
                return .sent(subject: rendered.subject, event: nil)
            } catch let error as SMTPError {
                if error.isRetryable { return retry(message, error.description) }
                // A 5xx to the recipient is a hard bounce: the address takes no more mail.
                if case .rejected(let command, let code, _) = error, command.hasPrefix("RCPT"), (550...553).contains(code) {
                    return .failed(error: error.description, bounced: true)
                }
                return .failed(error: error.description, bounced: false)
            } catch {
                return retry(message, "\(error)")
            }
        }
    }

    func retry(_ message: MessageStore.Claimed, _ error: String) -> MessageStore.Outcome {
        guard message.attempt <= settings.retryDelays.count else { return .failed(error: error, bounced: false) }
        let delay = settings.retryDelays[message.attempt - 1]
        return .retry(at: clock.now.addingTimeInterval(Double(delay.components.seconds)), error: error)
    }

    func unsubscribeURL(_ message: MessageStore.Claimed) -> String { "\(settings.publicURL)/unsubscribe/\(message.unsubscribeToken)" }

    func mail(_ message: MessageStore.Claimed, _ rendered: MessageRenderer.Rendered) -> MailMessage {
        // `allows` checked that email has a sender.
        let sender = message.settings.fromAddress ?? ""
        var headers: [(name: String, value: String)] = [
            // RFC 8058: mail clients offer one-click unsubscribe, posted without signing in.
            ("List-Unsubscribe", "<\(unsubscribeURL(message))>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("Auto-Submitted", "auto-generated"),
        ]
        if let replyTo = message.settings.replyTo { headers.append(("Reply-To", replyTo)) }
        return MailMessage(from: MailAddress(address: sender, name: message.settings.fromName ?? message.storeName),
                           to: MailAddress(address: message.recipient, name: message.name), subject: rendered.subject,
                           textBody: rendered.text, htmlBody: rendered.html, messageID: message.messageID, date: clock.now, extraHeaders: headers)
    }

    /// The event a webhook message becomes: the text for the merchant's own provider.
    func notificationEvent(_ message: MessageStore.Claimed, _ rendered: MessageRenderer.Rendered, pageURL: String) -> DomainEvent {
        var recipient: [String: JSONValue] = ["email": .string(message.recipient)]
        recipient["phone"] = message.phone.map(JSONValue.string)
        recipient["name"] = message.name.map(JSONValue.string)
        return DomainEvent(type: .notificationRequested, data: .object([
            "order_id": .string(message.orderID.apiText), "order_number": .string(message.orderNumber),
            "notification_id": .string(message.id.apiText), "kind": .string(message.kind.rawValue), "language": .string(message.language.rawValue),
            "recipient": .object(recipient), "subject": .string(rendered.subject), "text": .string(rendered.text),
            "short_text": .string("\(rendered.subject): \(pageURL)"), "page_url": .string(pageURL),
        ]))
    }
}

extension MessageStore.Outcome {
    var label: String {
        switch self {
        case .sent: "sent"
        case .retry: "retried"
        case .failed: "failed"
        case .suppressed: "suppressed"
        }
    }
}
