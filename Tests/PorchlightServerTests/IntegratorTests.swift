import Foundation
import HTTPTypes
import PorchlightCore
import PorchlightServer
import Testing

// What integrators missed (issue 34, item 8): each test is one thing a storefront, a payment
// system or a merchant's support tool could not do or could not trust.

/// A new merchant whose return policy is 30 days, refund, store credit or exchange by mail or
/// returnless, with the given fees.
private func merchant(_ service: Service, restockingFeePercent: Int = 10, returnShippingFee: Int = 1500) async throws -> TestMerchant {
    let merchant = try await service.newMerchant()
    let policy = try await service.call(.put, "/v1/return-policy", key: merchant.apiKey, json: [
        "window_days": 30, "time_zone": "Europe/Bucharest", "resolutions": ["refund", "store_credit", "exchange"],
        "methods": ["mail", "returnless"], "restocking_fee_percent": restockingFeePercent, "return_shipping_fee": returnShippingFee,
    ])
    #expect(policy.status == .ok, "\(policy.text)")
    return merchant
}

/// A new order (TEE ×2 at 49.90 RON, MUG final sale) of a customer whose stored locale is
/// `locale`, delivered a minute ago when `delivered`, with a customer link's token.
private func order(_ service: Service, _ merchant: TestMerchant, locale: String = "ro", delivered: Bool = true) async throws
    -> (id: String, number: String, token: String) {
    var order = sampleOrder()
    order["customer"] = ["email": "ana@example.com", "name": "Ana Popescu", "locale": locale]
    let id = try await service.createOrder(merchant, order)
    let shipment = try await service.ship(merchant, order: id, tracking: "IN\(UInt32.random(in: 0...UInt32.max))",
                                          lines: [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]])
    let shipmentID = try #require(shipment["id"] as? String, "\(shipment.text)")
    if delivered {
        #expect(try await service.scans(merchant, shipment: shipmentID, [scan("delivered", isoTime(Date().addingTimeInterval(-60)))]).status == .ok)
    }
    let link = try await service.call(.post, "/v1/orders/\(id)/customer-links", key: merchant.apiKey, json: [:])
    return (id, try #require(order["order_number"] as? String), try #require(link["token"] as? String, "\(link.text)"))
}

/// An order shipped with `carrier` to the sample address, scanned in transit ten minutes ago.
private func inTransit(_ service: Service, _ merchant: TestMerchant, carrier: String) async throws -> String {
    let order = try await service.createOrder(merchant)
    let shipment = try await service.call(.post, "/v1/orders/\(order)/shipments", key: merchant.apiKey, json: [
        "carrier": carrier, "tracking_number": "IT\(UInt32.random(in: 0...UInt32.max))", "lines": [["sku": "TEE", "quantity": 2]]])
    let shipmentID = try #require(shipment["id"] as? String, "\(shipment.text)")
    #expect(try await service.scans(merchant, shipment: shipmentID, [scan("in_transit", isoTime(Date().addingTimeInterval(-600)))]).status == .ok)
    return order
}

private var oneTee: [[String: Any]] { [["sku": "TEE", "quantity": 1, "reason": "too_small"]] }

