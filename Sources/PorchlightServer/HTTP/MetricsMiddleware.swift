import Hummingbird
import Prometheus

/// Counts requests and records their latency per route template (not per raw path, so that ids
/// do not explode the label space), into the registry that `/metrics` renders.
struct PrometheusMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let registry: PrometheusCollectorRegistry

    static var latencyBuckets: [Duration] {
        [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
         .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5)]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        registry.makeCounter(name: "http_requests_total", labels: [
            ("method", method), ("route", route), ("status", String(response.status.code)),
        ]).increment()
        registry.makeDurationHistogram(
            name: "http_request_duration_seconds", labels: [("method", method), ("route", route)],
            buckets: Self.latencyBuckets
        ).record(ContinuousClock.now - started)
        return response
    }
}
