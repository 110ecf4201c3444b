import Hummingbird

/// Refuses request bodies over `maxBytes` with 413 before any handler reads them, whether or not
/// the client declared a length.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    static var maxBytes: Int { 1024 * 1024 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > Self.maxBytes {
            throw HTTPError(.contentTooLarge)
        }
        var request = request
        _ = try await request.collectBody(upTo: Self.maxBytes)
        return try await next(request, context)
    }
}
