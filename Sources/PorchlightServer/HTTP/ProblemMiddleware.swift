import Hummingbird

/// Turns every error thrown below it into a problem+json response: unknown routes, bodies that
/// are too large, requests the generated code cannot decode, domain errors and the unexpected.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error, request: request, logger: context.logger)
            return problem.response(requestID: RequestScope.current?.requestID, instance: request.uri.path)
        }
    }
}
