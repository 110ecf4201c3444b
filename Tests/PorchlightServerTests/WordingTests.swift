import Foundation
import HTTPTypes
import PorchlightCore
import Testing

/// What a customer reads about a declared disruption: dates the carrier can keep, and the
/// merchant's own words only in the customer's language.
@Suite struct WordingTests {
    /// `count` days after `date` on which a carrier delivering Monday to Saturday delivers.
    private func mondayToSaturday(_ count: Int, after date: String) throws -> String {
        var day = try #require(LocalDate(date))
        var left = count
        while left > 0 {
            day = day.adding(days: 1)
            if day.weekday != .sun { left -= 1 }
        }
        return day.description
    }

    @Test func aDeclaredDelayCountsTheCarriersDeliveryDays() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)  // fan_courier express delivers Monday to Saturday
            let quoted = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                                json: ["location": "BUC-1", "destination": ["country": "RO"]])
            let quoteID = try #require(quoted["id"] as? String, "\(quoted.text)")
            // One parcel with an estimate of its own (in transit from the warehouse), one whose
            // order still goes by its promise (no origin, no scan).
            var orders: [(id: String, token: String)] = []
            for origin in ["BUC-1", nil] {
                var order = sampleOrder()
                order["delivery"] = ["quote_id": quoteID, "option_id": "fan_courier:express"]
                let id = try await service.createOrder(merchant, order)
                var parcel: [String: Any] = ["carrier": "fan_courier", "service_level": "express", "tracking_number": "WD\(UInt32.random(in: 0...UInt32.max))",
                                             "lines": [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]]]
                parcel["origin_location"] = origin
                let shipment = try await service.call(.post, "/v1/orders/\(id)/shipments", key: merchant.apiKey, json: parcel)
                let shipmentID = try #require(shipment["id"] as? String, "\(shipment.text)")
                if origin != nil {
                    #expect(try await service.scans(merchant, shipment: shipmentID, [scan("in_transit", isoTime(Date().addingTimeInterval(-600)))]).status == .ok)
                }
                let link = try await service.call(.post, "/v1/orders/\(id)/customer-links", key: merchant.apiKey, json: [:])
                orders.append((id, try #require(link["token"] as? String, "\(link.text)")))
            }
            func estimate(_ order: String) async throws -> (earliest: String, latest: String) {
                let document = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
                let estimate = try #require(document["estimate"] as? [String: Any], "\(document.text)")
                return (try #require(estimate["earliest"] as? String), try #require(estimate["latest"] as? String))
            }
            var before: [(earliest: String, latest: String)] = []
            for order in orders { before.append(try await estimate(order.id)) }

            // Six days: a week of the carrier's, which always spans a Sunday.
            let declared = try await service.call(.post, "/v1/disruptions", key: merchant.apiKey, json: [
                "cause": "carrier_delay", "extra_days": 6, "scope": ["carriers": [["carrier": "fan_courier"]]],
            ])
            #expect(declared.status == .created && declared["affected_orders"] as? Int == 2, "\(declared.text)")
            for (order, was) in zip(orders, before) {
                let now = try await estimate(order.id)
                #expect(now.earliest == (try mondayToSaturday(6, after: was.earliest)), "\(was) → \(now)")
                #expect(now.latest == (try mondayToSaturday(6, after: was.latest)), "\(was) → \(now)")
                #expect(try #require(LocalDate(now.earliest)).weekday != .sun && (try #require(LocalDate(now.latest))).weekday != .sun)
                let told = try await service.call(.get, "/v1/orders/\(order.id)/arrival-estimate", key: order.token, headers: [.acceptLanguage: "en"])
                let window = try #require(told["window"] as? [String: Any], "\(told.text)")
                #expect(window["earliest"] as? String == now.earliest && window["latest"] as? String == now.latest, "the customer is told the same")
            }
        }
    }

    @Test func eachCustomerReadsTheMerchantsWordsInTheirLanguageOrNone() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            // The sample customer's stored locale is Romanian.
            let order = try await service.shippedOrder(merchant, scanned: "in_transit", at: Date().addingTimeInterval(-600))
            let words = ["ro": "Ninge în București.", "en": "Snow in Bucharest.", "es": "Nieva en Bucarest."]
            let declared = try await service.call(.post, "/v1/disruptions", key: merchant.apiKey, json: [
                "cause": "weather", "extra_days": 2, "scope": ["carriers": [["carrier": "dhl"]]],
                "customer_message": words["ro"]!, "customer_message_language": "ro",
                "customer_messages": ["en": words["en"]!, "es": words["es"]!],
            ])
            #expect(declared.status == .created, "\(declared.text)")
            #expect(declared["customer_message"] as? String == words["ro"] && declared["customer_message_language"] as? String == "ro")
            #expect(declared["customer_messages"] as? [String: String] == ["en": words["en"]!, "es": words["es"]!], "\(declared.text)")
            let id = try #require(declared["id"] as? String)
            let document = try await service.call(.get, "/v1/orders/\(order.id)", key: merchant.apiKey)
            let heldBy = try #require(document["declared_disruption"] as? [String: Any], "\(document.text)")
            #expect(heldBy["customer_message_language"] as? String == "ro" && (heldBy["customer_messages"] as? [String: String])?["es"] == words["es"])

            func message(_ acceptLanguage: String?) async throws -> String {
                let headers: HTTPFields = acceptLanguage.map { [.acceptLanguage: $0] } ?? [:]
                let estimate = try await service.call(.get, "/v1/orders/\(order.id)/arrival-estimate", key: order.token, headers: headers)
                return try #require(estimate["message"] as? String, "\(estimate.text)")
            }
            #expect(try await message("en").hasSuffix(" \(words["en"]!)"))
            #expect(try await message("es-MX").hasSuffix(" \(words["es"]!)"))
            #expect(try await message(nil).hasSuffix(" \(words["ro"]!)"), "the customer's own locale, for the sentence and the words")
            #expect(try await message("ja").hasSuffix(" \(words["ro"]!)"), "a language not spoken here falls back for both alike")
            for language in ["ru", "zh-CN", "id"] {
                let read = try await message(language)
                #expect(words.values.allSatisfy { !read.contains($0) }, "\(language): the sentence without anyone else's words: \(read)")
            }

            // An empty message removes that language's words.
            let changed = try await service.call(.patch, "/v1/disruptions/\(id)", key: merchant.apiKey, json: ["customer_messages": ["es": ""]])
            #expect(changed.status == .ok && changed["customer_messages"] as? [String: String] == ["en": words["en"]!], "\(changed.text)")
            #expect(try await !message("es").contains(words["es"]!))
            #expect(try await message("en").hasSuffix(" \(words["en"]!)"))
        }
    }

    @Test func aMessageWithoutALanguageIsEnglishAsBefore() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.shippedOrder(merchant, scanned: "in_transit", at: Date().addingTimeInterval(-600))
            let declared = try await service.call(.post, "/v1/disruptions", key: merchant.apiKey, json: [
                "cause": "weather", "extra_days": 2, "scope": ["carriers": [["carrier": "dhl"]]], "customer_message": "Snow in Bucharest.",
            ])
            #expect(declared.status == .created && declared["customer_message"] as? String == "Snow in Bucharest.", "\(declared.text)")
            #expect(declared["customer_message_language"] as? String == "en" && declared["customer_messages"] == nil, "\(declared.text)")
            let english = try await service.call(.get, "/v1/orders/\(order.id)/arrival-estimate", key: order.token, headers: [.acceptLanguage: "en"])
            #expect((english["message"] as? String)?.hasSuffix(" Snow in Bucharest.") == true, "\(english.text)")
            let romanian = try await service.call(.get, "/v1/orders/\(order.id)/arrival-estimate", key: order.token)
            #expect(romanian["language"] as? String == "ro" && (romanian["message"] as? String)?.contains("Snow") == false, "\(romanian.text)")
        }
    }

    @Test func messagesInLanguagesTheServiceDoesNotSpeakOrTwiceInOneAreRefused() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let refused = try await service.call(.post, "/v1/disruptions", key: merchant.apiKey, json: [
                "cause": "weather", "scope": ["destination_countries": ["RO"]], "customer_message": "Snow.",
                "customer_messages": ["en": "Snow again.", "ja": "雪。", "ro": ""],
            ])
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            let errors = try fieldErrors(refused)
            #expect(Set(errors.keys) == ["customer_messages.en", "customer_messages.ja", "customer_messages.ro"], "\(refused.text)")
            #expect(errors["customer_messages.ja"]?.contains("en, es, ro, id, ru, zh-Hans, pt-BR, de, fr, it, pl, tr, nl") == true, "\(refused.text)")
            let list = try await service.call(.get, "/v1/disruptions", key: merchant.apiKey)
            #expect((list["items"] as? [Any])?.isEmpty == true, "nothing declared: \(list.text)")
        }
    }
}
