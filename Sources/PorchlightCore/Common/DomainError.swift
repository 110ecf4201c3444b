import Foundation

/// One invalid field of a request, named by its JSON path (e.g. `lines[0].quantity`).
public struct FieldError: Sendable, Equatable, Codable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// The errors a client can cause. The HTTP layer maps each case to one problem type and status;
/// anything else that is thrown is unexpected and becomes a 500.
public enum DomainError: Error, Sendable, Equatable {
    /// A parameter is malformed (e.g. a path id that is not a UUID).
    case badRequest(String, [FieldError] = [])
    /// Well-formed input that breaks a rule; one entry per field.
    case validation([FieldError])
    /// The resource does not exist for this merchant.
    case notFound(String)
    /// The request conflicts with the resource's current state.
    case conflict(String)
    /// The document moved on since the version the request's `If-Match` names.
    case preconditionFailed(String)
    /// Too many attempts; retry after the given number of seconds.
    case tooManyRequests(detail: String, retryAfterSeconds: Int)
}

/// The merchant every read and write is scoped to; it comes only from authentication.
public struct MerchantID: Sendable, Hashable, Codable {
    public let rawValue: UUID

    public init(_ rawValue: UUID) {
        self.rawValue = rawValue
    }
}
