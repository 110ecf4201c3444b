import Foundation
import HTTPTypes
import PorchlightCore
import PorchlightServer
import PorchlightStore
import Testing

/// A policy for the Bucharest warehouse of `setUpPromises`: 14 days, every resolution and method,
/// a 10% restocking fee and 15.00 for return shipping.
private var fourteenDays: [String: Any] {
    [
    "window_days": 14, "time_zone": "Europe/Bucharest", "resolutions": ["refund", "store_credit", "exchange", "keep_item"],
    "methods": ["mail", "in_store", "returnless"], "in_store_locations": ["BUC-1"], "restocking_fee_percent": 10,
    "return_shipping_fee": 1500, "keep_it_threshold": 3000,
    ]
}

/// A new merchant with the Bucharest warehouse of `setUpPromises` and `fourteenDays`, changed
/// as told, as its return policy.
func merchantWithPolicy(_ service: Service, _ change: (inout [String: Any]) -> Void = { _ in }) async throws -> TestMerchant {
    let merchant = try await service.newMerchant()
    try await setUpPromises(service, merchant)
    var policy = fourteenDays
    change(&policy)
    let stored = try await service.call(.put, "/v1/return-policy", key: merchant.apiKey, json: policy)
    #expect(stored.status == .ok, "\(stored.text)")
    return merchant
}

@Suite struct ReturnTests {
    @Test func aPolicyIsVersionedAndAnOrderKeepsTheVersionItWasPlacedUnder() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)
            let standard = try await service.call(.get, "/v1/return-policy", key: merchant.apiKey)
            #expect(standard["version"] as? Int == 0 && standard["window_days"] as? Int == 30, "\(standard.text)")

            let first = try await service.call(.put, "/v1/return-policy", key: merchant.apiKey, json: fourteenDays)
            #expect(first.status == .ok && first["version"] as? Int == 1, "\(first.text)")
            #expect(first["approval"] as? String == "automatic" && first["transit_buffer_days"] as? Int == 7)
            let same = try await service.call(.put, "/v1/return-policy", key: merchant.apiKey, json: fourteenDays)
            #expect(same["version"] as? Int == 1, "the same policy again is no new version")

            var unknownStore = fourteenDays
            unknownStore["in_store_locations"] = ["BUC-1", "CLUJ-9"]
            #expect(try fieldErrors(try await service.call(.put, "/v1/return-policy", key: merchant.apiKey, json: unknownStore))["in_store_locations[1]"]
                    == "must be the code of one of your fulfilment locations")
            var noZone = fourteenDays
            noZone["time_zone"] = "Mars/Olympus"
            #expect(try fieldErrors(try await service.call(.put, "/v1/return-policy", key: merchant.apiKey, json: noZone))["time_zone"]?.hasPrefix("must be an IANA") == true)
            var keepForFree = fourteenDays
            keepForFree["keep_it_threshold"] = 0
            #expect(try fieldErrors(try await service.call(.put, "/v1/return-policy", key: merchant.apiKey, json: keepForFree))["keep_it_threshold"] != nil)
            #expect(try await service.call(.get, "/v1/return-policy", key: merchant.apiKey)["version"] as? Int == 1, "refused changes change nothing")

            // The order placed before any policy takes the first; one placed after a change, the new one.
            let before = try await service.shippedOrder(merchant, placedAt: "2026-11-20T09:30:00+02:00")
            var sixty = fourteenDays
            sixty["window_days"] = 60
            #expect(try await service.call(.put, "/v1/return-policy", key: merchant.apiKey, json: sixty)["version"] as? Int == 2)
            let after = try await service.shippedOrder(merchant)
            func eligibility(_ order: String) async throws -> Reply {
                try await service.call(.get, "/v1/orders/\(order)/return-eligibility", key: merchant.apiKey)
            }
            #expect(try await eligibility(before.id)["policy_version"] as? Int == 1)
            #expect(try await eligibility(after.id)["policy_version"] as? Int == 2)
            #expect(try await service.call(.put, "/v1/return-policy", key: try await lookupOnlyKey(for: merchant), json: sixty).status == .forbidden)
        }
    }

    @Test func eligibilityGivesEachLineItsQuantityDeadlineAndReason() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            let order = try await service.shippedOrder(merchant)
            let other = try await service.shippedOrder(merchant)
            let reply = try await service.call(.get, "/v1/orders/\(order.id)/return-eligibility", key: order.token, headers: [.acceptLanguage: "es-ES"])
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.headers[.contentLanguage] == "es")
            let lines = try #require(reply["lines"] as? [[String: Any]])
            let tee = try #require(lines.first { $0["sku"] as? String == "TEE" })
            let bucharest = try #require(TimeZone(identifier: "Europe/Bucharest"))
            let lastDay = LocalDate(order.scannedAt, in: bucharest).adding(days: 14)
            #expect(tee["eligible"] as? Bool == true && tee["returnable_quantity"] as? Int == 2 && tee["counted_from"] as? String == "delivery")
            #expect(tee["last_day"] as? String == lastDay.description)
            #expect(tee["deadline"] as? String == APITime.text(lastDay.adding(days: 1).instant(atMinute: 0, in: bucharest)))
            #expect((tee["message"] as? String)?.hasPrefix("Puedes devolver este artículo hasta el") == true, "\(tee)")
            let mug = try #require(lines.first { $0["sku"] as? String == "MUG" })
            #expect(mug["eligible"] as? Bool == false && mug["reason"] as? String == "final_sale" && mug["returnable_quantity"] as? Int == 0)

            #expect(try await service.call(.get, "/v1/orders/\(order.id)/return-eligibility", key: other.token).status == .notFound)
            #expect(try await service.call(.get, "/v1/orders/\(UUID().uuidString)/return-eligibility", key: merchant.apiKey).status == .notFound)
            let stranger = try await service.newMerchant()
            #expect(try await service.call(.get, "/v1/orders/\(order.id)/return-eligibility", key: stranger.apiKey).status == .notFound)
        }
    }

    @Test func aQuoteSettlesWithFeesAndRefusesWhatThePolicyDoesNot() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            let order = try await service.shippedOrder(merchant)
            let other = try await service.shippedOrder(merchant)
            func quote(_ body: [String: Any], key: String? = nil) async throws -> Reply {
                var body = body
                body["order_id"] = body["order_id"] ?? order.id
                return try await service.call(.post, "/v1/returns/quotes", key: key ?? order.token, json: body)
            }
            let refund = try await quote(["resolution": "refund", "method": "mail", "lines": [["sku": "TEE", "quantity": 2, "reason": "too_small"]]])
            #expect(refund.status == .ok, "\(refund.text)")
            #expect(refund["subtotal"] as? Int == 9980 && refund["restocking_fee"] as? Int == 998 && refund["return_shipping_fee"] as? Int == 1500)
            #expect(refund["refund_total"] as? Int == 7482 && refund["currency"] as? String == "RON" && refund["store_credit"] == nil)
            let exchange = try await quote(["resolution": "exchange", "method": "in_store", "lines": [
                ["sku": "TEE", "quantity": 1, "reason": "too_small", "exchange_for": ["sku": "TEE-L", "unit_price": 3990]],
            ]], key: merchant.apiKey)
            #expect(exchange["exchange_difference"] as? Int == -1000 && exchange["return_shipping_fee"] as? Int == 0, "\(exchange.text)")

            let refused = try await quote(["resolution": "keep_item", "method": "mail", "lines": [
                ["sku": "TEE", "quantity": 3, "reason": "damaged"], ["sku": "MUG", "quantity": 1, "reason": "damaged"],
            ]])
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            let errors = try fieldErrors(refused)
            #expect(errors["method"] == "must be returnless when the customer keeps the item")
            #expect(errors["lines[0].quantity"] == "must be between 1 and 2, the units that can still be returned")
            #expect(errors["lines[1].sku"] == "cannot be returned: final_sale")
            #expect(try await quote(["order_id": order.id, "resolution": "refund", "method": "mail",
                                     "lines": [["sku": "TEE", "quantity": 1, "reason": "other"]]], key: other.token).status == .notFound)
            #expect(try await quote(["resolution": "refund", "method": "mail", "lines": [["sku": "TEE", "quantity": 1, "reason": "bored"]]]).status == .badRequest)
        }
    }
}

