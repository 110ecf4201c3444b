import Foundation
import HTTPTypes
import PorchlightAPI
import PorchlightCore
@testable import PorchlightServer
import PorchlightStore
import Testing

extension Service {
    func lookUp(_ key: String, _ body: [String: Any], headers: HTTPFields = [:]) async throws -> Reply {
        try await call(.post, "/v1/order-lookups", key: key, json: body, headers: headers)
    }
}

@Suite struct CustomerAccessTests {
    /// An order with everything a stranger must not see: merchant metadata, a phone, a second
    /// address line, a cancellation for fraud, a shipment with scans that carry postal codes.
    private func sensitiveOrder(_ service: Service, _ merchant: TestMerchant) async throws -> (id: String, order: [String: Any]) {
        var order = sampleOrder()
        order["customer"] = ["email": "ana@example.com", "name": "Ana Popescu", "phone": "+40712345678", "locale": "ro"]
        order["destination"] = ["name": "Ana Popescu", "line1": "Str. Lipscani 12", "line2": "Bl. 4, ap. 17", "city": "Bucharest",
                                "region": "B", "postal_code": "030031", "country": "RO"]
        order["metadata"] = ["fraud_score": "0.93", "margin": "low"]
        order["lines"] = [["sku": "TEE", "name": "Red tee", "quantity": 2, "unit_price": 4990,
                           "image_url": "https://shop.example/tee.jpg", "product_url": "https://shop.example/tee"],
                          ["sku": "MUG", "name": "Mug", "quantity": 1, "unit_price": 2990]]
        let id = try await service.createOrder(merchant, order)
        let shipment = try await service.ship(merchant, order: id, tracking: "PRIV\(UInt32.random(in: 0...UInt32.max))",
                                              lines: [["sku": "TEE", "quantity": 2]])
        var moving = scan("in_transit", "2026-11-21T08:00:00Z", id: "carrier-secret-id")
        moving["location"] = ["city": "Vienna", "postal_code": "1010", "country": "AT"]
        moving["carrier_status_text"] = "Handed to neighbour Ion"
        let tracking = try #require(shipment["tracking_number"] as? String)
        _ = try await service.scans(merchant, shipment: try #require(shipment["id"] as? String), [moving])
        let cancelled = try await service.call(.post, "/v1/orders/\(id)/cancellations", key: merchant.apiKey, json: ["reason": "fraud"])
        #expect(cancelled.status == .ok, "\(cancelled.text)")
        var withTracking = order
        withTracking["tracking_number"] = tracking
        return (id, withTracking)
    }

    /// What no customer view ever shows, whatever the proof.
    private func expectNothingOfTheMerchants(_ view: Reply, eventFields: Set<String>,
                                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(view.status == .ok, "\(view.text)", sourceLocation: sourceLocation)
        _ = try ContractJSON.decode(Components.Schemas.CustomerOrder.self, from: Data(view.text.utf8))
        for secret in ["fraud_score", "0.93", "margin", "metadata", "unit_price", "subtotal", "fraud", "carrier-secret-id",
                       "1010", "quote_id", "version", "recorded_at", "origin_location", "cancellation_reason"] {
            #expect(!view.text.contains(secret), "\(secret) in \(view.text)", sourceLocation: sourceLocation)
        }
        let shipment = (view["shipments"] as? [[String: Any]])?.first ?? [:]
        #expect(shipment["id"] == nil && shipment["carrier"] != nil, sourceLocation: sourceLocation)
        let event = (shipment["events"] as? [[String: Any]])?.first ?? [:]
        #expect(Set(event.keys) == eventFields, "\(event)", sourceLocation: sourceLocation)
        if eventFields.contains("location") {
            #expect(Set((event["location"] as? [String: Any] ?? [:]).keys) == ["city", "country"], sourceLocation: sourceLocation)
        }
    }

    @Test func thePostalCodeProofShowsTheCityAndAMaskedStreetAndNoContact() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let appKey = try await lookupOnlyKey(for: merchant)
            let (id, order) = try await sensitiveOrder(service, merchant)
            let lookup = try await service.lookUp(appKey, ["order_number": order["order_number"]!, "postal_code": "030 031"])
            #expect(lookup["proof"] as? String == "postal_code")
            let token = try #require(lookup["token"] as? String)

            let view = try await service.call(.get, "/v1/orders/\(id)/customer-view", key: token)
            try expectNothingOfTheMerchants(view, eventFields: ["status", "location", "occurred_at"])
            #expect(view["proof"] as? String == "postal_code")
            #expect(view["contact"] == nil)
            let destination = view["destination"] as? [String: Any] ?? [:]
            #expect(Set(destination.keys) == ["line1", "city", "region", "country"])
            #expect(destination["line1"] as? String == "Str. L••••• 12")
            for personal in ["ana@example.com", "Popescu", "712345678", "Lipscani", "ap. 17", "030031", "neighbour",
                             try #require(order["tracking_number"] as? String)] {
                #expect(!view.text.contains(personal), "\(personal) in \(view.text)")
            }
            // Asking for more detail does not give it.
            let greedy = try await service.call(.get, "/v1/orders/\(id)/customer-view?proof=email", key: token)
            #expect(greedy.status == .ok)
            #expect(greedy["proof"] as? String == "postal_code" && greedy["contact"] == nil)
            // The arrival estimate needs no more than this proof, and shows the last scan as the view does.
            let estimate = try await service.call(.get, "/v1/orders/\(id)/arrival-estimate", key: token)
            #expect(estimate.status == .ok)
            let lastScan = estimate["last_scan"] as? [String: Any] ?? [:]
            #expect(lastScan["status"] as? String == "in_transit")
            #expect(lastScan["text"] == nil && (lastScan["location"] as? [String: Any])?["postal_code"] == nil, "\(lastScan)")
            #expect((lastScan["location"] as? [String: Any])?["city"] as? String == "Vienna")
            // The merchant's view is not for customers.
            let merchantView = try await service.call(.get, "/v1/orders/\(id)", key: token)
            #expect(merchantView.status == .forbidden)
            #expect((merchantView["detail"] as? String)?.contains("customer-view") == true)
        }
    }

    @Test func theEmailProofAndACustomerLinkShowTheAddressAndMaskThePhone() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let appKey = try await lookupOnlyKey(for: merchant)
            let (id, order) = try await sensitiveOrder(service, merchant)
            let lookup = try await service.lookUp(appKey, ["order_number": order["order_number"]!, "email": "ANA@example.com", "postal_code": "999"])
            #expect(lookup["proof"] as? String == "email")
            let link = try await service.call(.post, "/v1/orders/\(id)/customer-links", key: merchant.apiKey, json: ["expires_in_days": 60])
            #expect(link.status == .created)
            #expect(link["proof"] as? String == "link")
            let expiresAt = try #require(APITime.instant(link["expires_at"] as? String ?? ""))
            #expect(abs(expiresAt.timeIntervalSinceNow - 60 * 86_400) < 60)

            for token in [try #require(lookup["token"] as? String), try #require(link["token"] as? String)] {
                let view = try await service.call(.get, "/v1/orders/\(id)/customer-view", key: token)
                try expectNothingOfTheMerchants(view, eventFields: ["status", "description", "location", "occurred_at"])
                #expect(try view.text.contains("Handed to neighbour Ion") && view.text.contains(try #require(order["tracking_number"] as? String)))
                let contact = view["contact"] as? [String: Any] ?? [:]
                #expect(contact["email"] as? String == "ana@example.com")
                #expect(contact["phone"] as? String == "+••••••••678")
                #expect(!view.text.contains("712345678"))
                let destination = view["destination"] as? [String: Any] ?? [:]
                #expect(destination["line1"] as? String == "Str. Lipscani 12")
                #expect(destination["line2"] as? String == "Bl. 4, ap. 17")
                #expect(destination["postal_code"] as? String == "030031")
            }
            // The merchant previews each view; nobody else's token or key sees this order.
            let preview = try await service.call(.get, "/v1/orders/\(id)/customer-view?proof=postal_code", key: merchant.apiKey)
            #expect(preview.status == .ok && preview["proof"] as? String == "postal_code")
            #expect((preview["destination"] as? [String: Any])?["line1"] as? String == "Str. L••••• 12")
            let other = try await service.createOrder(merchant)
            #expect(try await service.call(.get, "/v1/orders/\(other)/customer-view", key: try #require(link["token"] as? String)).status == .notFound)
            let stranger = try await service.newMerchant()
            #expect(try await service.call(.get, "/v1/orders/\(id)/customer-view", key: stranger.apiKey).status == .notFound)
            #expect(try await service.call(.post, "/v1/orders/\(id)/customer-links", key: stranger.apiKey, json: [:]).status == .notFound)
        }
    }

    @Test func theMerchantHidesFieldsFromEveryCustomerView() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let (id, _) = try await sensitiveOrder(service, merchant)
            #expect(try await service.call(.get, "/v1/customer-view-settings", key: merchant.apiKey)["hidden_fields"] as? [String] == [])
            let link = try await service.call(.post, "/v1/orders/\(id)/customer-links", key: merchant.apiKey, json: [:])
            let customer = try #require(link["token"] as? String, "\(link.text)")
            // The customer's own view (a link's token) and the merchant's preview of it.
            for key in [customer, merchant.apiKey] {
                let before = try await service.call(.get, "/v1/orders/\(id)/customer-view", key: key)
                #expect(before.status == .ok, "\(before.text)")
                for shown in ["tracking_number", "Vienna", "Handed to neighbour", "tee.jpg", "shop.example/tee\""] {
                    #expect(before.text.contains(shown), "\(shown)")
                }
            }

            let hide = ["hidden_fields": ["images", "event_locations", "event_descriptions", "product_links", "tracking_numbers"]]
            let saved = try await service.call(.put, "/v1/customer-view-settings", key: merchant.apiKey, json: hide)
            #expect(saved.status == .ok)
            #expect(saved["hidden_fields"] as? [String] == ["tracking_numbers", "event_descriptions", "event_locations", "product_links", "images"])
            for key in [customer, merchant.apiKey] {
                let after = try await service.call(.get, "/v1/orders/\(id)/customer-view", key: key)
                try expectNothingOfTheMerchants(after, eventFields: ["status", "occurred_at"])
                for hidden in ["tracking_number", "Vienna", "Handed to neighbour", "image_url", "product_url"] {
                    #expect(!after.text.contains(hidden), "\(hidden)")
                }
                #expect(after.text.contains("in_transit") && after.text.contains("Red tee"))
            }
            // Other merchants' views are untouched; a customer token cannot change settings.
            let other = try await service.newMerchant()
            #expect(try await service.call(.get, "/v1/customer-view-settings", key: other.apiKey)["hidden_fields"] as? [String] == [])
            let unknown = try await service.call(.put, "/v1/customer-view-settings", key: merchant.apiKey, json: ["hidden_fields": ["email"]])
            #expect(unknown.status == .badRequest && unknown.errorFields == ["hidden_fields[0]"], "\(unknown.text)")
            let repeated = try await service.call(.put, "/v1/customer-view-settings", key: merchant.apiKey,
                                                  json: ["hidden_fields": ["images", "images"]])
            #expect(repeated.status == .unprocessableContent && repeated.errorFields == ["hidden_fields"], "\(repeated.text)")
        }
    }

    @Test func aCustomerLinkLastsAsLongAsTheMerchantChoseAndCannotBeForged() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let id = try await service.createOrder(merchant)
            let tooLong = try await service.call(.post, "/v1/orders/\(id)/customer-links", key: merchant.apiKey, json: ["expires_in_days": 91])
            #expect(tooLong.status == .unprocessableContent && tooLong.errorFields == ["expires_in_days"])
            let standard = try await service.call(.post, "/v1/orders/\(id)/customer-links", key: merchant.apiKey, json: [:])
            let expiresAt = try #require(APITime.instant(standard["expires_at"] as? String ?? ""))
            #expect(abs(expiresAt.timeIntervalSinceNow - 30 * 86_400) < 60)
            let token = try #require(standard["token"] as? String)
            let tampered = String(token.dropLast(2)) + (token.hasSuffix("AA") ? "BB" : "AA")
            #expect(try await service.call(.get, "/v1/orders/\(id)/customer-view", key: tampered).status == .unauthorized)
            #expect(try await service.call(.get, "/v1/orders", key: token).status == .forbidden)
            // A customer cancels only where the shop lets them (`self_cancel_minutes`), which this one does not.
            #expect(try await service.call(.post, "/v1/orders/\(id)/cancellations", key: token, json: ["reason": "other"]).status == .conflict)
        }
    }

    @Test func tokensStopAtTheirExpiry() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let orderID = try #require(UUID(uuidString: try await service.createOrder(merchant)))
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                let tokens = CustomerTokenStore(database: Database(client: client))
                let now = Date()
                let issued = try #require(try await tokens.issue(merchant: MerchantID(UUID(uuidString: merchant.id)!), orderID: orderID, proof: .link,
                                                                  lifetime: .seconds(86_400), now: now, logger: testLogger))
                #expect(try await tokens.grant(forToken: issued.token, now: now.addingTimeInterval(86_399), logger: testLogger)?.proof == .link)
                #expect(try await tokens.grant(forToken: issued.token, now: now.addingTimeInterval(86_401), logger: testLogger) == nil)
                #expect(try await tokens.issue(merchant: MerchantID(UUID()), orderID: orderID, proof: .link, lifetime: .seconds(60), now: now,
                                               logger: testLogger) == nil, "no token for another merchant's order")
            }
        }
    }

    @Test func parallelGuessesCannotSlipPastTheLimit() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = sampleOrder()
            _ = try await service.createOrder(merchant, order)
            let number = try #require(order["order_number"] as? String)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for guess in 0..<20 {
                    group.addTask {
                        try await service.lookUp(merchant.apiKey, ["order_number": number, "postal_code": "99\(guess)"]).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 20)
            #expect(statuses.filter { $0 == .notFound }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 15)
        }
    }

    @Test func wrongGuessesLookLikeUnknownOrdersAndAreThrottledPerOrderNumber() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = sampleOrder(), another = sampleOrder()
            _ = try await service.createOrder(merchant, order)
            _ = try await service.createOrder(merchant, another)
            let number = try #require(order["order_number"] as? String)

            let unknown = try await service.lookUp(merchant.apiKey, ["order_number": "NO-SUCH-ORDER", "email": "ana@example.com"])
            let wrong = try await service.lookUp(merchant.apiKey, ["order_number": number, "email": "thief@example.com"])
            #expect(unknown.status == .notFound)
            #expect(wrong.status == .notFound)
            #expect(unknown["detail"] as? String == wrong["detail"] as? String)

            for _ in 0..<4 {
                _ = try await service.lookUp(merchant.apiKey, ["order_number": number, "email": "thief@example.com"])
            }
            let throttled = try await service.lookUp(merchant.apiKey, ["order_number": number, "email": "ana@example.com"])
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.isProblem)
            #expect((throttled["detail"] as? String)?.contains("order number") == true)
            #expect(throttled.headers[.retryAfter].flatMap(Int.init).map { $0 > 0 } == true)
            // Another order number, from the same caller, is still answered.
            let other = try await service.lookUp(merchant.apiKey, ["order_number": another["order_number"]!, "email": "ana@example.com"])
            #expect(other.status == .ok, "\(other.text)")
            #expect(other["proof"] as? String == "email")

            let neither = try await service.lookUp(merchant.apiKey, ["order_number": number])
            #expect(neither.status == .unprocessableContent)
        }
    }

    @Test func walkingOrderNumbersFromOneAddressIsStoppedForThatAddressOnly() async throws {
        let forwarded = HTTPField.Name("X-Forwarded-For")!
        try await withService(clientAddressHeader: forwarded) { service in
            let merchant = try await service.newMerchant()
            let order = sampleOrder()
            _ = try await service.createOrder(merchant, order)
            let walker: HTTPFields = [forwarded: "198.51.100.7, 203.0.113.9"]
            let neighbour: HTTPFields = [forwarded: "198.51.100.7, 203.0.113.10"]
            for guess in 1...10 {
                let miss = try await service.lookUp(merchant.apiKey, ["order_number": "WALK-\(guess)", "postal_code": "030031"], headers: walker)
                #expect(miss.status == .notFound)
            }
            // Now even a right answer from that address is refused; the proxy's other client is not.
            let blocked = try await service.lookUp(merchant.apiKey, ["order_number": order["order_number"]!, "postal_code": "030031"], headers: walker)
            #expect(blocked.status == .tooManyRequests)
            #expect((blocked["detail"] as? String)?.contains("your address") == true)
            let other = try await service.lookUp(merchant.apiKey, ["order_number": order["order_number"]!, "postal_code": "030031"], headers: neighbour)
            #expect(other.status == .ok)
            // Another merchant's lookups from the same address are counted apart.
            let elsewhere = try await service.newMerchant()
            let elsewhereOrder = sampleOrder()
            _ = try await service.createOrder(elsewhere, elsewhereOrder)
            let fine = try await service.lookUp(elsewhere.apiKey, ["order_number": elsewhereOrder["order_number"]!, "postal_code": "030031"], headers: walker)
            #expect(fine.status == .ok)
            // Without the header (or with no address in it), the client is the connection's peer.
            let direct = try await service.lookUp(merchant.apiKey, ["order_number": order["order_number"]!, "postal_code": "030031"],
                                                  headers: [forwarded: "unknown"])
            #expect(direct.status == .ok)
            // The merchant's operations can alert on it.
            let metrics = try await service.call(.get, "/metrics", key: testMetricsToken)
            #expect(metrics.text.contains("order_lookups_refused_total{merchant_id=\"\(merchant.id)\",reason=\"client_address\"} 1"), "\(metrics.text.split(separator: "\n").filter { $0.contains("lookups") })")
        }
    }
}

