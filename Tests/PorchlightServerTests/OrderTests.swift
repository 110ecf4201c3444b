import Foundation
import HTTPTypes
import Testing

@Suite struct OrderTests {
    @Test func upsertCreatesThenUpdatesTheSameOrder() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var order = sampleOrder()
            let created = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(created.status == .created)
            #expect(created["status"] as? String == "processing")
            #expect(created["subtotal"] as? Int == 2 * 4990 + 2990)
            #expect((created["metadata"] as? [String: Any])?["campaign"] as? String == "black-friday")

            order["customer"] = ["email": "Ana.New@Example.com"]
            let updated = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(updated.status == .ok)
            #expect(updated["id"] as? String == created["id"] as? String)
            #expect((updated["customer"] as? [String: Any])?["email"] as? String == "ana.new@example.com")

            let fetched = try await service.call(.get, "/v1/orders/\(try #require(created["id"] as? String))", key: merchant.apiKey)
            #expect(fetched.status == .ok)
            let lines = fetched["lines"] as? [[String: Any]] ?? []
            #expect(lines.map { $0["sku"] as? String } == ["TEE", "MUG"])
            #expect(lines.first?["shipped_quantity"] as? Int == 0)
        }
    }

    @Test func twoIdenticalUpsertsAtOnceGiveOneOrder() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = sampleOrder()
            let body = String(decoding: try JSONSerialization.data(withJSONObject: order), as: UTF8.self)
            async let first = service.call(.post, "/v1/orders", key: merchant.apiKey, raw: body)
            async let second = service.call(.post, "/v1/orders", key: merchant.apiKey, raw: body)
            let replies = try await [first, second]
            #expect(Set(replies.map(\.status.code)) == [200, 201])
            #expect(replies[0]["id"] as? String == replies[1]["id"] as? String)
            let number = try #require(order["order_number"] as? String)
            let list = try await service.call(.get, "/v1/orders?order_number=\(number)", key: merchant.apiKey)
            #expect((list["items"] as? [Any])?.count == 1)
        }
    }

    @Test func invalidFieldsAreAllNamedAndNothingIsWritten() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var order = sampleOrder()
            order["customer"] = ["email": "nope"]
            order["lines"] = [["sku": "A", "name": "x", "quantity": 0, "unit_price": 1], ["sku": "A", "name": "y", "quantity": 1, "unit_price": 1]]
            let reply = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.isProblem)
            #expect(reply.errorFields == ["customer.email", "lines[0].quantity", "lines[1].sku"])
            let list = try await service.call(.get, "/v1/orders?order_number=\(try #require(order["order_number"] as? String))", key: merchant.apiKey)
            #expect((list["items"] as? [Any])?.isEmpty == true)
            // A code outside the contract's ISO lists is a schema violation: 400, naming the field and the list.
            var unknownCurrency = sampleOrder()
            unknownCurrency["currency"] = "XYZ"
            let refused = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: unknownCurrency)
            #expect(refused.status == .badRequest)
            #expect(refused.errorFields == ["currency"])
            #expect((refused["detail"] as? String)?.contains("CurrencyCode") == true, "\(refused.text)")
        }
    }

    @Test func malformedRequestsGetClear4xxProblems() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let notJSON = try await service.call(.post, "/v1/orders", key: merchant.apiKey, raw: "{not json")
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.isProblem)

            var order = sampleOrder()
            order["lines"] = [["sku": "A", "name": "x", "quantity": "two", "unit_price": 1]]
            let wrongType = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.errorFields == ["lines[0].quantity"])

            order = sampleOrder()
            order.removeValue(forKey: "currency")
            let missing = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(missing.status == .badRequest)
            #expect(missing.errorFields == ["currency"])

            var withNull = sampleOrder()
            withNull["customer"] = ["email": "ana@example.com", "phone": NSNull()]
            withNull["metadata"] = ["nullable": NSNull()]
            let explicitNull = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: withNull)
            #expect(explicitNull.status == .badRequest)
            #expect(explicitNull.errorFields == ["customer.phone"])
            withNull["customer"] = ["email": "ana@example.com"]
            #expect(try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: withNull).status == .created)

            let wrongMediaType = try await service.call(
                .post, "/v1/orders", key: merchant.apiKey, raw: "a=b", headers: [.contentType: "text/plain"])
            #expect(wrongMediaType.status == .unsupportedMediaType)
            #expect(wrongMediaType.isProblem)

            let huge = try await service.call(
                .post, "/v1/orders", key: merchant.apiKey, raw: "{\"pad\":\"" + String(repeating: "x", count: 2 * 1024 * 1024) + "\"}")
            #expect(huge.status == .contentTooLarge)
            #expect(huge.isProblem)

            let badID = try await service.call(.get, "/v1/orders/not-a-uuid", key: merchant.apiKey)
            #expect(badID.status == .badRequest)
            #expect(try await service.call(.get, "/v1/orders/\(UUID())", key: merchant.apiKey).status == .notFound)

            let hostile = sampleOrder(number: "'; DROP TABLE orders; --")
            let injected = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: hostile)
            #expect(injected.status == .unprocessableContent)  // spaces are not allowed in order numbers
            var quoted = sampleOrder(number: "x'OR'1'='1")
            quoted["customer"] = ["email": "o'brien@example.com", "name": "Robert'); DROP TABLE orders;--"]
            let stored = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: quoted)
            #expect(stored.status == .created)
            #expect((stored["customer"] as? [String: Any])?["name"] as? String == "Robert'); DROP TABLE orders;--")
        }
    }

    @Test func listsFilterAndPaginateWithCursors() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var ids: Set<String> = []
            for _ in 0..<5 { ids.insert(try await service.createOrder(merchant, sampleOrder(email: "pager@example.com"))) }
            _ = try await service.createOrder(merchant, sampleOrder(email: "other@example.com"))

            var seen: [String] = []
            var cursor: String?
            repeat {
                let query = "/v1/orders?customer_email=PAGER@example.com&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await service.call(.get, query, key: merchant.apiKey)
                #expect(page.status == .ok)
                let items = page["items"] as? [[String: Any]] ?? []
                #expect(items.count <= 2)
                seen += items.compactMap { $0["id"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(seen.count == 5)
            #expect(Set(seen) == ids)

            let processing = try await service.call(.get, "/v1/orders?status=processing&limit=100", key: merchant.apiKey)
            #expect((processing["items"] as? [Any])?.count == 6)
            let badCursor = try await service.call(.get, "/v1/orders?cursor=garbage", key: merchant.apiKey)
            #expect(badCursor.status == .badRequest)
            let badLimit = try await service.call(.get, "/v1/orders?limit=1000", key: merchant.apiKey)
            #expect(badLimit.status == .badRequest)
        }
    }

    @Test func cancellingLinesOrTheWholeOrder() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.createOrder(merchant)
            let partial = try await service.call(.post, "/v1/orders/\(order)/cancellations", key: merchant.apiKey,
                                                 json: ["reason": "out_of_stock", "lines": [["sku": "TEE", "quantity": 1]]])
            #expect(partial.status == .ok)
            #expect(partial["status"] as? String == "processing")
            #expect(partial["subtotal"] as? Int == 4990 + 2990)

            let tooMany = try await service.call(.post, "/v1/orders/\(order)/cancellations", key: merchant.apiKey,
                                                 json: ["reason": "other", "lines": [["sku": "TEE", "quantity": 5]]])
            #expect(tooMany.status == .unprocessableContent)
            #expect(tooMany.errorFields == ["lines[0].quantity"])

            let all = try await service.call(.post, "/v1/orders/\(order)/cancellations", key: merchant.apiKey, json: ["reason": "customer_request"])
            #expect(all.status == .ok)
            #expect(all["status"] as? String == "cancelled")
            #expect(all["cancellation_reason"] as? String == "customer_request")
            #expect(all["cancelled_at"] != nil)

            let again = try await service.call(.post, "/v1/orders/\(order)/cancellations", key: merchant.apiKey, json: ["reason": "customer_request"])
            #expect(again.status == .conflict)
        }
    }
}
