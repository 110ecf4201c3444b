import Foundation
import HTTPTypes
import PorchlightAPI
import PorchlightCore
@testable import PorchlightServer
import Testing

/// Every operation a customer token can reach, called with each proof, and the whole JSON text of
/// each answer (errors included) searched for what that proof must not learn. A new customer
/// operation is covered by adding a row to `operations`.
@Suite struct CustomerProofTests {
    /// One order with something of everything: personal details, prices no other number looks
    /// like, two parcels (one delivered, one held up by a carrier exception, so an alert names it),
    /// merchant metadata, and a mail return with its own parcel.
    struct Scenario {
        var merchant: TestMerchant
        var orderID: String
        var returnID: String
        var reviewID: String
        var shipmentIDs: [String]
        var trackingNumbers: [String]
        var tokens: [CustomerProof: String]
    }

    static let prices = ["3141593", "2718282"]

    func scenario(_ service: Service) async throws -> Scenario {
        let merchant = try await service.newMerchant()
        let policy = try await service.call(.put, "/v1/return-policy", key: merchant.apiKey, json: [
            "window_days": 30, "time_zone": "Europe/Bucharest", "resolutions": ["refund", "store_credit"], "methods": ["mail"],
        ])
        #expect(policy.status == .ok, "\(policy.text)")
        var order = sampleOrder()
        order["placed_at"] = isoTime(Date().addingTimeInterval(-86_400))
        order["customer"] = ["email": "ioana.vasilescu@example.com", "name": "Ioana Vasilescu", "phone": "+40712345678", "locale": "en"]
        order["lines"] = [["sku": "TEE", "name": "Red tee", "quantity": 2, "unit_price": Int(Self.prices[0])!],
                          ["sku": "MUG", "name": "Mug", "quantity": 1, "unit_price": Int(Self.prices[1])!]]
        order["metadata"] = ["fraud_score": "0.93"]
        let orderID = try await service.createOrder(merchant, order)

        let tracking = ["TRKA\(UInt32.random(in: 0...UInt32.max))", "TRKB\(UInt32.random(in: 0...UInt32.max))"]
        var shipmentIDs: [String] = []
        for (sku, number) in zip(["TEE", "MUG"], tracking) {
            let quantity = sku == "TEE" ? 2 : 1
            let shipment = try await service.ship(merchant, order: orderID, tracking: number, lines: [["sku": sku, "quantity": quantity]])
            shipmentIDs.append(try #require(shipment["id"] as? String, "\(shipment.text)"))
        }
        let now = Date()
        #expect(try await service.scans(merchant, shipment: shipmentIDs[0], [scan("delivered", isoTime(now.addingTimeInterval(-60)))]).status == .ok)
        var stuck = scan("exception", isoTime(now.addingTimeInterval(-30)))
        stuck["substatus"] = "damaged"
        let exception = try await service.scans(merchant, shipment: shipmentIDs[1], [stuck])
        #expect(exception.status == .ok, "\(exception.text)")

        let review = try await service.call(.post, "/v1/orders/\(orderID)/reviews", key: merchant.apiKey,
                                            json: ["sku": "TEE", "rating": 5, "display_name": "I."])
        let reviewID = try #require(review["id"] as? String, "\(review.text)")

        let returnParcel = "RETP\(UInt32.random(in: 0...UInt32.max))"
        let opened = try await service.call(.post, "/v1/returns", key: merchant.apiKey, json: [
            "order_id": orderID, "resolution": "refund", "method": "mail",
            "lines": [["sku": "TEE", "quantity": 1, "reason": "too_small"]],
            "parcel": ["carrier": "dhl", "tracking_number": returnParcel],
        ])
        let returnID = try #require(opened["id"] as? String, "\(opened.text)")

        let orderNumber = try #require(order["order_number"] as? String)
        let appKey = try await lookupOnlyKey(for: merchant)
        var tokens: [CustomerProof: String] = [:]
        for (proof, answer) in [(CustomerProof.postalCode, ["postal_code": "030031"]), (.email, ["email": "ioana.vasilescu@example.com"])] {
            let lookup = try await service.lookUp(appKey, ["order_number": orderNumber].merging(answer) { $1 })
            tokens[proof] = try #require(lookup["token"] as? String, "\(lookup.text)")
        }
        let link = try await service.call(.post, "/v1/orders/\(orderID)/customer-links", key: merchant.apiKey, json: [:])
        tokens[.link] = try #require(link["token"] as? String, "\(link.text)")
        return Scenario(merchant: merchant, orderID: orderID, returnID: returnID, reviewID: reviewID, shipmentIDs: shipmentIDs,
                        trackingNumbers: tracking + [returnParcel], tokens: tokens)
    }

    /// A customer operation: how to call it, and the statuses each proof may get.
    struct Operation: Sendable {
        var name: String
        var method: HTTPRequest.Method
        var path: @Sendable (Scenario) -> String
        var body: (@Sendable (Scenario) -> [String: Any])?
        var postalCode: Set<Int>
        var buyer: Set<Int>
    }

    static let operations: [Operation] = [
        Operation(name: "customer view", method: .get, path: { "/v1/orders/\($0.orderID)/customer-view" }, postalCode: [200], buyer: [200]),
        Operation(name: "arrival estimate", method: .get, path: { "/v1/orders/\($0.orderID)/arrival-estimate" }, postalCode: [200], buyer: [200]),
        Operation(name: "remedies", method: .get, path: { "/v1/orders/\($0.orderID)/remedies" }, postalCode: [200], buyer: [200]),
        Operation(name: "return eligibility", method: .get, path: { "/v1/orders/\($0.orderID)/return-eligibility" }, postalCode: [200], buyer: [200]),
        Operation(name: "return quote", method: .post, path: { _ in "/v1/returns/quotes" }, body: { [
            "order_id": $0.orderID, "resolution": "refund", "method": "mail", "lines": [["sku": "TEE", "quantity": 1, "reason": "too_small"]],
        ] }, postalCode: [200], buyer: [200]),
        Operation(name: "return", method: .get, path: { "/v1/returns/\($0.returnID)" }, postalCode: [200], buyer: [200]),
        Operation(name: "open a return", method: .post, path: { _ in "/v1/returns" }, body: { [
            "order_id": $0.orderID, "resolution": "refund", "method": "mail", "lines": [["sku": "MUG", "quantity": 1, "reason": "other"]],
        ] }, postalCode: [403], buyer: [422]),
        Operation(name: "cancel a return", method: .post, path: { "/v1/returns/\($0.returnID)/cancellation" }, body: { _ in [:] },
                  postalCode: [403], buyer: [200, 409]),
        Operation(name: "read a review", method: .get, path: { "/v1/reviews/\($0.reviewID)" }, postalCode: [403], buyer: [200]),
        Operation(name: "review", method: .post, path: { "/v1/orders/\($0.orderID)/reviews" }, body: { _ in
            ["sku": "MUG", "rating": 5, "display_name": "I."]
        }, postalCode: [403], buyer: [422]),
        Operation(name: "delivery rating", method: .post, path: { "/v1/orders/\($0.orderID)/delivery-ratings" }, body: {
            ["shipment_id": $0.shipmentIDs[1], "rating": 2]
        }, postalCode: [403], buyer: [422]),
    ]

    /// What `proof` must never find in an answer about the scenario's order.
    static func secrets(of scenario: Scenario, for proof: CustomerProof) -> [String] {
        let always = scenario.shipmentIDs + [scenario.merchant.id, "fraud_score", "0.93", "712345678", "metadata"]
        guard !proof.satisfies(.email) else { return always }
        return always + prices + scenario.trackingNumbers + [
            "ioana.vasilescu", "Vasilescu", "Lipscani", "030031", "unit_price", "subtotal", "refund_total", "restocking_fee",
            "store_credit", "decision_reason",
        ]
    }

    @Test func eachProofLearnsOnlyWhatItMayFromEveryCustomerOperation() async throws {
        try await withService { service in
            let scenario = try await scenario(service)
            for proof in CustomerProof.allCases {
                let token = try #require(scenario.tokens[proof])
                let secrets = Self.secrets(of: scenario, for: proof)
                for operation in Self.operations {
                    let reply = try await service.call(operation.method, operation.path(scenario), key: token, json: operation.body?(scenario))
                    let allowed = proof.satisfies(.email) ? operation.buyer : operation.postalCode
                    #expect(allowed.contains(Int(reply.status.code)), "\(operation.name) with \(proof): \(reply.status) \(reply.text)")
                    for secret in secrets {
                        #expect(!reply.text.contains(secret), "\(operation.name) with \(proof) shows \(secret): \(reply.text)")
                    }
                }
            }
            // The scenario holds what the search looks for: the merchant sees it all.
            let merchantView = try await service.call(.get, "/v1/returns/\(scenario.returnID)", key: scenario.merchant.apiKey)
            #expect(merchantView.text.contains(scenario.trackingNumbers[2]) && merchantView.text.contains(Self.prices[0]), "\(merchantView.text)")
            let alerted = try await service.call(.get, "/v1/orders/\(scenario.orderID)", key: scenario.merchant.apiKey)
            #expect((alerted["alert"] as? [String: Any])?["shipment_id"] as? String == scenario.shipmentIDs[1], "\(alerted.text)")
        }
    }

    @Test func theBuyerSeesPricesAndTrackingOfTheirReturnAndThePostalCodeProofOnlyItsProgress() async throws {
        try await withService { service in
            let scenario = try await scenario(service)
            let buyer = try await service.call(.get, "/v1/returns/\(scenario.returnID)", key: try #require(scenario.tokens[.email]))
            #expect(buyer.text.contains(scenario.trackingNumbers[2]) && buyer.text.contains(Self.prices[0]), "\(buyer.text)")
            let postal = try await service.call(.get, "/v1/returns/\(scenario.returnID)", key: try #require(scenario.tokens[.postalCode]))
            #expect(postal.status == .ok)
            #expect(postal["logistics"] as? String == "awaiting" && (postal["parcel"] as? [String: Any])?["carrier"] as? String == "dhl",
                    "\(postal.text)")
            let quote = try await service.call(.post, "/v1/returns/quotes", key: try #require(scenario.tokens[.postalCode]), json: [
                "order_id": scenario.orderID, "resolution": "refund", "method": "mail", "lines": [["sku": "TEE", "quantity": 1, "reason": "too_small"]],
            ])
            #expect(Set(quote.json.keys) == ["currency", "resolution", "method", "lines"], "\(quote.text)")
        }
    }

    @Test func customerAnswersDecodeAsTheCustomerSchemasWhichHaveNoShipmentIDs() async throws {
        try await withService { service in
            let scenario = try await scenario(service)
            let token = try #require(scenario.tokens[.link])
            let view = try await service.call(.get, "/v1/orders/\(scenario.orderID)/customer-view", key: token)
            let decoded = try ContractJSON.decode(Components.Schemas.CustomerOrder.self, from: Data(view.text.utf8))
            #expect(decoded.alert != nil && decoded.returns?.count == 1, "\(view.text)")
            let estimate = try await service.call(.get, "/v1/orders/\(scenario.orderID)/arrival-estimate", key: token)
            #expect((estimate["alert"] as? [String: Any]).map { Set($0.keys) } == ["id", "reason", "severity", "opened_at", "updated_at"],
                    "\(estimate.text)")
            // The contract itself cannot say otherwise: the customer schemas refuse a shipment id.
            let spec = String(decoding: APIHandlers.specification, as: UTF8.self)
            for schema in ["CustomerAlert", "CustomerReturn"] {
                let after = try #require(spec.components(separatedBy: "\n    \(schema):\n").dropFirst().first, "no \(schema) in the spec")
                // The schema's lines: indented deeper than the names of schemas.
                let section = after.split(separator: "\n").prefix { $0.hasPrefix("      ") }.joined(separator: "\n")
                #expect(!section.contains("shipment_id") && section.contains("additionalProperties: false"), "\(schema): \(section)")
            }
        }
    }
}
