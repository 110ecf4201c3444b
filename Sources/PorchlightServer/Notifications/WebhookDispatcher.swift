import Foundation
import Logging
import PorchlightCore
import PorchlightStore
import Prometheus
import ServiceLifecycle
import Synchronization

/// How webhooks are sent; the defaults are the production ones, tests shorten the waits.
public struct WebhookSettings: Sendable {
    /// Plain-http loopback URLs are allowed (local development and tests), nothing else inside.
    public var allowLoopback: Bool
    public var retryPolicy: WebhookRetryPolicy
    /// How often an idle dispatcher looks for new events and due retries.
    public var pollInterval: Duration
    /// Attempts in flight per endpoint and in all, per replica. An attempt takes longest when the
    /// machine is busiest: at 16 per endpoint, one endpoint's webhooks fell a minute behind while
    /// tracking writes saturated two cores; at 64, two seconds.
    public var maxInFlightPerEndpoint: Int
    public var maxInFlight: Int
    /// An attempt's whole time limit.
    public var timeout: Duration
    /// How endpoint hosts are looked up.
    public var resolver: WebhookResolver

    public init(allowLoopback: Bool = false, retryPolicy: WebhookRetryPolicy = .standard, pollInterval: Duration = .milliseconds(100),
                maxInFlightPerEndpoint: Int = 64, maxInFlight: Int = 128, timeout: Duration = .seconds(15), resolver: WebhookResolver = .system) {
        (self.allowLoopback, self.retryPolicy, self.pollInterval) = (allowLoopback, retryPolicy, pollInterval)
        (self.maxInFlightPerEndpoint, self.maxInFlight, self.timeout, self.resolver) = (maxInFlightPerEndpoint, maxInFlight, timeout, resolver)
    }

    /// A claimed delivery is leased for this long: past it, another dispatcher may try again.
    var lease: Duration { timeout * 4 }
}

/// Sends webhooks; runs in every replica. One loop fans new events out to deliveries; another
/// leases due deliveries (`FOR UPDATE SKIP LOCKED`, so replicas never take the same one) up to
/// the free capacity, each endpoint bounded on its own so that one slow receiver cannot hold
/// every slot, and sends them concurrently, outside any transaction. On SIGTERM it stops
/// leasing and lets the attempts in flight finish and be recorded; an attempt cut short is
/// retried by whichever replica finds its lease expired.
struct WebhookDispatcher: Service {
    let deliveries: WebhookDeliveries
    let sender: WebhookSender
    let settings: WebhookSettings
    let metrics: WebhookMetrics
    let clock: WallClock
    /// Set once migrations are applied: the tables exist.
    let migrated: StartupValue<Void>
    let logger: Logger

    func run() async throws {
        if (try? await cancelWhenGracefulShutdown({ try await migrated.wait() })) != nil {
            await dispatchUntilShutdown()
        }
        await sender.clients.shutdown()
    }

