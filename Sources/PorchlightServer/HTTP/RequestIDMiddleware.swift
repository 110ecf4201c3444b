import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PorchlightCore

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}

/// Gives every request an id (the caller's `X-Request-Id` when it is sane, else a new UUID),
/// puts it on the logger and the response, and logs each request once it is answered. It also
/// sets the request scope the handlers read: the id, the logger and the client's address.
struct RequestIDMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    /// `CLIENT_ADDRESS_HEADER`, when the service runs behind a proxy that sets it.
    let clientAddressHeader: HTTPField.Name?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = request.headers[.requestID].flatMap(Self.acceptable) ?? UUID.random().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "request_id"] = .string(requestID)
        let scope = RequestScope(requestID: requestID, logger: context.logger,
                                 clientAddress: ClientAddress.of(request, peer: context.remoteAddress, trustedHeader: clientAddressHeader))
        let started = ContinuousClock.now
        var response = try await RequestScope.$current.withValue(scope) {
            try await next(request, context)
        }
        response.headers[.requestID] = requestID
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .stringConvertible((ContinuousClock.now - started).seconds * 1000),
        ])
        return response
    }

    /// Up to 128 characters of letters, digits, '.', '_' and '-': anything else is not echoed.
    static func acceptable(_ value: String) -> String? {
        guard (1...128).contains(value.count),
              value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        else { return nil }
        return value
    }
}
