import Foundation
import HTTPTypes
import Testing

/// ETags on an order, its shipments, its returns and the customer's view: If-None-Match answers
/// 304 while nothing changed, and If-Match lets a change through only from the version it names.
@Suite struct ConditionalRequestTests {
    @Test func aReadOfAnUnchangedDocumentIsA304WithNoBody() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            let order = try await service.shippedOrder(merchant)
            let opened = try await service.call(.post, "/v1/returns", key: order.token, json: [
                "order_id": order.id, "resolution": "refund", "method": "mail",
                "lines": [["sku": "TEE", "quantity": 1, "reason": "too_small"]],
            ])
            #expect(opened.status == .created, "\(opened.text)")
            let returnID = try #require(opened["id"] as? String)

            let paths = ["/v1/orders/\(order.id)", "/v1/shipments/\(order.shipment)", "/v1/returns/\(returnID)", "/v1/orders/\(order.id)/customer-view"]
            var tags: [String: String] = [:]
            for path in paths {
                let first = try await service.call(.get, path, key: merchant.apiKey)
                #expect(first.status == .ok, "\(path): \(first.text)")
                let tag = try #require(first.headers[.eTag], "\(path) has an ETag")
                tags[path] = tag
                let again = try await service.call(.get, path, key: merchant.apiKey, headers: [.ifNoneMatch: "\"1\", \(tag)"])
                #expect(again.status == .notModified && again.text.isEmpty && again.headers[.eTag] == tag, "\(path): \(again.status)")
                let other = try await service.call(.get, path, key: merchant.apiKey, headers: [.ifNoneMatch: "\"another\""])
                #expect(other.status == .ok && other.text == first.text, "\(path): another tag gets the document")
            }
            // An order's shipments and returns are part of it: they carry its version.
            #expect(tags["/v1/orders/\(order.id)"] == tags["/v1/shipments/\(order.shipment)"])
            #expect(tags["/v1/orders/\(order.id)"] == tags["/v1/returns/\(returnID)"])
            #expect(tags["/v1/orders/\(order.id)/customer-view"] != tags["/v1/orders/\(order.id)"])