    /// Claims run on a tick (every `pollInterval`) and whenever attempts end and free slots, so
    /// a busy endpoint's next deliveries go out at once; wake-ups that come during a claim
    /// coalesce into one. New events are fanned out on a loop of their own, every `pollInterval`:
    /// a fan-out takes several statements, and under load claims waiting for it held every free
    /// slot idle (eight claims a second, the queue seconds long); that loop also measures the
    /// endpoints' health for the metrics. Outcomes are written in batches, every `recordInterval`.
    func dispatchUntilShutdown() async {
        let state = DispatchState()
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: settings.pollInterval) })) != nil {
                    wake.yield()
                }
                wake.finish()  // shutdown: no more claims; the attempts in flight finish
            }
            group.addTask {
                var healthMeasured = ContinuousClock.now - .seconds(60)
                while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: settings.pollInterval) })) != nil {
                    do {
                        if try await deliveries.fanOut(logger: logger) > 0 { wake.yield() }
                    } catch {
                        // Due retries still go out meanwhile.
                        logger.warning("webhook fan-out failed; trying again", metadata: ["error": "\(String(reflecting: error))"])
                        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }  // the database may be away
                    }
                    if ContinuousClock.now - healthMeasured > .seconds(5) {
                        healthMeasured = .now
                        do {
                            metrics.record(try await deliveries.health(logger: logger))
                        } catch {
                            logger.warning("could not measure webhook health", metadata: ["error": "\(String(reflecting: error))"])
                        }
                    }
                }
            }
            group.addTask {
                // Until the claims have ended and every attempt they started is recorded.
                while !state.isDone {
                    try? await Task.sleep(for: Self.recordInterval)
                    let batch = state.takeOutcomes()
                    await record(batch)
                }
            }
            for await _ in wakeups where !Task.isShuttingDownGracefully {
                let busy = state.inFlight()
                let claimed: [WebhookDeliveries.Claimed]
                do {
                    claimed = try await deliveries.claim(
                        perEndpoint: settings.maxInFlightPerEndpoint, total: settings.maxInFlight - busy.values.reduce(0, +),
                        inFlight: busy, lease: settings.lease, logger: logger)
                } catch {
                    logger.warning("webhook claim failed; trying again", metadata: ["error": "\(String(reflecting: error))"])
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }  // the database may be away
                    continue
                }
                for delivery in claimed {
                    state.started(delivery.endpoint)
                    group.addTask {
                        state.finished(await attempt(delivery))
                        wake.yield()  // a slot is free (the delivery itself stays leased until recorded)
                    }
                }
            }
            state.claimsEnded()
        }
    }

    /// How often finished attempts are written, together.
    static let recordInterval = Duration.milliseconds(10)

    /// Sends one delivery and decides what follows.
    func attempt(_ delivery: WebhookDeliveries.Claimed) async -> WebhookDeliveries.Outcome {
        let attempt = await sender.send(delivery)
        let decision = settings.retryPolicy.decide(attempt.result, attempt: delivery.attempt, failingSince: delivery.endpointFailingSince,
                                                   endpointEnabled: delivery.endpointEnabled, now: clock.now)
        return .init(attempt: attempt, delivery: delivery, decision: decision)
    }

    /// Writes outcomes; should that fail (the database is away), their leases run out and the
    /// deliveries are attempted again.
    func record(_ batch: [WebhookDeliveries.Outcome]) async {
        guard !batch.isEmpty else { return }
        do {
            try await deliveries.record(batch, logger: logger)
            for outcome in batch { metrics.attempted(outcome.decision) }
        } catch {
            logger.warning("could not record webhook attempts; they will be retried after their leases", metadata: [
                "attempts": "\(batch.count)", "error": "\(String(reflecting: error))",
            ])
        }
    }
}

/// What the dispatcher of this replica has going: attempts in flight per endpoint, outcomes
/// waiting to be written, and whether claims (which start attempts) have ended.
private final class DispatchState: Sendable {
    private let state = Mutex<(inFlight: [WebhookDeliveries.Endpoint: Int], outcomes: [WebhookDeliveries.Outcome], claimsEnded: Bool)>(([:], [], false))

    func started(_ endpoint: WebhookDeliveries.Endpoint) { state.withLock { $0.inFlight[endpoint, default: 0] += 1 } }

    func finished(_ outcome: WebhookDeliveries.Outcome) {
        state.withLock { state in
            state.outcomes.append(outcome)
            let endpoint = outcome.delivery.endpoint
            state.inFlight[endpoint] = state.inFlight[endpoint].flatMap { $0 > 1 ? $0 - 1 : nil }
        }
    }

    func inFlight() -> [WebhookDeliveries.Endpoint: Int] { state.withLock { $0.inFlight } }
    func takeOutcomes() -> [WebhookDeliveries.Outcome] { state.withLock { state in defer { state.outcomes = [] }; return state.outcomes } }
    func claimsEnded() { state.withLock { $0.claimsEnded = true } }
    /// Claims have ended, and everything they started is finished and taken to be written.
    var isDone: Bool { state.withLock { $0.claimsEnded && $0.inFlight.isEmpty && $0.outcomes.isEmpty } }
}

/// The webhook metrics: attempts and deliveries by outcome, endpoints disabled by reason (all
/// merchants), and each enabled endpoint's lag (the age of its oldest undelivered event).
struct WebhookMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    func attempted(_ decision: WebhookRetryPolicy.Decision) {
        registry.makeCounter(name: "webhook_attempts_total", labels: [("outcome", decision.status == .succeeded ? "succeeded" : "failed")])
            .increment()
        if decision.status != .pending {
            registry.makeCounter(name: "webhook_deliveries_total", labels: [("outcome", decision.status.rawValue)]).increment()
        }
    }

    func record(_ health: WebhookDeliveries.Health) {
        for lag in health.lag {
            registry.makeGauge(name: "webhook_lag_seconds", labels: [("endpoint_id", lag.endpointID.apiText)]).set(lag.seconds)
        }
        for reason in WebhookDisabledReason.allCases {
            registry.makeGauge(name: "webhook_endpoints_disabled", labels: [("reason", reason.rawValue)]).set(Double(health.disabled[reason] ?? 0))
        }
    }
}