/// Compares durations, so it runs alone, after the other tests (`scripts/test` sets
/// PORCHLIGHT_TIMING_TESTS=1 for that run): beside 150 tests on two cores, every request takes
/// hundreds of milliseconds of queueing, which is noise, not a signal.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PORCHLIGHT_TIMING_TESTS"] == "1"))
struct LookupTimingTests {
    @Test func hitsAndMissesTakeTheSameTime() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = sampleOrder()
            _ = try await service.createOrder(merchant, order)
            var hits: [Duration] = []
            var misses: [Duration] = []
            let clock = ContinuousClock()
            // Alternating, and fewer misses than the per-address limit.
            for guess in 0..<8 {
                var reply: Reply?
                hits.append(try await clock.measure {
                    reply = try await service.lookUp(merchant.apiKey, ["order_number": order["order_number"]!, "postal_code": "030031"])
                })
                #expect(reply?.status == .ok)
                misses.append(try await clock.measure {
                    reply = try await service.lookUp(merchant.apiKey, ["order_number": "MISS-\(guess)", "postal_code": "030031"])
                })
                #expect(reply?.status == .notFound)
            }
            func median(_ values: [Duration]) -> Duration { values.sorted()[values.count / 2] }
            let gap = abs((median(hits) - median(misses)) / .milliseconds(1))
            #expect(gap < 5, "hits \(median(hits)), misses \(median(misses))")
            #expect(median(misses) >= .milliseconds(100))
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
            let shipmentID = try #require(shipment["id"] as? String)
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
            stolen["delivery"] = ["quote_id": try #require(quote["id"] as? String), "option_id": "fan_courier:express"]
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