@Suite struct IntegratorTests {
    @Test func theResolvedEventSaysWhatWasSettledAndInWhichCurrency() async throws {
        try await withService { service in
            let merchant = try await merchant(service)
            let order = try await order(service, merchant)
            let opened = try await service.call(.post, "/v1/returns", key: merchant.apiKey, json: [
                "order_id": order.id, "resolution": "refund", "method": "mail", "lines": oneTee])
            let id = try #require(opened["id"] as? String, "\(opened.text)")
            let received = try await service.call(.post, "/v1/returns/\(id)/receipts", key: merchant.apiKey, json: [
                "lines": [["sku": "TEE", "received": 1, "disposition": "inspect"]]])
            #expect(received.status == .ok, "\(received.text)")
            #expect(try await service.call(.post, "/v1/returns/\(id)/resolutions", key: merchant.apiKey, json: [:]).status == .ok)

            let resolved = try await service.feedEvents(merchant, typePrefix: "return.resolved", order: order.id, atLeast: 1)
            let data = try #require(resolved.first?["data"] as? [String: Any], "\(resolved)")
            let settlement = try #require(data["settlement"] as? [String: Any], "\(data)")
            #expect(settlement["currency"] as? String == "RON")
            #expect(settlement["subtotal"] as? Int == 4990 && settlement["restocking_fee"] as? Int == 499 && settlement["return_shipping_fee"] as? Int == 1500)
            #expect(settlement["refund_total"] as? Int == 4990 - 499 - 1500 && settlement["store_credit"] == nil && settlement["exchange_difference"] == nil,
                    "\(settlement)")
            let earlier = try await service.feedEvents(merchant, typePrefix: "return.requested", order: order.id, atLeast: 1)
            #expect((earlier.first?["data"] as? [String: Any])?["settlement"] == nil, "only a settlement says what was settled")
        }
    }

    @Test func aReturnWhoseFeesWouldTakeEverythingIsRefusedNotFlooredAtZero() async throws {
        try await withService { service in
            // 10% restocking and 60.00 to send one 49.90 tee back: nothing would be left to pay back.
            let merchant = try await merchant(service, returnShippingFee: 6000)
            let order = try await order(service, merchant)
            for resolution in ["refund", "store_credit"] {
                let body: [String: Any] = ["order_id": order.id, "resolution": resolution, "method": "mail", "lines": oneTee]
                let quote = try await service.call(.post, "/v1/returns/quotes", key: order.token, json: body)
                #expect(quote.status == .unprocessableContent && quote.errorFields == ["resolution"], "\(resolution): \(quote.text)")
                let opened = try await service.call(.post, "/v1/returns", key: order.token, json: body)
                #expect(opened.status == .unprocessableContent && opened.errorFields == ["resolution"], "\(resolution): \(opened.text)")
            }
            // Without the return shipping (nothing travels back), the same tee still pays back 44.91.
            let returnless = try await service.call(.post, "/v1/returns/quotes", key: order.token, json: [
                "order_id": order.id, "resolution": "refund", "method": "returnless", "lines": oneTee])
            #expect(returnless.status == .ok && returnless["refund_total"] as? Int == 4990 - 499, "\(returnless.text)")
        }
    }

    @Test func anOrderPlacedBeforeTheFirstPolicyTakesTheFirstVersion() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let earlier = try await order(service, merchant)  // placed on 2026-11-20, before any policy
            #expect(try await service.call(.get, "/v1/orders/\(earlier.id)/return-eligibility", key: merchant.apiKey)["policy_version"] as? Int == 0,
                    "a merchant with no policy: the standard one")
            let first = try await service.call(.put, "/v1/return-policy", key: merchant.apiKey, json: [
                "window_days": 60, "time_zone": "Europe/Bucharest", "resolutions": ["refund"], "methods": ["mail"]])
            #expect(first["version"] as? Int == 1, "\(first.text)")
            let eligibility = try await service.call(.get, "/v1/orders/\(earlier.id)/return-eligibility", key: merchant.apiKey)
            #expect(eligibility["policy_version"] as? Int == 1, "\(eligibility.text)")
            let second = try await service.call(.put, "/v1/return-policy", key: merchant.apiKey, json: [
                "window_days": 14, "time_zone": "Europe/Bucharest", "resolutions": ["refund"], "methods": ["mail"]])
            #expect(second["version"] as? Int == 2)
            #expect(try await service.call(.get, "/v1/orders/\(earlier.id)/return-eligibility", key: merchant.apiKey)["policy_version"] as? Int == 1,
                    "a later change never reaches an order placed before it")
        }
    }

    @Test func alertsCanBeListedForOneOrder() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var orders: [String] = []
            for _ in 0..<2 {
                let order = try await service.createOrder(merchant)
                let shipment = try await service.ship(merchant, order: order, tracking: "AO\(UInt32.random(in: 0...UInt32.max))",
                                                      lines: [["sku": "TEE", "quantity": 2]])
                let weather = scan("exception", isoTime(Date().addingTimeInterval(-600))).merging(["substatus": "weather_delay"]) { $1 }
                #expect(try await service.scans(merchant, shipment: try #require(shipment["id"] as? String), [weather]).status == .ok)
                orders.append(order)
            }
            let all = try await service.call(.get, "/v1/disruption-alerts", key: merchant.apiKey)
            #expect((all["items"] as? [[String: Any]])?.count == 2, "\(all.text)")
            let one = try await service.call(.get, "/v1/disruption-alerts?order_id=\(orders[1])&status=open", key: merchant.apiKey)
            #expect((one["items"] as? [[String: Any]])?.compactMap { $0["order_id"] as? String } == [orders[1]], "\(one.text)")
            let bad = try await service.call(.get, "/v1/disruption-alerts?order_id=nope", key: merchant.apiKey)
            #expect(bad.status == .badRequest && bad.errorFields == ["order_id"], "\(bad.text)")
        }
    }

    @Test func aDeclarationHoldsUpTheOrdersInScopeAtOnceAndSaysHowMany() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let held = [try await inTransit(service, merchant, carrier: "dhl"), try await inTransit(service, merchant, carrier: "dhl")]
            let spared = try await inTransit(service, merchant, carrier: "ups")
            let storm: [String: Any] = ["cause": "weather", "extra_days": 3, "scope": ["carriers": [["carrier": "DHL"]]]]
            let key: HTTPFields = [.init("Idempotency-Key")!: UUID().uuidString]
            let declared = try await service.call(.post, "/v1/disruptions", key: merchant.apiKey, json: storm, headers: key)
            #expect(declared.status == .created && declared["affected_orders"] as? Int == 2, "\(declared.text)")
            let id = try #require(declared["id"] as? String)

            // No detector pass: the answer came after the orders were re-checked.
            for order in held {
                let document = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
                #expect((document["declared_disruption"] as? [String: Any])?["id"] as? String == id, "\(document.text)")
                #expect((document["alert"] as? [String: Any])?["reason"] as? String == "declared_disruption")
            }
            let other = try await service.call(.get, "/v1/orders/\(spared)", key: merchant.apiKey)
            #expect(other["declared_disruption"] == nil && other["alert"] == nil, "\(other.text)")
            let alerts = try await service.feedEvents(merchant, typePrefix: "alert.opened", atLeast: 2)
            #expect(Set(alerts.compactMap { $0["order_id"] as? String }) == Set(held))
            let replayed = try await service.call(.post, "/v1/disruptions", key: merchant.apiKey, json: storm, headers: key)
            #expect(replayed["id"] as? String == id && replayed["affected_orders"] as? Int == 2, "\(replayed.text)")

            let shorter = try await service.call(.patch, "/v1/disruptions/\(id)", key: merchant.apiKey, json: ["extra_days": 1])
            #expect(shorter.status == .ok && shorter["affected_orders"] as? Int == 2, "\(shorter.text)")
            let document = try await service.call(.get, "/v1/orders/\(held[0])", key: merchant.apiKey)
            #expect((document["declared_disruption"] as? [String: Any])?["extra_days"] as? Int == 1, "\(document.text)")

            let resolved = try await service.call(.patch, "/v1/disruptions/\(id)", key: merchant.apiKey, json: ["status": "resolved"])
            #expect(resolved.status == .ok && resolved["affected_orders"] as? Int == 0, "\(resolved.text)")
            for order in held {
                let free = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
                #expect(free["declared_disruption"] == nil && free["alert"] == nil, "\(free.text)")
            }
            #expect(try await service.call(.get, "/v1/disruptions/\(id)", key: merchant.apiKey)["affected_orders"] == nil,
                    "a count of the moment, in the answers that re-checked")
        }
    }

    @Test func aLanguageTheServiceCannotSpeakFallsBackToTheCustomersOwn() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await order(service, merchant, locale: "es", delivered: false)
            func language(_ acceptLanguage: String?) async throws -> String? {
                let headers: HTTPFields = acceptLanguage.map { [.acceptLanguage: $0] } ?? [:]
                let estimate = try await service.call(.get, "/v1/orders/\(order.id)/arrival-estimate", key: order.token, headers: headers)
                #expect(estimate.status == .ok, "\(estimate.text)")
                return estimate["language"] as? String
            }
            #expect(try await language("ja") == "es", "Japanese is not spoken here: the customer's Spanish, not English")
            #expect(try await language("ja-JP, ro;q=0.5") == "ro", "a language the service speaks, further down the header, still wins")
            #expect(try await language(nil) == "es")
            let eligibility = try await service.call(.get, "/v1/orders/\(order.id)/return-eligibility", key: order.token,
                                                     headers: [.acceptLanguage: "ja"])
            #expect(eligibility.headers[.contentLanguage] == "es", "\(eligibility.text)")
        }
    }

    @Test func aCustomerReadsTheirOwnReviewAndNoOneElses() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let mine = try await order(service, merchant)
            let theirs = try await order(service, merchant)
            var ids: [String] = []
            for order in [mine, theirs] {
                let submitted = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                                       json: ["sku": "TEE", "rating": 4, "display_name": "Ana P.", "text": "Good tee."])
                ids.append(try #require(submitted["id"] as? String, "\(submitted.text)"))
            }
            let own = try await service.call(.get, "/v1/reviews/\(ids[0])", key: mine.token)
            #expect(own.status == .ok && own["id"] as? String == ids[0] && own["text"] as? String == "Good tee.", "\(own.text)")
            #expect(try await service.call(.get, "/v1/reviews/\(ids[1])", key: mine.token).status == .notFound, "another order's review")

            let lookupKey = try await lookupOnlyKey(for: merchant)
            func lookUp(_ proof: [String: String]) async throws -> String {
                let lookup = try await service.call(.post, "/v1/order-lookups", key: lookupKey, json: proof.merging(["order_number": mine.number]) { $1 })
                return try #require(lookup["token"] as? String, "\(lookup.text)")
            }
            let byEmail = try await lookUp(["email": "ana@example.com"])
            #expect(try await service.call(.get, "/v1/reviews/\(ids[0])", key: byEmail).status == .ok)
            let byPostalCode = try await lookUp(["postal_code": "030031"])
            let refused = try await service.call(.get, "/v1/reviews/\(ids[0])", key: byPostalCode)
            #expect(refused.status == .forbidden && refused.isProblem, "a postal-code lookup does not speak for the buyer: \(refused.text)")
            #expect(try await service.call(.get, "/v1/reviews/\(ids[1])", key: byPostalCode).status == .notFound)
            #expect(try await service.call(.get, "/v1/reviews/\(ids[1])", key: merchant.apiKey).status == .ok)
        }
    }
}
