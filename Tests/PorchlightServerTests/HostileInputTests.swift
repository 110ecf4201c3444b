import Foundation
import HTTPTypes
import PorchlightServer
import PorchlightStore
import PostgresNIO
import Testing

@Suite struct HostileInputTests {
    @Test func apiKeysAreStoredOnlyAsHashes() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let stored = try await withDatabase(url: databaseURL, logger: testLogger) { client in
                let rows = try await client.query(
                    "SELECT encode(key_hash, 'escape') FROM api_keys WHERE merchant_id = \(UUID(uuidString: merchant.id)!)",
                    logger: testLogger)
                var hashes: [String] = []
                for try await hash in rows.decode(String.self) { hashes.append(hash) }
                return hashes
            }
            #expect(stored.count == 1)
            #expect(!stored[0].contains(merchant.apiKey))
            #expect(!stored[0].contains(String(merchant.apiKey.dropFirst(3).prefix(16))))
        }
    }

    @Test func aBadDateTimeIsA400NamingTheParameterAndAnyOffsetIsRead() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let bad = try await service.call(.get, "/v1/orders?updated_since=2026-13-01T00:00:00Z", key: merchant.apiKey)
            #expect(bad.status == .badRequest)
            #expect(bad.errorFields == ["updated_since"])
            var order = sampleOrder()
            order["placed_at"] = "yesterday"
            let badBody = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(badBody.status == .badRequest)
            #expect((badBody["detail"] as? String)?.contains("'yesterday' is not an RFC 3339 date-time") == true, "\(badBody.text)")
            // RFC 3339 allows offsets up to ±23:59; Foundation's parser stops at ±18:00.
            let farOffset = try await service.call(.get, "/v1/orders?updated_since=2026-11-25T12:05:00-23:55", key: merchant.apiKey)
            #expect(farOffset.status == .ok, "\(farOffset.text)")
        }
    }

    @Test func invalidUTF8DeepNestingAndHugeNumbersGetClean4xx() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            // Invalid UTF-8 inside a JSON string.
            var invalid = Data(#"{"order_number":"A"#.utf8)
            invalid.append(contentsOf: [0xC3, 0x28, 0xFF])
            invalid.append(Data(#""}"#.utf8))
            let response = try await service.send(.init(
                "/v1/orders", method: .post, authority: "localhost",
                headers: [.authorization: "Bearer \(merchant.apiKey)", .contentType: "application/json"],
                body: ByteBuffer(data: invalid)))
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")

            // Deeply nested JSON, in the free-form metadata and elsewhere.
            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            let nestedMetadata = try await service.call(.post, "/v1/orders", key: merchant.apiKey,
                                                        raw: #"{"order_number":"N1","metadata":{"a":"# + deep + "}}")
            #expect(nestedMetadata.status == .badRequest)
            #expect(nestedMetadata.isProblem)
            let nestedBody = try await service.call(.post, "/v1/orders", key: merchant.apiKey, raw: deep)
            #expect(nestedBody.status == .badRequest)

            // Numbers beyond every integer type, and wrong types.
            var huge = sampleOrder()
            huge["lines"] = [["sku": "A", "name": "x", "quantity": 1, "unit_price": 1]]
            let hugeText = String(decoding: try JSONSerialization.data(withJSONObject: huge), as: UTF8.self)
                .replacingOccurrences(of: #""unit_price":1"#, with: #""unit_price":1e400"#)
            let hugeReply = try await service.call(.post, "/v1/orders", key: merchant.apiKey, raw: hugeText)
            #expect(hugeReply.status == .badRequest)
            #expect(hugeReply.isProblem)
            let bigButValid = hugeText.replacingOccurrences(of: #""unit_price":1e400"#, with: #""unit_price":99999999999999999999"#)
            #expect(try await service.call(.post, "/v1/orders", key: merchant.apiKey, raw: bigButValid).status == .badRequest)
            let wrongTypes = try await service.call(.post, "/v1/orders", key: merchant.apiKey, raw: #"{"order_number":42,"lines":"many"}"#)
            #expect(wrongTypes.status == .badRequest)

            // Valid but unusual text is stored verbatim.
            var unusual = sampleOrder()
            let name = "Ñandú 🦤 \"quoted\" \\ back\\slash <script>alert(1)</script> 𝕏"
            unusual["customer"] = ["email": "nandu@example.com", "name": name]
            unusual["metadata"] = ["big": 1e300, "deep": [[[["ok"]]]], "nullable": NSNull()]
            let stored = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: unusual)
            #expect(stored.status == .created)
            let fetched = try await service.call(.get, "/v1/orders/\(try #require(stored["id"] as? String))", key: merchant.apiKey)
            #expect((fetched["customer"] as? [String: Any])?["name"] as? String == name)
            #expect((fetched["metadata"] as? [String: Any])?["big"] as? Double == 1e300)
        }
    }
}
