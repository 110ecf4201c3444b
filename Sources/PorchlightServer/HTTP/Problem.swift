import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime
import PorchlightAPI
import PorchlightCore
import PorchlightStore
import PostgresNIO

/// An RFC 9457 problem: every 4xx and 5xx answer of the service is one of these.
struct Problem: Error, Sendable {
    var status: HTTPResponse.Status
    /// The last segment of the stable `type` URI.
    var slug: String
    var title: String
    var detail: String
    var errors: [FieldError] = []
    var headers: HTTPFields = [:]

    static let typeBase = "https://porchlight.dev/problems/"

    static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, slug: "unauthorized", title: "Unauthorized", detail: detail,
                headers: [.wwwAuthenticate: "Bearer"])
    }

    static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, slug: "forbidden", title: "Forbidden", detail: detail)
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, slug: "not-found", title: "Not found", detail: detail)
    }

    static func badRequest(_ detail: String, errors: [FieldError] = []) -> Problem {
        Problem(status: .badRequest, slug: "malformed-request", title: "Malformed request", detail: detail, errors: errors)
    }

    static let unsupportedMediaType = Problem(
        status: .unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported media type",
        detail: "Send the body as 'Content-Type: application/json'.")

    static let serviceUnavailable = Problem(
        status: .serviceUnavailable, slug: "service-unavailable", title: "Service unavailable",
        detail: "The database is unavailable. Retry shortly.", headers: [.retryAfter: "2"])

    static func notReady(_ why: String) -> Problem {
        Problem(status: .serviceUnavailable, slug: "service-unavailable", title: "Service unavailable", detail: "Not ready: \(why)",
                headers: [.retryAfter: "2"])
    }

    static let internalError = Problem(
        status: .internalServerError, slug: "internal-error", title: "Internal server error",
        detail: "An unexpected error occurred. Quote the request id when reporting it.")

    init(status: HTTPResponse.Status, slug: String, title: String, detail: String, errors: [FieldError] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    init(_ error: DomainError) {
        switch error {
        case .badRequest(let detail, let errors):
            self = .badRequest(detail, errors: errors)
        case .validation(let errors):
            self.init(status: .unprocessableContent, slug: "validation-failed", title: "Validation failed",
                      detail: errors.count == 1 ? "\(errors[0].field) \(errors[0].message)." : "\(errors.count) fields are invalid.",
                      errors: errors)
        case .notFound(let detail):
            self = .notFound(detail)
        case .conflict(let detail):
            self.init(status: .conflict, slug: "conflict", title: "Conflict", detail: detail)
        case .preconditionFailed(let detail):
            self.init(status: .preconditionFailed, slug: "precondition-failed", title: "Precondition failed", detail: detail)
        case .tooManyRequests(let detail, let retryAfter):
            self.init(status: .tooManyRequests, slug: "too-many-requests", title: "Too many requests", detail: detail,
                      headers: [.retryAfter: String(retryAfter)])
        }
    }

    /// What a thrown error means for the client. Errors the client caused become 4xx problems,
    /// a database that cannot be reached a 503; only the rest are unexpected (500, and logged).
    static func from(_ error: any Error, request: Request, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let domain as DomainError:
            return Problem(domain)
        case let serverError as ServerError:
            if serverError.underlyingError is Problem || serverError.underlyingError is DomainError
                || serverError.httpStatus.kind != .clientError {
                return from(serverError.underlyingError, request: request, logger: logger)
            }
            return fromOpenAPIDecoding(serverError)
        case let transaction as PostgresTransactionError:
            // A rule broken inside a transaction arrives wrapped; what matters is what broke.
            let cause: (any Error)? = transaction.closureError ?? transaction.beginError ?? transaction.commitError
            return cause.map { from($0, request: request, logger: logger) } ?? {
                logger.error("unexpected error", metadata: ["error": "\(String(reflecting: transaction))"])
                return .internalError
            }()
        case let httpError as HTTPError:
            switch httpError.status {
            case .notFound:
                return .notFound("No route for \(request.method) \(request.uri.path). See /openapi.yaml for the API.")
            case .contentTooLarge:
                return Problem(status: .contentTooLarge, slug: "payload-too-large", title: "Payload too large",
                               detail: "Request bodies are limited to \(RequestLimits.maxBodyBytes) bytes.")
            default:
                return Problem(status: httpError.status, slug: "http-\(httpError.status.code)",
                               title: httpError.status.reasonPhrase, detail: httpError.body ?? httpError.status.reasonPhrase)
            }
        case is DatabaseUnavailable:
            logger.warning("database unavailable: no connection within the lease timeout")
            return .serviceUnavailable
        case let postgres as PSQLError where postgres.meansServerUnavailable:
            logger.warning("database unavailable", metadata: ["error": "\(String(reflecting: postgres.code))",
                                                           "sql_state": "\(postgres.serverInfo?[.sqlState] ?? "")"])
            return .serviceUnavailable
        default:
            logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return .internalError
        }
    }

    /// A request the generated code could not decode: say where and why.
    private static func fromOpenAPIDecoding(_ error: ServerError) -> Problem {
        if error.httpStatus == .unsupportedMediaType { return .unsupportedMediaType }
        let detail: String
        var errors: [FieldError] = []
        if let decoding = error.underlyingError as? DecodingError {
            let (path, message) = describe(decoding)
            detail = path.isEmpty ? "The request body is not valid JSON for this operation: \(message)."
                : "The request is not valid for this operation: at \(path): \(message)."
            errors = [FieldError(field: path.isEmpty ? "body" : path, message: message)]
        } else {
            detail = error.causeDescription
        }
        return Problem(status: error.httpStatus == .unprocessableContent ? .unprocessableContent : .badRequest,
                       slug: "malformed-request", title: "Malformed request", detail: detail, errors: errors)
    }

    private static func describe(_ error: DecodingError) -> (path: String, message: String) {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce("") { result, key in
                if let index = key.intValue { return result + "[\(index)]" }
                return result.isEmpty ? key.stringValue : result + "." + key.stringValue
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(jsonTypeName(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected \(jsonTypeName(type)), found null")
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "is required")
        case .dataCorrupted(let context):
            if let unknown = context.debugDescription.firstMatch(of: /^Cannot initialize (\w+) from invalid \w+ value (.*)$/) {
                // The standard library's words for a value outside a contract enum.
                guard let allowed = ContractEnumValues.byName[String(unknown.1)] else {
                    return (path(context.codingPath), "must be one of the \(unknown.1) values that openapi.yaml lists, not '\(unknown.2)'")
                }
                // Long lists (countries, currencies) are named by a few of their values.
                let listed = allowed.count <= 20 ? allowed.joined(separator: ", ")
                    : "the \(allowed.count) \(unknown.1) values that openapi.yaml lists (\(allowed.prefix(3).joined(separator: ", ")), …)"
                return (path(context.codingPath), "must be one of \(listed), not '\(unknown.2)'")
            }
            let reason = context.debugDescription.contains("JSON") || context.codingPath.isEmpty
                ? "the body is not valid JSON" : context.debugDescription
            return (path(context.codingPath), reason)
        @unknown default:
            return ("", "could not be decoded")
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        case is Date.Type: "an RFC 3339 date-time string"
        default: String(describing: type).contains("Array") ? "an array" : "an object"
        }
    }

    func response(requestID: String?, instance: String) -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: body(requestID: requestID, instance: instance)))
    }

    /// The problem as the spec's `Problem` schema, encoded by the generated type.
    func body(requestID: String?, instance: String?) -> ByteBuffer {
        let body = Components.Schemas.Problem(
            _type: Self.typeBase + slug, title: title, status: Int(status.code), detail: detail,
            instance: instance, requestId: requestID,
            errors: errors.isEmpty ? nil : errors.map { .init(field: $0.field, message: $0.message) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: (try? encoder.encode(body)) ?? Data("{}".utf8))
    }
}

