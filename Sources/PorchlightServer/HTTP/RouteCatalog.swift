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

    /// The methods registered for routes matching `path` (`{param}` segments match any value).
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return routes.withLock { routes in
            routes.filter { route in
                route.segments.count == segments.count
                    && zip(route.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
            }.map(\.method).sorted { $0.rawValue < $1.rawValue }
        }
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