/// The types of the return events of an order in the merchant's feed, oldest first.
private func returnEvents(_ service: Service, _ merchant: TestMerchant, order: String, atLeast count: Int) async throws -> [String] {
    try await service.feedEvents(merchant, typePrefix: "return.", order: order, atLeast: count).compactMap { $0["type"] as? String }
}

@Suite struct ReturnLifecycleTests {
    @Test func receivingNeverRefundsAndSettlingIsItsOwnStep() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            let order = try await service.shippedOrder(merchant)
            let delivered = try await service.call(.get, "/v1/orders/\(order.id)", key: merchant.apiKey)
            let opened = try await service.call(.post, "/v1/returns", key: order.token, json: [
                "order_id": order.id, "resolution": "refund", "method": "mail", "label_reference": "LBL-1",
                "lines": [["sku": "TEE", "quantity": 1, "reason": "too_small", "note": "Veste mic."]],
            ])
            #expect(opened.status == .created, "\(opened.text)")
            let id = try #require(opened["id"] as? String)
            #expect(opened["decision"] as? String == "approved" && opened["logistics"] as? String == "awaiting" && opened["money"] as? String == "pending")
            #expect((opened["quote"] as? [String: Any])?["refund_total"] as? Int == 4990 - 499 - 1500 && opened["submitted_by"] as? String == "customer")
            // One unit is held: the eligibility says so.
            let eligibility = try await service.call(.get, "/v1/orders/\(order.id)/return-eligibility", key: merchant.apiKey)
            #expect((eligibility["lines"] as? [[String: Any]])?.first { $0["sku"] as? String == "TEE" }?["returnable_quantity"] as? Int == 1)