            // The customer's own view: its proof is in its tag.
            let customerView = try await service.call(.get, "/v1/orders/\(order.id)/customer-view", key: order.token)
            let customerTag = try #require(customerView.headers[.eTag])
            #expect(try await service.call(.get, "/v1/orders/\(order.id)/customer-view", key: order.token,
                                           headers: [.ifNoneMatch: customerTag]).status == .notModified)
            let postalView = try await service.call(.get, "/v1/orders/\(order.id)/customer-view?proof=postal_code", key: merchant.apiKey,
                                                    headers: [.ifNoneMatch: customerTag])
            #expect(postalView.status == .ok, "a postal-code view is another document than the link's")

            // A customer sees less of a return than the merchant: a merchant's tag never gets the customer a 304.
            let returnPath = "/v1/returns/\(returnID)"
            let customersReturn = try await service.call(.get, returnPath, key: order.token, headers: [.ifNoneMatch: tags[returnPath]!])
            #expect(customersReturn.status == .ok, "\(customersReturn.status)")
            let customersTag = try #require(customersReturn.headers[.eTag])
            #expect(customersTag != tags[returnPath])
            #expect(try await service.call(.get, returnPath, key: order.token, headers: [.ifNoneMatch: customersTag]).status == .notModified)

            // A malformed If-None-Match is refused, naming the header.
            let malformed = try await service.call(.get, returnPath, key: merchant.apiKey, headers: [.ifNoneMatch: "7"])
            #expect(malformed.status == .badRequest && malformed.errorFields == ["If-None-Match"], "\(malformed.text)")

            // A scan changes the order: every old tag now gets the new document.
            let scanned = try await service.scans(merchant, shipment: order.shipment, [scan("delivered", isoTime(Date().addingTimeInterval(3)), id: "late")])
            #expect(scanned.status == .ok, "\(scanned.text)")
            for path in paths {
                let after = try await service.call(.get, path, key: merchant.apiKey, headers: [.ifNoneMatch: tags[path]!])
                #expect(after.status == .ok && after.headers[.eTag] != nil && after.headers[.eTag] != tags[path], "\(path): \(after.status)")
            }

            // Hiding a field changes the customer view though the order did not change.
            let viewPath = "/v1/orders/\(order.id)/customer-view"
            let current = try #require(try await service.call(.get, viewPath, key: merchant.apiKey).headers[.eTag])
            #expect(try await service.call(.put, "/v1/customer-view-settings", key: merchant.apiKey, json: ["hidden_fields": ["images"]]).status == .ok)
            #expect(try await service.call(.get, viewPath, key: merchant.apiKey, headers: [.ifNoneMatch: current]).status == .ok)

            // The customer cancels the return only from the version they read: their own return's tag names it.
            let stale = try await service.call(.post, "\(returnPath)/cancellation", key: order.token, json: [:], headers: [.ifMatch: customersTag])
            #expect(stale.status == .preconditionFailed, "the scan moved the order on: \(stale.text)")
            let fresh = try #require(try await service.call(.get, returnPath, key: order.token).headers[.eTag])
            let cancelled = try await service.call(.post, "\(returnPath)/cancellation", key: order.token, json: [:], headers: [.ifMatch: fresh])
            #expect(cancelled.status == .ok && cancelled["decision"] as? String == "cancelled", "\(cancelled.text)")
        }
    }

    @Test func aChangeWithIfMatchLandsOnlyOnTheVersionItNames() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.createOrder(merchant)
            let path = "/v1/orders/\(order)/cancellations"
            let oneTee: [String: Any] = ["reason": "out_of_stock", "lines": [["sku": "TEE", "quantity": 1]]]
            func tag() async throws -> String { try #require(try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey).headers[.eTag]) }

            let before = try await tag()
            let stale = try await service.call(.post, path, key: merchant.apiKey, json: oneTee, headers: [.ifMatch: "\"999\""])
            #expect(stale.status == .preconditionFailed && stale.isProblem, "\(stale.text)")
            #expect((stale["type"] as? String)?.hasSuffix("/precondition-failed") == true && (stale["detail"] as? String)?.contains("version") == true)
            #expect(try await tag() == before, "a refused change changes nothing")

            let malformed = try await service.call(.post, path, key: merchant.apiKey, json: oneTee, headers: [.ifMatch: "7"])
            #expect(malformed.status == .badRequest && malformed.errorFields == ["If-Match"], "\(malformed.text)")
            #expect(try await tag() == before)

            let landed = try await service.call(.post, path, key: merchant.apiKey, json: oneTee, headers: [.ifMatch: before])
            #expect(landed.status == .ok, "\(landed.text)")
            let again = try await service.call(.post, path, key: merchant.apiKey, json: oneTee, headers: [.ifMatch: before])
            #expect(again.status == .preconditionFailed, "the order moved on: \(again.text)")

            // The customer view's tag names the same order version.
            let viewTag = try #require(try await service.call(.get, "/v1/orders/\(order)/customer-view", key: merchant.apiKey).headers[.eTag])
            let fromView = try await service.call(.post, path, key: merchant.apiKey, json: oneTee, headers: [.ifMatch: viewTag])
            #expect(fromView.status == .ok, "\(fromView.text)")

            // Replacing an order's details by its order number: only from the version read; a new number has no version.
            var details = sampleOrder()
            details["order_number"] = "IFM-\(UUID().uuidString.prefix(8))"
            #expect(try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: details, headers: [.ifMatch: "*"]).status == .preconditionFailed)
            let created = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: details)
            let createdID = try #require(created["id"] as? String, "\(created.text)")
            let createdTag = try #require(try await service.call(.get, "/v1/orders/\(createdID)", key: merchant.apiKey).headers[.eTag])
            details["customer"] = ["email": "ana@example.com", "name": "Ana P."]
            let replaced = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: details, headers: [.ifMatch: createdTag])
            #expect(replaced.status == .ok, "\(replaced.text)")
            details["customer"] = ["email": "ana@example.com", "name": "Ana Popescu"]
            #expect(try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: details, headers: [.ifMatch: createdTag]).status == .preconditionFailed)

            // A retry with its Idempotency-Key replays the first answer; it does not fail on the version that answer made.
            let mug: [String: Any] = ["reason": "out_of_stock", "lines": [["sku": "MUG", "quantity": 1]]]
            let current = try await tag()
            let key = UUID().uuidString
            let first = try await service.call(.post, path, key: merchant.apiKey, json: mug, headers: [.ifMatch: current, .init("Idempotency-Key")!: key])
            let retry = try await service.call(.post, path, key: merchant.apiKey, json: mug, headers: [.ifMatch: current, .init("Idempotency-Key")!: key])
            #expect(first.status == .ok && retry.status == .ok && retry.headers[.init("Idempotent-Replayed")!] == "true", "\(retry.text)")
        }
    }

    @Test func twoChangesFromTheSameVersionCannotBothLand() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.createOrder(merchant)
            let tag = try #require(try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey).headers[.eTag])
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await service.call(.post, "/v1/orders/\(order)/cancellations", key: merchant.apiKey,
                                               json: ["reason": "out_of_stock", "lines": [["sku": "TEE", "quantity": 1]]], headers: [.ifMatch: tag]).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.sorted { $0.code < $1.code } == [.ok, .preconditionFailed])
            let after = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
            let tee = (after["lines"] as? [[String: Any]])?.first { $0["sku"] as? String == "TEE" }
            #expect(tee?["cancelled_quantity"] as? Int == 1, "one cancellation landed: \(after.text)")
        }
    }
}
