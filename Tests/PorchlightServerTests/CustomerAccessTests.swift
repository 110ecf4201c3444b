import Foundation
import HTTPTypes
import Testing

@Suite struct CustomerAccessTests {
    @Test func aCustomerTokenReadsItsOwnOrderAndNothingElse() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let appKey = try await lookupOnlyKey(for: merchant)
            let mine = sampleOrder(email: "me@example.com")
            let myOrder = try await service.createOrder(merchant, mine)
            let otherOrder = try await service.createOrder(merchant)

            let byEmail = try await service.call(.post, "/v1/order-lookups", key: appKey,
                                                 json: ["order_number": mine["order_number"]!, "email": "ME@example.com"])
            #expect(byEmail.status == .ok)
            #expect(byEmail["order_id"] as? String == myOrder)
            let token = byEmail["token"] as! String

            let byPostalCode = try await service.call(.post, "/v1/order-lookups", key: appKey,
                                                      json: ["order_number": mine["order_number"]!, "postal_code": "030 031"])
            #expect(byPostalCode.status == .ok)

            #expect(try await service.call(.get, "/v1/orders/\(myOrder)", key: token).status == .ok)
            #expect(try await service.call(.get, "/v1/orders/\(otherOrder)", key: token).status == .notFound)
            #expect(try await service.call(.get, "/v1/orders", key: token).status == .forbidden)
            #expect(try await service.call(.post, "/v1/orders/\(myOrder)/cancellations", key: token, json: ["reason": "other"]).status == .forbidden)

            let tampered = String(token.dropLast(2)) + (token.hasSuffix("AA") ? "BB" : "AA")
            #expect(try await service.call(.get, "/v1/orders/\(myOrder)", key: tampered).status == .unauthorized)
        }
    }

    @Test func wrongGuessesLookLikeUnknownOrdersAndAreThrottled() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = sampleOrder()
            _ = try await service.createOrder(merchant, order)
            let number = order["order_number"] as! String

            let unknown = try await service.call(.post, "/v1/order-lookups", key: merchant.apiKey,
                                                 json: ["order_number": "NO-SUCH-ORDER", "email": "ana@example.com"])
            let wrong = try await service.call(.post, "/v1/order-lookups", key: merchant.apiKey,
                                               json: ["order_number": number, "email": "thief@example.com"])
            #expect(unknown.status == .notFound)
            #expect(wrong.status == .notFound)
            #expect(unknown["detail"] as? String == wrong["detail"] as? String)

            for _ in 0..<4 {
                _ = try await service.call(.post, "/v1/order-lookups", key: merchant.apiKey, json: ["order_number": number, "email": "thief@example.com"])
            }
            let throttled = try await service.call(.post, "/v1/order-lookups", key: merchant.apiKey,
                                                   json: ["order_number": number, "email": "ana@example.com"])
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.isProblem)
            #expect(throttled.headers[.retryAfter].flatMap(Int.init).map { $0 > 0 } == true)

            let neither = try await service.call(.post, "/v1/order-lookups", key: merchant.apiKey, json: ["order_number": number])
            #expect(neither.status == .unprocessableContent)
        }
    }
}

@Suite struct TenantIsolationTests {
    @Test func anotherMerchantSeesNothingOfYours() async throws {
        try await withService { service in
            let owner = try await service.newMerchant("Owner")
            let intruder = try await service.newMerchant("Intruder")
            let order = sampleOrder()
            let orderID = try await service.createOrder(owner, order)
            let tracking = "ISO\(UInt32.random(in: 0...UInt32.max))"
            let shipment = try await service.ship(owner, order: orderID, tracking: tracking, lines: [["sku": "MUG", "quantity": 1]])
            let shipmentID = shipment["id"] as! String
            let key = intruder.apiKey

            #expect(try await service.call(.get, "/v1/orders/\(orderID)", key: key).status == .notFound)
            #expect(try await service.call(.get, "/v1/orders/\(orderID)/arrival-estimate", key: key).status == .notFound)
            #expect(try await service.call(.post, "/v1/orders/\(orderID)/cancellations", key: key, json: ["reason": "fraud"]).status == .notFound)
            #expect(try await service.ship(intruder, order: orderID, tracking: tracking + "X", lines: [["sku": "TEE", "quantity": 1]]).status == .notFound)
            #expect(try await service.call(.get, "/v1/shipments/\(shipmentID)", key: key).status == .notFound)
            #expect(try await service.scans(intruder, shipment: shipmentID, [scan("delivered", "2026-11-21T12:00:00Z")]).status == .notFound)
            let found = try await service.call(.get, "/v1/shipments?carrier=dhl&tracking_number=\(tracking)", key: key)
            #expect((found["items"] as? [Any])?.isEmpty == true)
            let listed = try await service.call(.get, "/v1/orders?limit=100", key: key)
            #expect((listed["items"] as? [Any])?.isEmpty == true)
            let lookup = try await service.call(.post, "/v1/order-lookups", key: key,
                                                json: ["order_number": order["order_number"]!, "email": "ana@example.com"])
            #expect(lookup.status == .notFound)

            // Promise set-up, quotes and analytics are per merchant too.
            try await setUpPromises(service, owner)
            #expect(try await service.call(.get, "/v1/locations/BUC-1", key: key).status == .notFound)
            #expect((try await service.call(.get, "/v1/locations", key: key)["items"] as? [Any])?.isEmpty == true)
            #expect((try await service.call(.get, "/v1/carrier-services", key: key)["items"] as? [Any])?.isEmpty == true)
            let quote = try await service.call(.post, "/v1/delivery-quotes", key: owner.apiKey, json: ["location": "BUC-1", "destination": ["country": "RO"]])
            var stolen = sampleOrder()
            stolen["delivery"] = ["quote_id": quote["id"] as! String, "option_id": "fan_courier:express"]
            let refused = try await service.call(.post, "/v1/orders", key: key, json: stolen)
            #expect(refused.status == .unprocessableContent && refused.errorFields == ["delivery.quote_id"])

            // The same order number is the intruder's own, separate order.
            let own = try await service.call(.post, "/v1/orders", key: key, json: order)
            #expect(own.status == .created)
            #expect(own["id"] as? String != orderID)
            let untouched = try await service.call(.get, "/v1/orders/\(orderID)", key: owner.apiKey)
            #expect(untouched["status"] as? String == "partially_shipped")
        }
    }
}