            func post(_ path: String, _ body: [String: Any], key: String? = nil) async throws -> Reply {
                try await service.call(.post, "/v1/returns/\(id)/\(path)", key: key ?? merchant.apiKey, json: body)
            }
            let early = try await post("resolutions", [:])
            #expect(early.status == .conflict && (early["detail"] as? String)?.contains("once the items are received") == true, "\(early.text)")
            let uneven = try await post("receipts", ["lines": [["sku": "TEE", "received": 0, "disposition": "inspect"]]])
            #expect(try fieldErrors(uneven)["lines[0].missing"] == "received and missing must add up to the 1 returned")
            let noPlace = try await post("receipts", ["lines": [["sku": "TEE", "received": 1, "disposition": "restock"]]])
            #expect(try fieldErrors(noPlace)["lines[0].location"] == "is required to restock")
            #expect(try await post("receipts", ["lines": [["sku": "TEE", "received": 1, "disposition": "restock"]]], key: order.token).status == .forbidden)
            let received = try await post("receipts", ["lines": [["sku": "TEE", "received": 1, "damaged": 0, "disposition": "restock", "location": "BUC-1"]]])
            #expect(received["logistics"] as? String == "received" && received["money"] as? String == "pending", "receiving never refunds: \(received.text)")
            #expect(((received["lines"] as? [[String: Any]])?.first?["receipt"] as? [String: Any])?["location"] as? String == "BUC-1")
            let receivedAgain = try await post("receipts", ["lines": [["sku": "TEE", "received": 1, "disposition": "inspect"]]])
            #expect(receivedAgain.status == .conflict && (receivedAgain["detail"] as? String)?.contains("received already") == true, "\(receivedAgain.text)")
            let cancelLate = try await post("cancellation", ["reason": "Too late"], key: order.token)
            #expect(cancelLate.status == .conflict, "\(cancelLate.text)")
            let settled = try await post("resolutions", [:])
            #expect(settled["money"] as? String == "refunded", "\(settled.text)")
            let settledAgain = try await post("resolutions", [:])
            #expect(settledAgain.status == .conflict && (settledAgain["detail"] as? String)?.contains("settled already (refunded)") == true,
                    "\(settledAgain.text)")
            // The order's document shows the return, and each move was a new version of it.
            let document = try await service.call(.get, "/v1/orders/\(order.id)", key: merchant.apiKey)
            #expect(document["version"] as? Int == (delivered["version"] as? Int).map { $0 + 3 }, "opened, received, settled: \(document.text)")
            let tee = (document["lines"] as? [[String: Any]])?.first { $0["sku"] as? String == "TEE" }
            #expect(tee?["returned_quantity"] as? Int == 1 && tee?["delivered_quantity"] as? Int == 2)
            let shown = try #require((document["returns"] as? [[String: Any]])?.first)
            #expect(shown["id"] as? String == id && shown["logistics"] as? String == "received" && shown["money"] as? String == "refunded")
            // The customer sees the same, without prices.
            let view = try await service.call(.get, "/v1/orders/\(order.id)/customer-view", key: order.token)
            #expect(((view["returns"] as? [[String: Any]])?.first)?["money"] as? String == "refunded", "\(view.text)")
            #expect((view["lines"] as? [[String: Any]])?.first { $0["sku"] as? String == "TEE" }?["returned_quantity"] as? Int == 1)
            #expect(try await returnEvents(service, merchant, order: order.id, atLeast: 4)
                    == ["return.requested", "return.approved", "return.received", "return.resolved"])
            let listed = try await service.call(.get, "/v1/returns?order_id=\(order.id)&money=refunded", key: merchant.apiKey)
            #expect((listed["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])
        }
    }

    @Test func onRequestReturnsWaitForTheMerchantAndFreedUnitsCanBeReturnedAgain() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service) { $0["approval"] = "on_request" }
            let order = try await service.shippedOrder(merchant)
            let body: [String: Any] = ["order_id": order.id, "resolution": "store_credit", "method": "in_store",
                                       "lines": [["sku": "TEE", "quantity": 2, "reason": "changed_mind"]]]
            let first = try await service.call(.post, "/v1/returns", key: order.token, json: body)
            let id = try #require(first["id"] as? String, "\(first.text)")
            #expect(first["decision"] as? String == "requested" && first["store_token"] is String)
            let twice = try await service.call(.post, "/v1/returns", key: order.token, json: body)
            #expect(try fieldErrors(twice)["lines[0].sku"] == "cannot be returned: return_open", "the units are held")
            func post(_ path: String, _ body: [String: Any]) async throws -> Reply {
                try await service.call(.post, "/v1/returns/\(id)/\(path)", key: merchant.apiKey, json: body)
            }
            #expect(try await post("receipts", ["lines": [["sku": "TEE", "received": 2, "disposition": "inspect"]]]).status == .conflict)
            #expect(try fieldErrors(try await post("decision", ["decision": "declined"]))["reason"] == "is required to decline a return")
            let declined = try await post("decision", ["decision": "declined", "reason": "Worn and washed."])
            #expect(declined["decision"] as? String == "declined" && declined["money"] as? String == "none", "\(declined.text)")
            let again = try await post("decision", ["decision": "approved"])
            #expect(again.status == .conflict && (again["detail"] as? String)?.contains("declined") == true)

            // Declined, the units are free: a new return opens, and the customer cancels it.
            let second = try await service.call(.post, "/v1/returns", key: order.token, json: body)
            let secondID = try #require(second["id"] as? String, "\(second.text)")
            let cancelled = try await service.call(.post, "/v1/returns/\(secondID)/cancellation", key: order.token, json: ["reason": "Decided to keep it."])
            #expect(cancelled["decision"] as? String == "cancelled" && cancelled["money"] as? String == "none", "\(cancelled.text)")
            #expect(try await service.call(.post, "/v1/returns/\(secondID)/cancellation", key: order.token, json: [:]).status == .conflict)
            #expect(try await returnEvents(service, merchant, order: order.id, atLeast: 4)
                    == ["return.requested", "return.declined", "return.requested", "return.cancelled"])
        }
    }

    @Test func concurrentReturnsOfTheSameUnitsOpenOne() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            let order = try await service.shippedOrder(merchant)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await service.call(.post, "/v1/returns", key: order.token, json: [
                            "order_id": order.id, "resolution": "refund", "method": "mail", "lines": [["sku": "TEE", "quantity": 2, "reason": "defective"]],
                        ]).status.code
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }.sorted()
            }
            #expect(statuses == [201] + Array(repeating: 422, count: 5))
        }
    }

    @Test func aGiftIsCreditedOrExchangedAndItsRecipientSeesNoPrices() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            let order = try await service.shippedOrder(merchant)
            let refund = try await service.call(.post, "/v1/returns", key: order.token, json: [
                "order_id": order.id, "resolution": "refund", "method": "mail", "gift": true, "lines": [["sku": "TEE", "quantity": 1, "reason": "too_large"]],
            ])
            #expect(try fieldErrors(refund)["resolution"]?.hasPrefix("must be store_credit or exchange for a gift") == true, "\(refund.text)")
            let exchange = try await service.call(.post, "/v1/returns", key: order.token, json: [
                "order_id": order.id, "resolution": "exchange", "method": "mail", "gift": true,
                "lines": [["sku": "TEE", "quantity": 1, "reason": "too_large", "exchange_for": ["sku": "TEE-S", "unit_price": 4990]]],
            ])
            #expect(exchange.status == .created, "\(exchange.text)")
            #expect(exchange.status == .created, "\(exchange.text)")
            let recipientQuote = try #require(exchange["quote"] as? [String: Any])
            #expect(recipientQuote["subtotal"] == nil && recipientQuote["exchange_difference"] as? Int == 0, "no prices for the recipient")
            #expect((exchange["lines"] as? [[String: Any]])?.first?["unit_price"] == nil)
            let id = try #require(exchange["id"] as? String)
            let seenByMerchant = try await service.call(.get, "/v1/returns/\(id)", key: merchant.apiKey)
            #expect((seenByMerchant["quote"] as? [String: Any])?["exchange_difference"] as? Int == 0)
            let seenByRecipient = try await service.call(.get, "/v1/returns/\(id)", key: order.token)
            #expect(seenByRecipient.status == .ok && (seenByRecipient["quote"] as? [String: Any])?["subtotal"] == nil, "\(seenByRecipient.text)")
            let giftQuote = try await service.call(.post, "/v1/returns/quotes", key: order.token, json: [
                "order_id": order.id, "resolution": "store_credit", "method": "mail", "gift": true, "lines": [["sku": "TEE", "quantity": 1, "reason": "other"]],
            ])
            #expect(giftQuote.status == .ok && giftQuote["subtotal"] == nil && giftQuote["store_credit"] as? Int == 4990 - 1500, "\(giftQuote.text)")
            // An exchange is settled before the item comes back: an instant exchange.
            let instant = try await service.call(.post, "/v1/returns/\(id)/resolutions", key: merchant.apiKey, json: [:])
            #expect(instant["money"] as? String == "exchanged" && instant["logistics"] as? String == "awaiting", "\(instant.text)")
            let other = try await service.shippedOrder(merchant)
            #expect(try await service.call(.get, "/v1/returns/\(id)", key: other.token).status == .notFound)
            #expect(try await service.call(.post, "/v1/returns/\(id)/cancellation", key: other.token, json: [:]).status == .notFound)
        }
    }

    @Test func anOpenReturnHoldsBackTheReviewRequestAndAReturnedLineIsNotReviewed() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            _ = try await service.call(.put, "/v1/review-settings", key: merchant.apiKey, json: ["request_delay_days": 0])
            let order = try await service.shippedOrder(merchant)
            /// The lines the order's review request asks about; nil when there is no request.
            func requested() async throws -> [String]? {
                let page = try await service.call(.get, "/v1/review-requests?due_before=\(isoTime(Date().addingTimeInterval(86_400)))", key: merchant.apiKey)
                let items = try #require(page["items"] as? [[String: Any]], "\(page.text)")
                return items.first { $0["order_id"] as? String == order.id }.map { $0["skus"] as? [String] ?? [] }
            }
            #expect(try await requested() == ["MUG", "TEE"])
            let opened = try await service.call(.post, "/v1/returns", key: order.token, json: [
                "order_id": order.id, "resolution": "refund", "method": "mail", "lines": [["sku": "TEE", "quantity": 2, "reason": "defective"]],
            ])
            let id = try #require(opened["id"] as? String, "\(opened.text)")
            #expect(try await requested() == nil, "not while the return is open")
            let received = try await service.call(.post, "/v1/returns/\(id)/receipts", key: merchant.apiKey,
                                                  json: ["lines": [["sku": "TEE", "received": 2, "damaged": 2, "disposition": "do_not_restock"]]])
            #expect(received.status == .ok, "\(received.text)")
            let review = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                                json: ["sku": "TEE", "rating": 1, "display_name": "Ana"])
            #expect(try fieldErrors(review)["sku"] == "can no longer be reviewed: it was returned", "\(review.text)")
            #expect(try await service.call(.post, "/v1/returns/\(id)/resolutions", key: merchant.apiKey, json: [:])["money"] as? String == "refunded")
            #expect(try await requested() == ["MUG"], "settled: the returned tee is not asked about")
            #expect(try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                           json: ["sku": "MUG", "rating": 4, "display_name": "Ana"]).status == .created)
            #expect(try await requested() == nil)
        }
    }

    @Test func whoMayActOnAReturnAndRetriesOpenOne() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            let order = try await service.shippedOrder(merchant)
            let body: [String: Any] = ["order_id": order.id, "resolution": "refund", "method": "mail", "lines": [["sku": "TEE", "quantity": 1, "reason": "other"]]]
            // A retry with the same Idempotency-Key answers the first response; the units are held once.
            let first = try await service.call(.post, "/v1/returns", key: order.token, json: body, headers: [.init("Idempotency-Key")!: "return-1"])
            let retry = try await service.call(.post, "/v1/returns", key: order.token, json: body, headers: [.init("Idempotency-Key")!: "return-1"])
            #expect(first.status == .created && retry.status == .created && retry["id"] as? String == first["id"] as? String, "\(retry.text)")
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let id = try #require(first["id"] as? String)
            let eligibility = try await service.call(.get, "/v1/orders/\(order.id)/return-eligibility", key: merchant.apiKey)
            #expect((eligibility["lines"] as? [[String: Any]])?.first { $0["sku"] as? String == "TEE" }?["returnable_quantity"] as? Int == 1)

            // A postal-code token cannot act for the buyer; a customer cannot decide or settle; another merchant sees nothing.
            let orderNumber = try #require(try await service.call(.get, "/v1/orders/\(order.id)", key: merchant.apiKey)["order_number"] as? String)
            let postal = try await service.lookUp(try await lookupOnlyKey(for: merchant), ["order_number": orderNumber, "postal_code": "030031"])
            let postalToken = try #require(postal["token"] as? String)
            #expect(try await service.call(.post, "/v1/returns", key: postalToken, json: body).status == .forbidden)
            #expect(try await service.call(.post, "/v1/returns/\(id)/cancellation", key: postalToken, json: [:]).status == .forbidden)
            #expect(try await service.call(.post, "/v1/returns/\(id)/decision", key: order.token, json: ["decision": "approved"]).status == .forbidden)
            #expect(try await service.call(.post, "/v1/returns/\(id)/resolutions", key: order.token, json: [:]).status == .forbidden)
            let stranger = try await service.newMerchant()
            #expect(try await service.call(.get, "/v1/returns/\(id)", key: stranger.apiKey).status == .notFound)
            #expect(try await service.call(.post, "/v1/returns/\(id)/resolutions", key: stranger.apiKey, json: [:]).status == .notFound)
            #expect(try await service.call(.post, "/v1/returns/\(id)/receipts", key: merchant.apiKey,
                                           json: ["lines": [["sku": "TEE", "received": 1, "disposition": "restock", "location": "NOWHERE"]]])
                    .status == .unprocessableContent)
            let nul = try await service.call(.post, "/v1/returns/\(id)/receipts", key: merchant.apiKey,
                                             json: ["lines": [["sku": "TEE", "received": 1, "disposition": "inspect", "location": "A\u{0}"]]])
            #expect(try fieldErrors(nul)["lines[0].location"] == "must not contain NUL characters", "a 4xx, not a database error")

            // Two more returns, read a page at a time, newest first.
            let second = try await service.shippedOrder(merchant)
            var ids = [id]
            for _ in 0..<2 {
                let opened = try await service.call(.post, "/v1/returns", key: merchant.apiKey, json: [
                    "order_id": second.id, "resolution": "store_credit", "method": "mail", "lines": [["sku": "TEE", "quantity": 1, "reason": "other"]],
                ])
                ids.append(try #require(opened["id"] as? String, "\(opened.text)"))
            }
            var listed: [String] = []
            var cursor: String?
            repeat {
                let page = try await service.call(.get, "/v1/returns?limit=2\(cursor.map { "&cursor=\($0)" } ?? "")", key: merchant.apiKey)
                listed += try #require(page["items"] as? [[String: Any]], "\(page.text)").compactMap { $0["id"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil && listed.count < 10
            #expect(listed == ids.reversed())
        }
    }

    @Test func analyticsCountTheReturnsOfOrdersPlacedInThePeriod() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            let first = try await service.shippedOrder(merchant)
            let second = try await service.shippedOrder(merchant)
            func open(_ order: String, _ quantity: Int, _ reason: String) async throws -> String {
                let opened = try await service.call(.post, "/v1/returns", key: merchant.apiKey, json: [
                    "order_id": order, "resolution": "store_credit", "method": "mail", "lines": [["sku": "TEE", "quantity": quantity, "reason": reason]],
                ])
                return try #require(opened["id"] as? String, "\(opened.text)")
            }
            _ = try await open(first.id, 2, "too_small")
            let cancelled = try await open(second.id, 1, "changed_mind")
            _ = try await service.call(.post, "/v1/returns/\(cancelled)/cancellation", key: merchant.apiKey, json: [:])
            _ = try await open(second.id, 1, "defective")
            let window = "from=\(isoTime(Date().addingTimeInterval(-60)))&to=\(isoTime(Date().addingTimeInterval(60)))"
            let analytics = try await service.call(.get, "/v1/return-analytics?\(window)", key: merchant.apiKey)
            let overall = try #require(analytics["overall"] as? [String: Any], "\(analytics.text)")
            // Two orders of TEE ×2 and MUG ×1: 6 units sold, 3 returned (the cancelled return does not count).
            #expect(overall["units_sold"] as? Int == 6 && overall["units_returned"] as? Int == 3 && overall["return_rate"] as? Double == 0.5)
            #expect((overall["top_reasons"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } == ["too_small", "defective"])
            let tee = try #require((analytics["by_sku"] as? [[String: Any]])?.first)
            #expect(tee["sku"] as? String == "TEE" && tee["units_sold"] as? Int == 4 && tee["return_rate"] as? Double == 0.75)
            let before = try await service.call(.get, "/v1/return-analytics?to=\(isoTime(Date().addingTimeInterval(-3600)))", key: merchant.apiKey)
            #expect((before["overall"] as? [String: Any])?["units_sold"] as? Int == 0)
            #expect(try await service.call(.get, "/v1/return-analytics?from=\(isoTime(Date()))&to=\(isoTime(Date().addingTimeInterval(-60)))",
                                           key: merchant.apiKey).status == .badRequest)
        }
    }
}

