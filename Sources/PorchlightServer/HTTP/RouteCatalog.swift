import HTTPTypes
import Hummingbird
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

/// Registers the generated handlers on the router and records them in the catalog. It does
/// what OpenAPIHummingbird's transport does, except for the response: a body of known length (every
/// body the service sends) is collected into one buffer, which Hummingbird writes together with
/// the head and the end in one write. OpenAPIHummingbird streams it instead: head, body and end
/// each a write of their own, which cost small responses about half of their throughput.
struct CatalogingTransport<Context: RequestContext>: ServerTransport {
    let router: Router<Context>
    let catalog: RouteCatalog

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        catalog.add(method, path: path)
        router.on(RouterPath(path), method: method) { request, context in
            let length = request.headers[.contentLength].flatMap { Int($0) }.map { HTTPBody.Length.known(Int64($0)) } ?? .unknown
            let body = HTTPBody(request.body.map { [UInt8](buffer: $0) }, length: length, iterationBehavior: .single)
            let parameters = [String: Substring](context.parameters.map { (String($0.0), $0.1) }) { first, _ in first }
            let (response, responseBody) = try await handler(request.head, body, ServerRequestMetadata(pathParameters: parameters))
            return Response(status: response.status, headers: response.headerFields, body: try await Self.responseBody(responseBody))
        }
    }

    private static func responseBody(_ body: HTTPBody?) async throws -> ResponseBody {
        guard let body else { return ResponseBody() }
        guard case .known(let length) = body.length else { return ResponseBody(asyncSequence: body.map { ByteBuffer(bytes: $0) }) }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(Int(length))
        for try await chunk in body { buffer.writeBytes(chunk) }
        return ResponseBody(byteBuffer: buffer)
    }
}
