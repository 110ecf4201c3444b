import Foundation
import HTTPTypes
import PorchlightCore
import PorchlightServer
import PorchlightStore
import PostgresNIO
import Testing

/// A Romanian merchant: one Bucharest warehouse (cut-off 14:00, one handling day, Monday to
/// Friday, Christmas off unless told other `holidays`) and one courier service delivering in 1–2
/// days, Monday to Saturday, with two-hour slots.
func setUpPromises(_ service: Service, _ merchant: TestMerchant, slotCapacity: Int = 5, holidays: [String] = ["2026-12-25"]) async throws {
    let location = try await service.call(.put, "/v1/locations/BUC-1", key: merchant.apiKey, json: [
        "name": "Bucharest warehouse", "country": "RO", "region": "B", "time_zone": "Europe/Bucharest",
        "cutoff_time": "14:00", "handling_days": 1, "working_days": ["mon", "tue", "wed", "thu", "fri"],
        "holidays": holidays,
    ])
    #expect(location.status == .created, "\(location.text)")
    let courier = try await service.call(.put, "/v1/carrier-services/fan_courier/express", key: merchant.apiKey, json: [
        "pickup_days": ["mon", "tue", "wed", "thu", "fri"], "delivery_days": ["mon", "tue", "wed", "thu", "fri", "sat"],
        "baseline_transit": [["country": "RO", "min_days": 1, "max_days": 2]],
        "scheduled_delivery": ["minimum_lead_days": 3, "horizon_days": 2,
                               "slots": [["start": "09:00", "end": "11:00", "capacity": slotCapacity]]],
    ])
    #expect(courier.status == .created, "\(courier.text)")
}

/// A time `days` from now (whole days, so the weekday pattern stays realistic).
func isoTime(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    return formatter.string(from: date)
}