@Suite struct ReturnParcelTests {
    @Test func theReturnParcelIsTrackedFoundByItsNumberAndReceivedWhenItTurnsUpAfterBeingLost() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            let order = try await service.shippedOrder(merchant)
            let tracking = "RET\(UInt32.random(in: 0...UInt32.max))"
            let opened = try await service.call(.post, "/v1/returns", key: order.token, json: [
                "order_id": order.id, "resolution": "refund", "method": "mail", "parcel": ["carrier": "DHL", "tracking_number": tracking],
                "lines": [["sku": "TEE", "quantity": 1, "reason": "too_small"]],
            ])
            let id = try #require(opened["id"] as? String, "\(opened.text)")
            let parcel = try #require(opened["parcel"] as? [String: Any])
            #expect(parcel["carrier"] as? String == "dhl" && parcel["status"] as? String == "pending" && parcel["scans"] as? Int == 0)
            #expect(opened["expires_at"] is String && opened["kind"] as? String == "return")

            func track(_ events: [[String: Any]], key: String? = nil) async throws -> Reply {
                try await service.call(.post, "/v1/returns/\(id)/tracking-events", key: key ?? merchant.apiKey, json: ["events": events])
            }
            let pickedUp = isoTime(Date().addingTimeInterval(-3 * 3600))
            #expect(try await track([scan("in_transit", pickedUp)], key: order.token).status == .forbidden)
            let moving = try await track([scan("in_transit", pickedUp, id: "r1"), scan("in_transit", pickedUp, id: "r1")])
            #expect(moving["logistics"] as? String == "in_transit" && moving["expires_at"] == nil, "\(moving.text)")
            #expect((moving["parcel"] as? [String: Any])?["scans"] as? Int == 1, "the duplicate is ignored")
            let future = try await track([scan("in_transit", isoTime(Date().addingTimeInterval(2 * 86_400)))])
            #expect(future.status == .unprocessableContent, "the shipments' batch rules apply: \(future.text)")

