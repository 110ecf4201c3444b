import Hummingbird
import NIOCore

enum RequestLimits {
    /// Large enough for an order with 500 lines or a batch of 500 tracking events.
    static let maxBodyBytes = 1024 * 1024
}

/// Refuses request bodies over `RequestLimits.maxBodyBytes` with 413 before any handler reads
/// them, whether the client declared a length or sent the body in chunks.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > RequestLimits.maxBodyBytes {
            throw HTTPError(.contentTooLarge)
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: RequestLimits.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            // A chunked body has no length to check up front: it is found too large while read.
            throw HTTPError(.contentTooLarge)
        }
        return try await next(request, context)
    }
}
