import Foundation
import HTTPTypes
import PorchlightServer
import PorchlightStore
import PostgresNIO
import Testing

@Suite struct IdempotencyTests {
    @Test func aRetryWithTheSameKeyReplaysTheFirstResponseAndChangesNothing() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.createOrder(merchant)
            let key: HTTPFields = [.init("Idempotency-Key")!: UUID().uuidString]
            let cancel: [String: Any] = ["reason": "out_of_stock", "lines": [["sku": "TEE", "quantity": 1]]]
            let first = try await service.call(.post, "/v1/orders/\(order)/cancellations", key: merchant.apiKey, json: cancel, headers: key)
            let retry = try await service.call(.post, "/v1/orders/\(order)/cancellations", key: merchant.apiKey, json: cancel, headers: key)
            #expect(first.status == .ok)
            #expect(retry.status == .ok)
            #expect(retry.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(retry.text == first.text)
            let fetched = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
            #expect((fetched["lines"] as? [[String: Any]])?.first?["cancelled_quantity"] as? Int == 1)

            let other = try await service.call(.post, "/v1/orders/\(order)/cancellations", key: merchant.apiKey,
                                               json: ["reason": "out_of_stock", "lines": [["sku": "MUG", "quantity": 1]]], headers: key)
            #expect(other.status == .unprocessableContent)
            #expect(other.errorFields == ["Idempotency-Key"])
        }
    }

    @Test func aFailedRequestDoesNotKeepItsKey() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let key: HTTPFields = [.init("Idempotency-Key")!: UUID().uuidString]
            var order = sampleOrder()
            order["customer"] = ["email": "nope"]
            let failed = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order, headers: key)
            #expect(failed.status == .unprocessableContent)
            order["customer"] = ["email": "ana@example.com"]
            let fixed = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order, headers: key)
            #expect(fixed.status == .created)
            #expect(fixed.headers[.init("Idempotent-Replayed")!] == nil)
        }
    }

    @Test func keysBelongToOneMerchant() async throws {
        try await withService { service in
            let one = try await service.newMerchant()
            let two = try await service.newMerchant()
            let key: HTTPFields = [.init("Idempotency-Key")!: "shared-key-\(UUID().uuidString)"]
            let order = sampleOrder()
            let first = try await service.call(.post, "/v1/orders", key: one.apiKey, json: order, headers: key)
            let second = try await service.call(.post, "/v1/orders", key: two.apiKey, json: order, headers: key)
            #expect(first.status == .created)
            #expect(second.status == .created)
            #expect(second.headers[.init("Idempotent-Replayed")!] == nil)
            #expect(first["id"] as? String != second["id"] as? String)
        }
    }
}

@Suite struct IdempotencyKeyExpiryTests {
    @Test func keysPastTheirDayArePurgedAndOthersKept() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let (old, fresh) = ("old-\(UUID().uuidString)", "fresh-\(UUID().uuidString)")
            for key in [old, fresh] {
                let reply = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: sampleOrder(),
                                                   headers: [.init("Idempotency-Key")!: key])
                #expect(reply.status == .created)
            }
            let remaining = try await withDatabase(url: databaseURL, logger: testLogger) { client in
                try await client.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = \(old)", logger: testLogger)
                let purged = try await IdempotencyStore(database: Database(client: client)).purgeExpired(logger: testLogger)
                #expect(purged >= 1)
                return try await client.query("SELECT key FROM idempotency_keys WHERE key IN (\(old), \(fresh))", logger: testLogger)
                    .collect().map { try $0.decode(String.self) }
            }
            #expect(remaining == [fresh])
        }
    }
}
