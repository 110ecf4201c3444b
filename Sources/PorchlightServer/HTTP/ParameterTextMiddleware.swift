import Foundation
import HTTPTypes
import OpenAPIRuntime
import PorchlightCore

/// Path and query parameters must be text PostgreSQL can store: valid UTF-8 once percent-decoded,
/// without NUL. Checked before any handler, so `GET /v1/locations/%00` is a 400 naming the
/// parameter rather than an error from the database, and `%FF` is not judged by its length.
/// A query parameter given empty (`types=`) is refused too: the generated decoder would read an
/// empty list as no parameter at all, and so answer as if there were no filter.
struct ParameterTextMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let query = (request.path ?? "").split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        let queryItems = query.split(separator: "&").map { item in
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: String(pair[0]), value: pair.count > 1 ? pair[1] : "")
        }
        let parameters = metadata.pathParameters.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) } + queryItems
        var v = Validator()
        for (name, value) in parameters {
            if value.isEmpty {
                v.fail(name.removingPercentEncoding ?? name, "must not be empty; omit the parameter instead")
                continue
            }
            // Query strings may write a space as '+'; it cannot hide a NUL or break UTF-8. Only a
            // '%' can (Foundation's decoding costs more than the rest of a small request's parsing).
            guard let text = value.contains("%") ? String(value).removingPercentEncoding : String(value) else {
                v.fail(name.removingPercentEncoding ?? name, "must be valid UTF-8 text once percent-decoded")
                continue
            }
            if text.contains("\0") { v.fail(name.removingPercentEncoding ?? name, "must not contain NUL characters") }
        }
        if !v.errors.isEmpty { throw DomainError.badRequest("\(v.errors[0].field) \(v.errors[0].message).", v.errors) }
        return try await next(request, body, metadata)
    }
}