            let found = try await service.call(.get, "/v1/returns?carrier=dhl&tracking_number=\(tracking)", key: merchant.apiKey)
            #expect((found["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id], "\(found.text)")
            let half = try await service.call(.get, "/v1/returns?carrier=dhl", key: merchant.apiKey)
            #expect(try fieldErrors(half)["tracking_number"] == "is required with the other")

            var lost = scan("exception", isoTime(Date().addingTimeInterval(-3600)), id: "r2")
            lost["substatus"] = "lost"
            #expect(try await track([lost])["logistics"] as? String == "lost")
            let refundLost = try await service.call(.post, "/v1/returns/\(id)/resolutions", key: merchant.apiKey, json: ["resolution": "store_credit"])
            #expect(try fieldErrors(refundLost)["resolution"] == "must be the return's own (refund): only a claim settles otherwise")
            let received = try await service.call(.post, "/v1/returns/\(id)/receipts", key: merchant.apiKey,
                                                  json: ["lines": [["sku": "TEE", "received": 1, "disposition": "inspect"]]])
            #expect(received["logistics"] as? String == "received" && received["money"] as? String == "pending", "\(received.text)")
            #expect(try await returnEvents(service, merchant, order: order.id, atLeast: 4)
                    == ["return.requested", "return.approved", "return.lost", "return.received"])

            let untracked = try await service.call(.post, "/v1/returns", key: merchant.apiKey, json: [
                "order_id": order.id, "resolution": "refund", "method": "mail", "lines": [["sku": "TEE", "quantity": 1, "reason": "too_small"]],
            ])
            let untrackedID = try #require(untracked["id"] as? String, "\(untracked.text)")
            let nothing = try await service.call(.post, "/v1/returns/\(untrackedID)/tracking-events", key: merchant.apiKey,
                                                 json: ["events": [scan("in_transit", "2026-11-27T09:00:00Z")]])
            #expect(nothing.status == .conflict, "\(nothing.text)")
            let inStore = try await service.call(.post, "/v1/returns", key: merchant.apiKey, json: [
                "order_id": order.id, "resolution": "refund", "method": "in_store", "parcel": ["carrier": "dhl", "tracking_number": "X1"],
                "lines": [["sku": "TEE", "quantity": 1, "reason": "too_small"]],
            ])
            #expect(try fieldErrors(inStore)["parcel"] == "is only for a mail return")
        }
    }

    @Test func aShipmentSentBackOpensAClaimThatIsReceivedWithoutARefundAndReshipped() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            let id = try await service.createOrder(merchant, sampleOrder())
            let shipment = try await service.ship(merchant, order: id, tracking: "RT\(UInt32.random(in: 0...UInt32.max))",
                                                  lines: [["sku": "TEE", "quantity": 2]])
            let shipmentID = try #require(shipment["id"] as? String)
            for _ in 0..<2 {
                let scanned = try await service.scans(merchant, shipment: shipmentID, [scan("returned_to_sender", isoTime(Date().addingTimeInterval(-60)))])
                #expect(scanned.status == .ok, "\(scanned.text)")
            }
            let claims = try await service.call(.get, "/v1/returns?order_id=\(id)&kind=returned_to_sender", key: merchant.apiKey)
            let claim = try #require((claims["items"] as? [[String: Any]])?.first, "\(claims.text)")
            #expect((claims["items"] as? [[String: Any]])?.count == 1, "one claim however often the carrier says so")
            let claimID = try #require(claim["id"] as? String)
            #expect(claim["shipment_id"] as? String == shipmentID && claim["resolution"] as? String == "reship")
            #expect(claim["logistics"] as? String == "in_transit" && claim["decision"] as? String == "approved" && claim["submitted_by"] as? String == "merchant")
            let received = try await service.call(.post, "/v1/returns/\(claimID)/receipts", key: merchant.apiKey,
                                                  json: ["lines": [["sku": "TEE", "received": 2, "disposition": "restock", "location": "BUC-1"]]])
            #expect(received["logistics"] as? String == "received" && received["money"] as? String == "pending", "\(received.text)")
            let reshipped = try await service.call(.post, "/v1/returns/\(claimID)/resolutions", key: merchant.apiKey, json: [:])
            #expect(reshipped["money"] as? String == "reshipped", "\(reshipped.text)")
            let document = try await service.call(.get, "/v1/orders/\(id)", key: merchant.apiKey)
            #expect((document["returns"] as? [[String: Any]])?.first?["money"] as? String == "reshipped")
            #expect((document["lines"] as? [[String: Any]])?.first { $0["sku"] as? String == "TEE" }?["returned_quantity"] as? Int == 0,
                    "the customer never had the units")
            #expect(try await returnEvents(service, merchant, order: id, atLeast: 4)
                    == ["return.requested", "return.approved", "return.received", "return.resolved"])
        }
    }

    @Test func aLostShipmentsClaimIsTheMerchantsToSettleAndFreesTheUnitsToShipAgain() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service)
            let id = try await service.createOrder(merchant, sampleOrder())
            let shipment = try await service.ship(merchant, order: id, tracking: "RT\(UInt32.random(in: 0...UInt32.max))",
                                                  lines: [["sku": "TEE", "quantity": 2]])
            var lost = scan("exception", isoTime(Date().addingTimeInterval(-60)))
            lost["substatus"] = "lost"
            #expect(try await service.scans(merchant, shipment: try #require(shipment["id"] as? String), [lost]).status == .ok)
            let claims = try await service.call(.get, "/v1/returns?order_id=\(id)&kind=lost_parcel", key: merchant.apiKey)
            let claimID = try #require((claims["items"] as? [[String: Any]])?.first?["id"] as? String, "\(claims.text)")
            let link = try await service.call(.post, "/v1/orders/\(id)/customer-links", key: merchant.apiKey, json: [:])
            let token = try #require(link["token"] as? String)
            let byCustomer = try await service.call(.post, "/v1/returns/\(claimID)/cancellation", key: token, json: [:])
            #expect(byCustomer.status == .conflict && (byCustomer["detail"] as? String)?.contains("merchant's claim") == true, "\(byCustomer.text)")
            let reshipTooEarly = try await service.ship(merchant, order: id, tracking: "RESHIP-\(UInt32.random(in: 0...UInt32.max))",
                                                        lines: [["sku": "TEE", "quantity": 2]])
            #expect(reshipTooEarly.status == .unprocessableContent, "the lost units count as shipped until the claim is settled")
            let exchange = try await service.call(.post, "/v1/returns/\(claimID)/resolutions", key: merchant.apiKey, json: ["resolution": "exchange"])
            #expect(try fieldErrors(exchange)["resolution"] == "must be reship, refund or store_credit for a claim")
            let refunded = try await service.call(.post, "/v1/returns/\(claimID)/resolutions", key: merchant.apiKey, json: ["resolution": "refund"])
            #expect(refunded["money"] as? String == "refunded" && (refunded["quote"] as? [String: Any])?["refund_total"] as? Int == 2 * 4990,
                    "\(refunded.text)")
            #expect(try await service.call(.get, "/v1/returns/\(claimID)", key: merchant.apiKey).text == refunded.text, "read back as written")

            // Reshipped instead (another order): the units can be shipped again.
            let second = try await service.createOrder(merchant, sampleOrder())
            let parcel = try await service.ship(merchant, order: second, tracking: "RT\(UInt32.random(in: 0...UInt32.max))",
                                                lines: [["sku": "TEE", "quantity": 2]])
            #expect(try await service.scans(merchant, shipment: try #require(parcel["id"] as? String), [lost]).status == .ok)
            let secondClaims = try await service.call(.get, "/v1/returns?order_id=\(second)", key: merchant.apiKey)
            let secondClaim = try #require((secondClaims["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await service.call(.post, "/v1/returns/\(secondClaim)/resolutions", key: merchant.apiKey, json: [:])["money"] as? String == "reshipped")
            let reshipped = try await service.ship(merchant, order: second, tracking: "RESHIP-\(UInt32.random(in: 0...UInt32.max))",
                                                   lines: [["sku": "TEE", "quantity": 2]])
            #expect(reshipped.status == .created, "\(reshipped.text)")
        }
    }

    @Test func aReturnWithNothingSentExpiresOnceAndItsUnitsAreFreeAgain() async throws {
        try await withService { service in
            let merchant = try await merchantWithPolicy(service) { $0["ship_back_days"] = 1 }
            let order = try await service.shippedOrder(merchant)
            let opened = try await service.call(.post, "/v1/returns", key: order.token, json: [
                "order_id": order.id, "resolution": "refund", "method": "mail", "lines": [["sku": "TEE", "quantity": 2, "reason": "too_small"]],
            ])
            let id = try #require(opened["id"] as? String, "\(opened.text)")
            let expiresAt = try #require((opened["expires_at"] as? String).flatMap(APITime.instant), "\(opened.text)")
            #expect(abs(expiresAt.timeIntervalSinceNow - 86_400) < 60, "one day from approval (at once): \(expiresAt)")
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                let returns = ReturnStore(database: Database(client: client))
                try await client.query("UPDATE returns SET ship_back_by = now() - interval '1 second', expires_at = now() - interval '1 second' WHERE id = \(try #require(UUID(uuidString: id)))",
                                       logger: testLogger)
                // Two replicas at once (and the service's own pass may join them): it expires once,
                // as the single return.expired below shows.
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<2 { group.addTask { try await returns.expireDue(now: Date(), logger: testLogger) } }
                    try await group.waitForAll()
                }
            }
            let shown = try await service.call(.get, "/v1/returns/\(id)", key: merchant.apiKey)
            #expect(shown["logistics"] as? String == "expired" && shown["money"] as? String == "none" && shown["expires_at"] == nil, "\(shown.text)")
            // Read where both passes' events are, numbered or not: a second return.expired would show.
            #expect(try await outboxEventTypes(merchant, typePrefix: "return.", order: order.id) == ["return.requested", "return.approved", "return.expired"])
            #expect(try await service.call(.get, "/v1/returns/\(id)", key: merchant.apiKey).text == shown.text, "nothing moved it again")
            let eligibility = try await service.call(.get, "/v1/orders/\(order.id)/return-eligibility", key: order.token)
            #expect((eligibility["lines"] as? [[String: Any]])?.first { $0["sku"] as? String == "TEE" }?["returnable_quantity"] as? Int == 2)
        }
    }
}
