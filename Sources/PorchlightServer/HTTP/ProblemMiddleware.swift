import HTTPTypes
import Hummingbird

/// Turns every error thrown below it into a problem+json response: unknown routes (405 with
/// `Allow` when the path exists for other methods), bodies that are too large, requests the
/// generated code cannot decode, domain errors and the unexpected.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteCatalog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var problem = Problem.from(error, request: request, logger: context.logger)
            if let httpError = error as? HTTPError, httpError.status == .notFound,
               case let allowed = routes.methods(for: request.uri.path), !allowed.isEmpty {
                let allow = allowed.map(\.rawValue).joined(separator: ", ")
                problem = Problem(status: .methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed",
                                  detail: "\(request.uri.path) does not support \(request.method); use \(allow).",
                                  headers: [.allow: allow])
            }
            return problem.response(requestID: RequestScope.current?.requestID, instance: request.uri.path)
        }
    }
}
