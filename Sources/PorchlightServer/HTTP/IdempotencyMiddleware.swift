import Crypto
import Foundation
import HTTPTypes
import OpenAPIRuntime
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}

/// Makes the POSTs that change state safe to retry: with an `Idempotency-Key`, the first
/// response is stored and replayed for the same key and request (with `Idempotent-Replayed: true`);
/// the same key with a different request is a 422, and while the first is still running a 409.
/// The handler of each operation here passes the claimed key (`claimedKey`) to its store call,
/// whose transaction records the response with the work. A request that fails releases its key,
/// so a retry does the work.
struct IdempotencyMiddleware: ServerMiddleware {
    /// The key this request claimed, while its handler runs.
    @TaskLocal static var claimedKey: IdempotencyStore.Claimed?

    static let operations: Set<String> = [
        Operations.UpsertOrder.id, Operations.CancelOrder.id, Operations.CreateShipment.id, Operations.RecordTrackingEvents.id,
        Operations.CreateWebhookEndpoint.id, Operations.CreateApiKey.id, Operations.CreateReturn.id,
        Operations.DeclareDisruption.id,
    ]

    let store: IdempotencyStore

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard Self.operations.contains(operationID), let key = request.headerFields[.idempotencyKey] else {
            return try await next(request, body, metadata)
        }
        var v = Validator()
        v.text(key, "Idempotency-Key", min: 1, max: 255)
        if !v.errors.isEmpty { throw DomainError.badRequest("Idempotency-Key must be 1 to 255 characters.", v.errors) }

        let merchant = try Caller.merchant()
        let logger = RequestScope.logger
        let requestBytes = try await collect(body, upTo: RequestLimits.maxBodyBytes)
        let fingerprint = Self.fingerprint(operationID: operationID, path: request.path ?? "", body: requestBytes)

        switch try await store.claim(key: key, fingerprint: fingerprint, merchant: merchant, logger: logger) {
        case .replay(let stored):
            var response = HTTPResponse(status: .init(code: stored.status))
            response.headerFields[.contentType] = stored.contentType
            response.headerFields[.idempotentReplayed] = "true"
            return (response, HTTPBody(stored.body))
        case .inProgress:
            throw DomainError.conflict("A request with this Idempotency-Key is still in progress; retry shortly.")
        case .mismatch:
            throw DomainError.validation([FieldError(
                field: "Idempotency-Key", message: "was already used for a different request; use a new key for a new request")])
        case .claimed(let claim):
            do {
                return try await Self.$claimedKey.withValue(claim) {
                    try await next(request, HTTPBody(requestBytes), metadata)
                }
            } catch {
                // Should this fail too (the database is away), the claim lapses after a minute.
                try? await store.release(claim, merchant: merchant, logger: logger)
                throw error
            }
        }
    }

    /// What makes two requests the same request: operation, path and body.
    static func fingerprint(operationID: String, path: String, body: Data) -> Data {
        var hash = SHA256()
        hash.update(data: Data("\(operationID) \(path)\n".utf8))
        hash.update(data: canonicalJSON(body))
        return Data(hash.finalize())
    }
}

private func collect(_ body: HTTPBody?, upTo maxBytes: Int) async throws -> Data {
    guard let body else { return Data() }
    return try await Data(collecting: body, upTo: maxBytes)
}

/// The same JSON whatever its key order or spacing, so that a retry serialised differently by the
/// client still counts as the same request. Bodies that are not JSON are taken as they are.
private func canonicalJSON(_ bytes: Data) -> Data {
    guard let value = try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]),
          let canonical = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    else { return bytes }
    return canonical
}
