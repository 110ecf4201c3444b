import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func createApiKey(_ input: Operations.CreateApiKey.Input) async throws -> Operations.CreateApiKey.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        var v = Validator()
        v.text(body.name, "name", min: 1, max: 100)
        v.check(!body.name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "name", "must not be blank")
        v.count(body.scopes.count, "scopes", 1...Scope.allCases.count)
        v.check(Set(body.scopes).count == body.scopes.count, "scopes", "must not repeat a scope")
        try v.finish()
        let scopes = Set(try body.scopes.map(Scope.init))
        // A key hands out only what it holds: keys:manage alone cannot mint a stronger key.
        if case .merchant(let grant) = Caller.current, case let withheld = scopes.subtracting(grant.scopes), !withheld.isEmpty {
            throw Problem.forbidden("This API key cannot grant scopes it does not hold: \(withheld.map(\.rawValue).sorted().joined(separator: ", ")).")
        }
        let merchant = try Caller.merchant()
        try await respondWithStored({ key, secret in
            PreparedResponse(status: .created, json: try ContractJSON.encode(Components.Schemas.CreatedApiKey(
                value1: .init(key), value2: .init(key: secret))))
        }) {
            try await merchants.createKey(for: merchant, name: body.name, scopes: scopes, idempotency: $0, logger: RequestScope.logger)
        }
    }

    func listApiKeys(_ input: Operations.ListApiKeys.Input) async throws -> Operations.ListApiKeys.Output {
        let keys = try await merchants.keys(merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: keys.map(Components.Schemas.ApiKey.init)))))
    }

    func revokeApiKey(_ input: Operations.RevokeApiKey.Input) async throws -> Operations.RevokeApiKey.Output {
        let id = try parseID(input.path.keyId, "key_id")
        if case .merchant(let grant) = Caller.current, grant.keyID == id {
            throw DomainError.conflict("A key cannot revoke itself; revoke it with another key that has keys:manage.")
        }
        let key = try await merchants.revoke(id, merchant: Caller.merchant(), now: clock.now, logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(key))))
    }
}
