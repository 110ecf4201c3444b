import Foundation
import HTTPTypes
import OpenAPIRuntime
import PorchlightCore
import PorchlightStore

/// A response whose body is already the contract's JSON: a document Core built and the database
/// stored. A handler throws it (OpenAPIRuntime's `HTTPResponseConvertible` way of answering with
/// a ready-made response) and `PreparedResponseMiddleware` sends it, so the stored text goes out
/// as it is instead of being decoded into the generated type and encoded again. The generated
/// types still describe every such body: the tests decode them with those types.
struct PreparedResponse: Error, HTTPResponseConvertible {
    var response: IdempotencyStore.StoredResponse
    /// The document's `ETag`, on a read (`ConditionalRequestMiddleware`).
    var tag: EntityTag?

    init(status: HTTPResponse.Status, json: Data, tag: EntityTag? = nil) {
        response = .init(status: status.code, contentType: "application/json", body: json)
        self.tag = tag
    }

    var httpStatus: HTTPResponse.Status { .init(code: response.status) }
    var httpHeaderFields: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        fields[.eTag] = tag?.field
        return fields
    }
    var httpBody: HTTPBody? { HTTPBody(response.body) }
}

/// Sends the `PreparedResponse` a handler threw. Innermost, so that every other middleware sees
/// an ordinary response.
struct PreparedResponseMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch let error as ServerError where error.underlyingError is PreparedResponse {
            return (HTTPResponse(status: error.httpStatus, headerFields: error.httpHeaderFields), error.httpBody)
        }
    }
}

/// Does a write whose response is made from stored documents: with an Idempotency-Key claimed,
/// the write's transaction records that response together with the work.
func respondWithStored<Result>(
    _ respond: @escaping @Sendable (Result) throws -> PreparedResponse,
    _ write: (IdempotentWrite<Result>?) async throws -> Result
) async throws -> Never {
    let claim = IdempotencyMiddleware.claimedKey.map { IdempotentWrite<Result>(claim: $0) { try respond($0).response } }
    throw try respond(try await write(claim))
}
