import Foundation
import Testing

@Suite struct APIKeyTests {
    @Test func keysAreCreatedListedUsedAndRevoked() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let created = try await service.call(.post, "/v1/api-keys", key: merchant.apiKey,
                                                 json: ["name": "iOS app", "scopes": ["orders:lookup", "orders:read"]])
            #expect(created.status == .created, "\(created.text)")
            let key = try #require(created["key"] as? String)
            let id = try #require(created["id"] as? String)
            #expect(key.hasPrefix("pl_"))
            #expect(created["scopes"] as? [String] == ["orders:read", "orders:lookup"] || created["scopes"] as? [String] == ["orders:lookup", "orders:read"])

            // The new key works within its scopes only.
            #expect(try await service.call(.get, "/v1/orders", key: key).status == .ok)
            #expect(try await service.call(.get, "/v1/api-keys", key: key).status == .forbidden)

            let listed = try await service.call(.get, "/v1/api-keys", key: merchant.apiKey)
            let items = try #require(listed["items"] as? [[String: Any]])
            #expect(items.map { $0["name"] as? String } == ["First key", "iOS app"])
            #expect(!listed.text.contains(key))
            let used = try #require(items.first { $0["id"] as? String == id })
            #expect(used["last_used_at"] is String)

            // A key cannot revoke itself; another merchant cannot revoke it at all.
            let first = try #require(items.first?["id"] as? String)
            #expect(try await service.call(.delete, "/v1/api-keys/\(first)", key: merchant.apiKey).status == .conflict)
            let other = try await service.newMerchant()
            #expect(try await service.call(.delete, "/v1/api-keys/\(id)", key: other.apiKey).status == .notFound)

            let revoked = try await service.call(.delete, "/v1/api-keys/\(id)", key: merchant.apiKey)
            #expect(revoked.status == .ok)
            #expect(revoked["revoked_at"] is String)
            let again = try await service.call(.delete, "/v1/api-keys/\(id)", key: merchant.apiKey)
            #expect(again["revoked_at"] as? String == revoked["revoked_at"] as? String)
        }
    }

    @Test func aRevokedKeyThatNoCacheHoldsStopsAtOnce() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let created = try await service.call(.post, "/v1/api-keys", key: merchant.apiKey, json: ["name": "next", "scopes": ["orders:read"]])
            let (key, id) = (try #require(created["key"] as? String), try #require(created["id"] as? String))
            _ = try await service.call(.delete, "/v1/api-keys/\(id)", key: merchant.apiKey)
            #expect(try await service.call(.get, "/v1/orders", key: key).status == .unauthorized)
        }
    }

    @Test func badKeyRequestsAreRefused() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let unknownScope = try await service.call(.post, "/v1/api-keys", key: merchant.apiKey, json: ["name": "x", "scopes": ["root"]])
            #expect(unknownScope.status == .badRequest)
            let blank = try await service.call(.post, "/v1/api-keys", key: merchant.apiKey, json: ["name": "  ", "scopes": ["orders:read"]])
            #expect(blank.errorFields == ["name"])
            let repeated = try await service.call(.post, "/v1/api-keys", key: merchant.apiKey,
                                                  json: ["name": "x", "scopes": ["orders:read", "orders:read"]])
            #expect(repeated.errorFields == ["scopes"])
            #expect(try await service.call(.delete, "/v1/api-keys/not-a-uuid", key: merchant.apiKey).status == .badRequest)
            #expect(try await service.call(.delete, "/v1/api-keys/\(UUID())", key: merchant.apiKey).status == .notFound)

            let idempotent = ["Idempotency-Key": "key-\(UUID())"]
            let body: [String: Any] = ["name": "retry-safe", "scopes": ["events:read"]]
            let one = try await service.call(.post, "/v1/api-keys", key: merchant.apiKey, json: body,
                                             headers: [.init(idempotent.keys.first!)!: idempotent.values.first!])
            let two = try await service.call(.post, "/v1/api-keys", key: merchant.apiKey, json: body,
                                             headers: [.init(idempotent.keys.first!)!: idempotent.values.first!])
            #expect(one.status == .created, "\(one.text)")
            #expect(two.status == .created, "\(two.text)")
            #expect(two["id"] as? String == (try #require(one["id"] as? String)))
            #expect(two.headers[.init("Idempotent-Replayed")!] == "true")
        }
    }
}
