import Hummingbird
import Prometheus
import Synchronization

/// Counts requests and records their latency per route template (not per raw path, so that ids
/// do not explode the label space), into the registry that `/metrics` renders. The metric handles
/// are made once per route and status and kept, so a request costs one dictionary lookup.
struct PrometheusMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private struct Route: Hashable {
        var method: HTTPRequest.Method
        var path: String
        var status: Int
    }

    private struct Handles {
        var requests: Prometheus.Counter
        var duration: DurationHistogram
    }

    private final class Cache: Sendable {
        let handles = Mutex<[Route: Handles]>([:])
    }

    let registry: PrometheusCollectorRegistry
    private let cache = Cache()

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    static var latencyBuckets: [Duration] {
        [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
         .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5)]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let route = Route(method: request.method, path: context.endpointPath ?? "unmatched", status: response.status.code)
        let handles = cache.handles.withLock { cached in
            if let handles = cached[route] { return handles }
            let method = route.method.rawValue
            let made = Handles(
                requests: registry.makeCounter(name: "http_requests_total", labels: [
                    ("method", method), ("route", route.path), ("status", String(route.status)),
                ]),
                duration: registry.makeDurationHistogram(
                    name: "http_request_duration_seconds", labels: [("method", method), ("route", route.path)],
                    buckets: Self.latencyBuckets))
            cached[route] = made
            return made
        }
        handles.requests.increment()
        handles.duration.record(ContinuousClock.now - started)
        return response
    }
}