@Suite struct PromiseTests {
    @Test func aQuoteOffersAWindowPerServiceAndTheCutOffDecidesTheStartDay() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)
            let before = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey, json: [
                "location": "BUC-1", "destination": ["country": "RO", "region": "CJ", "postal_code": "400 001"],
            ])
            #expect(before.status == .created, "\(before.text)")
            let beforeOption = try #require((before["options"] as? [[String: Any]])?.first)
            #expect(beforeOption["option_id"] as? String == "fan_courier:express")
            #expect((beforeOption["basis"] as? [String: Any])?["transit"] as? String == "configured")

            // A Wednesday a few weeks ahead, a minute either side of 14:00 in Bucharest, whatever
            // its offset from UTC that day: the cut-off moves the start of handling to Thursday.
            let wednesday = nextWeekday(3, after: Date().addingTimeInterval(14 * 86_400))
            var bucharest = Calendar(identifier: .gregorian)
            bucharest.timeZone = try #require(TimeZone(identifier: "Europe/Bucharest"))
            let day = wednesday.split(separator: "-").compactMap { Int($0) }
            let cutOff = try #require(bucharest.date(from: DateComponents(year: day[0], month: day[1], day: day[2], hour: 14)))
            let justBefore = try await quote(service, merchant, at: isoTime(cutOff.addingTimeInterval(-60)))
            let justAfter = try await quote(service, merchant, at: isoTime(cutOff.addingTimeInterval(60)))
            #expect(justBefore["handling_starts_on"] as? String == wednesday)
            #expect(justAfter["handling_starts_on"] as? String == LocalDay(wednesday).plus(1))
            #expect((justBefore["order_by"] as? String).flatMap(APITime.instant) == cutOff, "\(justBefore)")
            // One handling day (Thursday hand-off), then 1–2 delivery days: Friday to Saturday.
            #expect((justBefore["window"] as? [String: Any])?["earliest"] as? String == LocalDay(wednesday).plus(2))
            #expect((justBefore["window"] as? [String: Any])?["latest"] as? String == LocalDay(wednesday).plus(3))
        }
    }

    @Test func setUpIsReadableAndTheOnTimeTargetIsTheMerchantsChoice() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)
            let location = try await service.call(.get, "/v1/locations/BUC-1", key: merchant.apiKey)
            #expect(location["time_zone"] as? String == "Europe/Bucharest" && location["cutoff_time"] as? String == "14:00")
            #expect(location["holidays"] as? [String] == ["2026-12-25"])
            #expect((try await service.call(.get, "/v1/locations", key: merchant.apiKey)["items"] as? [Any])?.count == 1)
            let services = try await service.call(.get, "/v1/carrier-services", key: merchant.apiKey)
            let courier = try #require((services["items"] as? [[String: Any]])?.first)
            #expect(courier["carrier"] as? String == "fan_courier")
            #expect((courier["scheduled_delivery"] as? [String: Any])?["minimum_lead_days"] as? Int == 3)
            // Replacing an existing location answers 200, not 201.
            let replaced = try await service.call(.put, "/v1/locations/BUC-1", key: merchant.apiKey, json: [
                "country": "RO", "time_zone": "Europe/Bucharest", "cutoff_time": "15:30", "handling_days": 2, "working_days": ["mon", "tue"],
            ])
            #expect(replaced.status == .ok && replaced["cutoff_time"] as? String == "15:30", "\(replaced.text)")

            #expect(try await service.call(.get, "/v1/promise-settings", key: merchant.apiKey)["on_time_target"] as? Double == 0.93)
            let safer = try await service.call(.put, "/v1/promise-settings", key: merchant.apiKey, json: ["on_time_target": 0.97])
            #expect(safer.status == .ok)
            #expect(try await service.call(.get, "/v1/promise-settings", key: merchant.apiKey)["on_time_target"] as? Double == 0.97)
            let impossible = try await service.call(.put, "/v1/promise-settings", key: merchant.apiKey, json: ["on_time_target": 1.5])
            #expect(impossible.status == .unprocessableContent && impossible.errorFields == ["on_time_target"], "\(impossible.text)")
        }
    }

    @Test func badQuoteRequestsNameTheFieldToFix() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)
            let other = try await service.newMerchant()
            let cases: [([String: Any], String, TestMerchant)] = [
                (["location": "NOPE", "destination": ["country": "RO"]], "location", merchant),
                (["location": "BUC-1", "destination": ["country": "RO"]], "location", other),
                (["location": "BUC-1", "destination": ["country": "RO", "postal_code": "4!"]], "destination.postal_code", merchant),
                (["location": "BUC-1", "destination": ["country": "RO"], "at": "2020-01-01T00:00:00Z"], "at", merchant),
                (["location": "BUC-1", "destination": ["country": "RO"], "at": "2030-01-01T00:00:00Z"], "at", merchant),
                (["location": "BUC-1", "destination": ["country": "RO"], "services": [["carrier": "dhl", "service_level": "express"]]], "services[0]", merchant),
            ]
            for (body, field, caller) in cases {
                let reply = try await service.call(.post, "/v1/delivery-quotes", key: caller.apiKey, json: body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.errorFields == [field], "\(body): \(reply.text)")
            }
            // A country outside ISO 3166-1 is outside the contract's enum: 400, naming the field.
            let unknownCountry = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                                        json: ["location": "BUC-1", "destination": ["country": "XX"]])
            #expect(unknownCountry.status == .badRequest)
            #expect(unknownCountry.errorFields == ["destination.country"])
            // A misspelt field is refused, not silently ignored.
            let typo = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                              json: ["location": "BUC-1", "destination": ["country": "RO"], "servces": []])
            #expect(typo.status == .badRequest)
            #expect((typo["detail"] as? String)?.contains("servces") == true, "\(typo.text)")
            let badLocation = try await service.call(.put, "/v1/locations/X", key: merchant.apiKey, json: [
                "country": "RO", "time_zone": "Mars/Olympus", "cutoff_time": "25:00", "handling_days": 1,
                "working_days": ["mon", "mon"], "holidays": ["2026-02-30"],
            ])
            #expect(badLocation.status == .unprocessableContent)
            #expect(Set(badLocation.errorFields) == ["time_zone", "cutoff_time", "working_days", "holidays[0]"], "\(badLocation.text)")
            let badCode = try await service.call(.put, "/v1/locations/%C3%97%C3%B8", key: merchant.apiKey, json: [
                "country": "RO", "time_zone": "Europe/Bucharest", "cutoff_time": "14:00", "handling_days": 1, "working_days": ["mon"],
            ])
            #expect(badCode.status == .unprocessableContent && badCode.errorFields == ["location_code"], "\(badCode.text)")
        }
    }

    @Test func theOrderKeepsItsPromiseWhileTrackingRevisesTheEstimate() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)
            let quoted = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                                json: ["location": "BUC-1", "destination": ["country": "RO", "region": "CJ"]])
            let quoteID = try #require(quoted["id"] as? String)
            let option = try #require((quoted["options"] as? [[String: Any]])?.first)
            let window = try #require(option["window"] as? [String: Any])

            var order = sampleOrder()
            order["delivery"] = ["quote_id": quoteID, "option_id": "fan_courier:express"]
            let orderID = try await service.createOrder(merchant, order)
            let created = try await service.call(.get, "/v1/orders/\(orderID)", key: merchant.apiKey)
            let promise = try #require(created["promise"] as? [String: Any])
            #expect(promise["latest"] as? String == window["latest"] as? String)
            #expect(promise["engine_version"] as? String == PromiseEngine.version)
            #expect(created["promise_at_risk"] as? Bool == false)

            // The same choice again changes nothing; another quote cannot replace the promise.
            let again = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(again.status == .ok)
            let requote = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                                 json: ["location": "BUC-1", "destination": ["country": "RO"]])
            order["delivery"] = ["quote_id": try #require(requote["id"] as? String), "option_id": "fan_courier:express"]
            let replaced = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(replaced.status == .conflict, "\(replaced.text)")

            // Tracking: the shipment leaves from the promised location and gets an estimate.
            let shipment = try await service.call(.post, "/v1/orders/\(orderID)/shipments", key: merchant.apiKey, json: [
                "carrier": "fan_courier", "service_level": "express", "tracking_number": "PR\(UInt32.random(in: 0...UInt32.max))",
                "lines": [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]],
            ])
            let shipmentID = try #require(shipment["id"] as? String)
            #expect(shipment["origin_location"] as? String == "BUC-1")
            let now = Date()
            let moving = try await service.scans(merchant, shipment: shipmentID, [scan("in_transit", isoTime(now.addingTimeInterval(-60)))])
            let estimate = try #require((moving["shipment"] as? [String: Any])?["estimate"] as? [String: Any])
            #expect(estimate["basis"] as? String == "configured")
            let out = try await service.scans(merchant, shipment: shipmentID, [scan("out_for_delivery", isoTime(now.addingTimeInterval(-30)))])
            let today = try #require((out["shipment"] as? [String: Any])?["estimate"] as? [String: Any])
            #expect(today["basis"] as? String == "latest_scan")
            #expect(today["earliest"] as? String == today["latest"] as? String)

            _ = try await service.scans(merchant, shipment: shipmentID, [scan("delivered", isoTime(now))])
            let delivered = try await service.call(.get, "/v1/orders/\(orderID)", key: merchant.apiKey)
            let resolved = try #require(delivered["promise"] as? [String: Any])
            #expect(resolved["outcome"] as? String == "kept")
            #expect(resolved["latest"] as? String == promise["latest"] as? String)
            #expect(delivered["estimate"] == nil)

            // The ledger: the outcome's place in the forecast is kept for recalibration, and the
            // promise itself cannot be changed, even by a direct UPDATE: the ledger's trigger refuses it.
            let refusal = try await withDatabase(url: databaseURL, logger: testLogger) { client in
                let pits = try await client.query("SELECT pit FROM delivery_promises WHERE order_id = \(UUID(uuidString: orderID)!)", logger: testLogger)
                    .collect().map { try $0.decode(Double?.self) }
                #expect(pits.count == 1)
                #expect(pits.allSatisfy { $0.map { (0...1).contains($0) } == true })
                return try await #require(throws: PSQLError.self) {
                    try await client.query("UPDATE delivery_promises SET latest = latest + 7 WHERE order_id = \(UUID(uuidString: orderID)!)", logger: testLogger)
                }
            }
            #expect(refusal.serverInfo?[.sqlState] == "23000", "integrity_constraint_violation: \(String(reflecting: refusal))")
            #expect(refusal.serverInfo?[.message] == "a delivery promise never changes")

            let analytics = try await service.call(.get, "/v1/promise-analytics", key: merchant.apiKey)
            let overall = try #require(analytics["overall"] as? [String: Any])
            #expect(overall["promises"] as? Int == 1)
            #expect(overall["kept"] as? Int == 1)
            #expect(overall["kept_rate"] as? Double == 1)
            #expect((analytics["by_lane"] as? [[String: Any]])?.first?["destination_region"] as? String == "CJ")
        }
    }

    /// What the store reads back to calibrate the next promises: a delivered promise kept, a
    /// lapsed one missed, a cancelled order's promise not at all.
    @Test func recentOutcomesDecideWhereTheNextPromisesAreCut() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)
            var orders: [(id: String, latest: LocalDate)] = []
            for _ in 0..<5 {
                let quoted = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                                    json: ["location": "BUC-1", "destination": ["country": "RO", "region": "CJ"]])
                var order = sampleOrder()
                order["delivery"] = ["quote_id": try #require(quoted["id"] as? String), "option_id": "fan_courier:express"]
                let id = try await service.createOrder(merchant, order)
                let promise = try await service.call(.get, "/v1/orders/\(id)", key: merchant.apiKey)["promise"] as? [String: Any]
                orders.append((id, try #require((promise?["latest"] as? String).flatMap { LocalDate($0) })))
            }
            let now = Date()
            for order in orders.prefix(2) {
                let shipment = try await service.call(.post, "/v1/orders/\(order.id)/shipments", key: merchant.apiKey, json: [
                    "carrier": "fan_courier", "service_level": "express", "tracking_number": "CAL\(UInt32.random(in: 0...UInt32.max))",
                    "lines": [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]],
                ])
                let delivered = try await service.scans(merchant, shipment: try #require(shipment["id"] as? String), [scan("delivered", isoTime(now))])
                #expect(delivered.status == .ok, "\(delivered.text)")
            }
            let cancelled = try await service.call(.post, "/v1/orders/\(orders[2].id)/cancellations", key: merchant.apiKey, json: ["reason": "fraud"])
            #expect(cancelled.status == .ok, "\(cancelled.text)")

            // A month on, every latest date has passed: two kept, two missed, the cancelled one left out.
            let later = now.addingTimeInterval(30 * 86_400)
            let setup = try await withDatabase(url: databaseURL, logger: testLogger) { client in
                try await PromiseStore(database: Database(client: client))
                    .setup(merchant: MerchantID(try #require(UUID(uuidString: merchant.id))), now: later, logger: testLogger)
            }
            let bucharest = try #require(TimeZone(identifier: "Europe/Bucharest"))
            let deliveredOn = LocalDate(now, in: bucharest), today = LocalDate(later, in: bucharest)
            let expected = AdaptiveLevel.start(from: nil, target: PromisePolicy.defaultOnTimeTarget, today: today)
                .advanced(to: today, resolutions: [
                    PromiseResolution(decidedOn: deliveredOn, outcome: .kept), PromiseResolution(decidedOn: deliveredOn, outcome: .kept),
                    PromiseResolution(decidedOn: orders[3].latest, outcome: .missed), PromiseResolution(decidedOn: orders[4].latest, outcome: .missed),
                ])
            #expect(setup.adaptive == expected)
            #expect(setup.adaptive.offset > 0)
            #expect(setup.recalibration.isIdentity, "four outcomes are too few to recalibrate")

            // The level is stored; the next learning pass, on any replica, carries on from it, and
            // one with an older clock does not take it back.
            let (stored, nextDay, behind) = try await withDatabase(url: databaseURL, logger: testLogger) { client in
                let store = PromiseStore(database: Database(client: client))
                let merchantID = MerchantID(try #require(UUID(uuidString: merchant.id)))
                let stored = try await store.adaptiveLevel(merchant: merchantID, logger: testLogger)
                let nextDay = try await store.setup(merchant: merchantID, now: later.addingTimeInterval(86_400), logger: testLogger).adaptive
                _ = try await store.setup(merchant: merchantID, now: later, logger: testLogger)
                return (stored, nextDay, try await store.adaptiveLevel(merchant: merchantID, logger: testLogger))
            }
            #expect(stored == expected)
            #expect(nextDay.steppedThrough == expected.steppedThrough.adding(days: 1))
            #expect(nextDay.offset == expected.offset, "no promise was decided on the day stepped")
            #expect(behind == nextDay)
        }
    }

    @Test func slotsAreOfferedOnlyFarEnoughAheadAndBookingsConsumeThem() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant, slotCapacity: 1)
            let quoted = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                                json: ["location": "BUC-1", "destination": ["country": "RO"]])
            let option = try #require((quoted["options"] as? [[String: Any]])?.first)
            let slots = try #require(option["slots"] as? [[String: Any]])
            #expect(slots.count == 2)
            let today = LocalDay(String(isoTime(Date()).prefix(10)))
            for slot in slots {
                #expect(try #require(slot["date"] as? String) >= today.plus(3))
                #expect(try #require(slot["date"] as? String) >= #require((option["window"] as? [String: Any])?["latest"] as? String))
            }
            let slotID = try #require(slots.first?["slot_id"] as? String)
            var first = sampleOrder()
            first["delivery"] = ["quote_id": try #require(quoted["id"] as? String), "option_id": "fan_courier:express", "slot_id": slotID]
            let booked = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: first)
            #expect(booked.status == .created, "\(booked.text)")
            #expect((booked["promise"] as? [String: Any])?["slot"] != nil)

            var second = sampleOrder()
            second["delivery"] = first["delivery"]
            let full = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: second)
            #expect(full.status == .conflict, "\(full.text)")
            let lookAgain = try await service.call(.get, "/v1/orders?order_number=\(try #require(second["order_number"] as? String))", key: merchant.apiKey)
            #expect((lookAgain["items"] as? [Any])?.isEmpty == true, "a refused order is not half-written")

            let requoted = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                                  json: ["location": "BUC-1", "destination": ["country": "RO"]])
            let remaining = try ((requoted["options"] as? [[String: Any]])?.first?["slots"] as? [[String: Any]])?.map { try #require($0["slot_id"] as? String) }
            #expect(remaining?.contains(slotID) == false)
        }
    }

    @Test func theArrivalEstimatesLastScanIsTheLatestOfEveryShipmentWhateverOrderItCameIn() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let orderID = try await service.createOrder(merchant)
            func shipment(_ sku: String, _ quantity: Int) async throws -> String {
                let created = try await service.ship(merchant, order: orderID, tracking: "LS\(UInt32.random(in: 0...UInt32.max))",
                                                     lines: [["sku": sku, "quantity": quantity]])
                return try #require(created["id"] as? String, "\(created.text)")
            }
            let now = Date()
            func event(_ hoursAgo: Double, _ text: String, _ city: String, substatus: String? = nil) -> [String: Any] {
                var event = scan("in_transit", isoTime(now.addingTimeInterval(-hoursAgo * 3600)))
                event["carrier_status_text"] = text
                event["location"] = ["city": city, "country": "AT"]
                event["substatus"] = substatus
                return event
            }
            func post(_ shipment: String, _ events: [[String: Any]]) async throws {
                let reply = try await service.scans(merchant, shipment: shipment, events)
                #expect(reply.status == .ok, "\(reply.text)")
            }
            func lastScan() async throws -> (text: String?, city: String?, delay: String?) {
                let estimate = try await service.call(.get, "/v1/orders/\(orderID)/arrival-estimate", key: merchant.apiKey)
                #expect(estimate.status == .ok, "\(estimate.text)")
                let scan = estimate["last_scan"] as? [String: Any]
                return (scan?["text"] as? String, (scan?["location"] as? [String: Any])?["city"] as? String, estimate["delay_reason"] as? String)
            }
            let tees = try await shipment("TEE", 2), mug = try await shipment("MUG", 1)
            // The latest scan sits after the one that explains the delay, and arrives before an older one.
            try await post(tees, [event(5, "Picked up", "Linz", substatus: "weather_delay"), event(1, "Sorted", "Graz")])
            try await post(tees, [event(3, "Departed", "Wels")])
            try await post(mug, [event(2, "Arrived", "Salzburg")])
            #expect(try await lastScan() == ("Sorted", "Graz", "weather_delay"))
            // Another shipment's newer scan, sent ahead of an older one, is the latest now; of two
            // at the same time, the first sent.
            try await post(mug, [event(0.5, "Out of depot", "Vienna"), event(4, "Received", "Innsbruck")])
            try await post(mug, [event(0.5, "Loaded", "Schwechat")])
            #expect(try await lastScan() == ("Out of depot", "Vienna", "weather_delay"))
        }
    }

    @Test func theArrivalEstimateSpeaksTheCustomersLanguage() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)
            let quoted = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                                json: ["location": "BUC-1", "destination": ["country": "RO"]])
            var order = sampleOrder()
            order["delivery"] = ["quote_id": try #require(quoted["id"] as? String), "option_id": "fan_courier:express"]
            let orderID = try await service.createOrder(merchant, order)
            let token = try await service.call(.post, "/v1/order-lookups", key: merchant.apiKey,
                                               json: ["order_number": order["order_number"]!, "email": "ana@example.com"])
            let customer = try #require(token["token"] as? String)

            let expectations: [(String, String, String)] = [
                ("en-GB,en;q=0.9", "en", "should arrive"),
                ("es-MX", "es", "de "),
                ("ro-RO,ro;q=0.9", "ro", "Comanda ta"),
                ("id", "id", "Pesanan Anda"),
                ("ru", "ru", "Ваш заказ"),
                ("zh-CN,zh;q=0.9", "zh-Hans", "月"),
                ("ja-JP, sv;q=0.5", "ro", "Comanda ta"),  // neither spoken here: the customer's stored locale (ro)
            ]
            for (header, language, fragment) in expectations {
                let reply = try await service.call(.get, "/v1/orders/\(orderID)/arrival-estimate", key: customer,
                                                   headers: [.acceptLanguage: header])
                #expect(reply.status == .ok, "\(reply.text)")
                #expect(reply["language"] as? String == language)
                #expect(reply.headers[.contentLanguage] == language)
                #expect((reply["message"] as? String)?.contains(fragment) == true, "\(header): \(reply["message"] ?? "")")
                #expect(reply["window"] != nil && reply["at_risk"] as? Bool == false)
            }
            // A weather delay puts the promise at risk, and the answer says so.
            let shipment = try await service.call(.post, "/v1/orders/\(orderID)/shipments", key: merchant.apiKey, json: [
                "carrier": "fan_courier", "service_level": "express", "tracking_number": "AR\(UInt32.random(in: 0...UInt32.max))",
                "lines": [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]],
            ])
            var delayed = scan("exception", isoTime(Date().addingTimeInterval(-60)))
            delayed["substatus"] = "weather_delay"
            delayed["carrier_status_text"] = "Delayed by snow"
            _ = try await service.scans(merchant, shipment: try #require(shipment["id"] as? String), [delayed])
            let atRisk = try await service.call(.get, "/v1/orders/\(orderID)/arrival-estimate", key: customer, headers: [.acceptLanguage: "en"])
            #expect(atRisk["at_risk"] as? Bool == true)
            #expect(atRisk["delay_reason"] as? String == "weather_delay")
            #expect((atRisk["last_scan"] as? [String: Any])?["text"] as? String == "Delayed by snow")
            #expect((atRisk["message"] as? String)?.contains("problem") == true, "\(atRisk.text)")

            // No header: the customer's own locale (ro) decides.
            let byLocale = try await service.call(.get, "/v1/orders/\(orderID)/arrival-estimate", key: customer)
            #expect(byLocale["language"] as? String == "ro")
            // A token for this order reads nothing else.
            let otherOrder = try await service.createOrder(merchant)
            let refused = try await service.call(.get, "/v1/orders/\(otherOrder)/arrival-estimate", key: customer)
            #expect(refused.status == .notFound)
        }
    }
}

/// A local date as `YYYY-MM-DD`, for arithmetic in expectations.
struct LocalDay {
    let date: Date
    init(_ text: String) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        date = formatter.date(from: text)!
    }

    func plus(_ days: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date.addingTimeInterval(Double(days) * 86_400))
    }
}

/// The first date after `date` (UTC) that is the given ISO weekday (1 = Monday).
func nextWeekday(_ weekday: Int, after date: Date) -> String {
    var calendar = Calendar(identifier: .iso8601)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    var day = date
    while calendar.component(.weekday, from: day) != (weekday % 7) + 1 { day = day.addingTimeInterval(86_400) }
    return LocalDay.format(day)
}

extension LocalDay {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}

func quote(_ service: Service, _ merchant: TestMerchant, at: String) async throws -> [String: Any] {
    let reply = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                       json: ["location": "BUC-1", "destination": ["country": "RO"], "at": at])
    #expect(reply.status == .created, "\(reply.text)")
    return (reply["options"] as? [[String: Any]])?.first ?? [:]
}
