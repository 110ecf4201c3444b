import Foundation
import HTTPTypes
import OpenAPIRuntime
import PorchlightCore

/// The generated decoders report a date-time they cannot read without the field it was in (the
/// date transcoder sees only the text). This names the field, as every other error does, by
/// finding the refused text among the query's parameters or in the JSON body.
struct DateTimeFieldMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // BodyLimitMiddleware has bounded and buffered the body: keeping a copy to search is cheap.
        var bytes: Data?
        if let body { bytes = try await Data(collecting: body, upTo: RequestLimits.maxBodyBytes) }
        do {
            return try await next(request, bytes.map { HTTPBody($0) }, metadata)
        } catch let error as ServerError {
            guard let invalid = error.underlyingError as? RFC3339DateTranscoder.InvalidDateTime else { throw error }
            let field = Self.queryField(holding: invalid.text, in: request.path ?? "")
                ?? bytes.flatMap { try? JSONSerialization.jsonObject(with: $0, options: [.fragmentsAllowed]) }
                    .flatMap { JSONPath.first(in: $0) { $0 as? String == invalid.text } }
                ?? "body"
            throw DomainError.badRequest("\(field): \(invalid.message).", [FieldError(field: field, message: invalid.message)])
        }
    }

    static func queryField(holding text: String, in path: String) -> String? {
        guard let query = URLComponents(string: path)?.queryItems else { return nil }
        return query.first { $0.value == text }?.name
    }
}
