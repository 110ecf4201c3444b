import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime
import Synchronization

/// Every route the generated server registers, so that a known path asked for with the wrong
/// method can be answered 405 with `Allow` rather than 404.
final class RouteCatalog: Sendable {
    private let routes = Mutex<[(method: HTTPRequest.Method, segments: [Substring])]>([])

    func add(_ method: HTTPRequest.Method, path: String) {
        routes.withLock { $0.append((method, path.split(separator: "/"))) }
    }

    /// The methods registered for the routes `path` resolves to (`{param}` segments match any
    /// value). As in the router, a segment spelled out wins over a parameter: `/v1/returns/quotes`
    /// is the quotes route, not a return with the id `quotes`.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        let matching = routes.withLock { routes in
            routes.filter { route in
                route.segments.count == segments.count
                    && zip(route.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
            }
        }
        // Which segments each route spells out; the most specific, compared segment by segment, wins.
        let spelled = { (route: (method: HTTPRequest.Method, segments: [Substring])) in route.segments.map { $0.hasPrefix("{") ? 0 : 1 } }
        guard let best = matching.map(spelled).max(by: { $0.lexicographicallyPrecedes($1) }) else { return [] }
        return matching.filter { spelled($0) == best }.map(\.method).sorted { $0.rawValue < $1.rawValue }
    }
}

/// Registers the generated handlers on the router and records them in the catalog.
struct CatalogingTransport<Context: RequestContext>: ServerTransport {
    let router: Router<Context>
    let catalog: RouteCatalog

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        catalog.add(method, path: path)
        try router.register(handler, method: method, path: path)
    }
}
