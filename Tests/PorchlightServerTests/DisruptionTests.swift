import Foundation
import HTTPTypes
import PorchlightCore
import PorchlightServer
import PorchlightStore
import Testing

@Suite struct DisruptionAlertTests {
    @Test func aParcelInTroubleOpensOneAlertThatEscalatesAndResolvesOnDelivery() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.createOrder(merchant)
            let shipment = try await service.ship(merchant, order: order, tracking: "AL\(UInt32.random(in: 0...UInt32.max))",
                                                  lines: [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]])
            let shipmentID = try #require(shipment["id"] as? String)
            func at(_ minutesAgo: Double) -> String { isoTime(Date().addingTimeInterval(-minutesAgo * 60)) }
            let weatherAt = at(50)
            // The same exception reported twice at once: one alert.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let weather = scan("exception", weatherAt, id: "w1").merging(["substatus": "weather_delay"]) { $1 }
                        return try await service.scans(merchant, shipment: shipmentID, [weather]).status.code
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == [200, 200])
            let open = try await service.call(.get, "/v1/disruption-alerts?status=open", key: merchant.apiKey)
            let items = try #require(open["items"] as? [[String: Any]], "\(open.text)")
            #expect(items.count == 1)
            let alert = try #require(items.first)
            #expect(alert["order_id"] as? String == order && alert["reason"] as? String == "exception" && alert["severity"] as? String == "long_delay")
            #expect(alert["shipment_id"] as? String == shipmentID && alert["status"] as? String == "open" && alert["resolved_at"] == nil)
            let document = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
            #expect((document["alert"] as? [String: Any])?["id"] as? String == alert["id"] as? String, "\(document.text)")
            let link = try await service.call(.post, "/v1/orders/\(order)/customer-links", key: merchant.apiKey, json: [:])
            let view = try await service.call(.get, "/v1/orders/\(order)/customer-view", key: try #require(link["token"] as? String))
            #expect((view["alert"] as? [String: Any])?["reason"] as? String == "exception", "the customer sees it too: \(view.text)")

            var lost = scan("exception", at(40), id: "w2")
            lost["substatus"] = "lost"
            #expect(try await service.scans(merchant, shipment: shipmentID, [lost]).status == .ok)
            let escalated = try await service.call(.get, "/v1/disruption-alerts?reason=exception", key: merchant.apiKey)
            #expect((escalated["items"] as? [[String: Any]])?.map { $0["severity"] as? String } == ["critical"], "\(escalated.text)")

            #expect(try await service.scans(merchant, shipment: shipmentID, [scan("delivered", at(10), id: "w3")]).status == .ok)
            #expect((try await service.call(.get, "/v1/disruption-alerts?status=open", key: merchant.apiKey)["items"] as? [[String: Any]])?.isEmpty == true)
            let resolved = try await service.call(.get, "/v1/disruption-alerts?status=resolved", key: merchant.apiKey)
            let done = try #require((resolved["items"] as? [[String: Any]])?.first, "\(resolved.text)")
            #expect(done["id"] as? String == alert["id"] as? String && done["status"] as? String == "resolved" && done["resolved_at"] is String)
            let settled = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
            #expect(settled.status == .ok && settled["alert"] == nil, "\(settled.text)")

            let events = try await service.feedEvents(merchant, typePrefix: "alert.", order: order, atLeast: 3)
            #expect(events.compactMap { $0["type"] as? String } == ["alert.opened", "alert.escalated", "alert.resolved"])
            #expect(events.compactMap { ($0["data"] as? [String: Any])?["severity"] as? String } == ["long_delay", "critical", "critical"])

            let other = try await service.newMerchant()
            #expect((try await service.call(.get, "/v1/disruption-alerts", key: other.apiKey)["items"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await service.call(.get, "/v1/disruption-alerts?status=closed", key: merchant.apiKey).status == .badRequest)
        }
    }

    @Test func theDetectorPassFindsAForgottenParcelOnceAndAScanResolvesIt() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.createOrder(merchant)
            let shipment = try await service.ship(merchant, order: order, tracking: "FG\(UInt32.random(in: 0...UInt32.max))",
                                                  lines: [["sku": "TEE", "quantity": 2]])
            let shipmentID = try #require(shipment["id"] as? String)
            let merchantID = MerchantID(try #require(UUID(uuidString: merchant.id)))
            let labelled = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                let alerts = AlertStore(database: Database(client: client))
                #expect(try await alerts.detectDue(now: Date(), merchant: merchantID, logger: testLogger) == (0, 0), "a fresh label is not due")
                // Made due early, a check that finds nothing moves only the next check: no version, no lock taken.
                let orderUUID = try #require(UUID(uuidString: order))
                try await client.query("UPDATE orders SET disruption_check_at = now() - interval '1 second' WHERE id = \(orderUUID)", logger: testLogger)
                #expect(try await alerts.detectDue(now: Date(), merchant: merchantID, logger: testLogger) == (1, 0))
                let next = try await client.query("SELECT disruption_check_at FROM orders WHERE id = \(orderUUID)", logger: testLogger)
                    .collect().first?.decode(Date?.self)
                #expect(try #require(next).map { $0 > Date().addingTimeInterval(3600) } == true, "the label's own threshold, hours ahead")
                // Labelled five days ago (at least three working days), never scanned, and due.
                try await client.query("""
                    UPDATE shipments SET created_at = now() - interval '5 days', updated_at = now() - interval '5 days'
                    WHERE id = \(try #require(UUID(uuidString: shipmentID)))
                    """, logger: testLogger)
                try await client.query("UPDATE orders SET disruption_check_at = now() - interval '1 second' WHERE id = \(try #require(UUID(uuidString: order)))",
                                       logger: testLogger)
                let passes = try await withThrowingTaskGroup(of: (checked: Int, changed: Int).self) { group in
                    for _ in 0..<2 { group.addTask { try await alerts.detectDue(now: Date(), merchant: merchantID, logger: testLogger) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(passes.map(\.changed).reduce(0, +) == 1, "two replicas open it once: \(passes)")
                #expect(try await alerts.detectDue(now: Date(), merchant: merchantID, logger: testLogger) == (0, 0), "time has nothing more to tell about a forgotten label: not due again")
            }
            let alerted = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
            #expect(alerted["version"] as? Int == (labelled["version"] as? Int).map { $0 + 1 }, "one new version, for the alert")
            let open = try await service.call(.get, "/v1/disruption-alerts?status=open&reason=forgotten_parcel", key: merchant.apiKey)
            let alert = try #require((open["items"] as? [[String: Any]])?.first, "\(open.text)")
            #expect(alert["order_id"] as? String == order && alert["severity"] as? String == "delay" && alert["shipment_id"] as? String == shipmentID)
            #expect(try await service.scans(merchant, shipment: shipmentID, [scan("in_transit", isoTime(Date().addingTimeInterval(-60)))]).status == .ok)
            let events = try await service.feedEvents(merchant, typePrefix: "alert.", order: order, atLeast: 2)
            #expect(events.compactMap { $0["type"] as? String } == ["alert.opened", "alert.resolved"], "opened once by two passes, resolved by the scan")
        }
    }

    /// A pass reads a merchant's due orders together: the quiet ones get their next check in one
    /// write, without a new version; the one whose alert time brings is changed under its lock.
    @Test func aPassChecksAMerchantsDueOrdersTogether() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var made: [(id: UUID, shipment: UUID, version: Int)] = []
            for _ in 1...3 {
                let order = try await service.createOrder(merchant)
                let shipment = try await service.ship(merchant, order: order, tracking: "FG\(UInt32.random(in: 0...UInt32.max))",
                                                      lines: [["sku": "TEE", "quantity": 2]])
                let read = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
                made.append((try #require(UUID(uuidString: order)), try #require(UUID(uuidString: shipment["id"] as? String ?? "")),
                             try #require(read["version"] as? Int)))
            }
            let orders = made
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                // The first parcel was labelled five days ago and never scanned; all three are due.
                try await client.query("""
                    UPDATE shipments SET created_at = now() - interval '5 days', updated_at = now() - interval '5 days' WHERE id = \(orders[0].shipment)
                    """, logger: testLogger)
                try await client.query("UPDATE orders SET disruption_check_at = now() - interval '1 second' WHERE id = ANY(\(orders.map(\.id)))",
                                       logger: testLogger)
                let pass = try await AlertStore(database: Database(client: client))
                    .detectDue(now: Date(), merchant: MerchantID(try #require(UUID(uuidString: merchant.id))), logger: testLogger)
                #expect(pass == (3, 1))
                let next = try await client.query("""
                    SELECT id, disruption_check_at IS NULL OR disruption_check_at > now() FROM orders WHERE id = ANY(\(orders.map(\.id)))
                    """, logger: testLogger).collect().map { try $0.decode((UUID, Bool).self) }
                #expect(Dictionary(uniqueKeysWithValues: next) == Dictionary(uniqueKeysWithValues: orders.map { ($0.id, true) }), "none is due any more (the forgotten label never again)")
            }
            var versions: [Int] = []
            for order in orders {
                versions.append(try #require(try await service.call(.get, "/v1/orders/\(order.id.apiText)", key: merchant.apiKey)["version"] as? Int))
            }
            #expect(versions == [orders[0].version + 1, orders[1].version, orders[2].version], "a new version only for the alert")
        }
    }
}

@Suite struct DeclaredDisruptionTests {
    /// A detector pass over the merchant's due orders, as a replica would run it at `now`.
    private func detect(_ merchant: TestMerchant, now: Date = Date()) async throws -> (checked: Int, changed: Int) {
        try await withDatabase(url: databaseURL, logger: testLogger) { client in
            try await AlertStore(database: Database(client: client))
                .detectDue(now: now, merchant: MerchantID(try #require(UUID(uuidString: merchant.id))), logger: testLogger)
        }
    }

    /// An order shipped with `carrier` to the sample address (Bucharest, 030031, RO), scanned in transit.
    private func shipped(_ service: Service, _ merchant: TestMerchant, carrier: String) async throws -> String {
        try await service.shippedOrder(merchant, carrier: carrier, scanned: "in_transit", at: Date().addingTimeInterval(-600)).id
    }

    @Test func aDeclaredDisruptionHoldsUpTheOrdersInScopeUntilResolved() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let inScope = try await shipped(service, merchant, carrier: "dhl")
            let otherCarrier = try await shipped(service, merchant, carrier: "ups")
            let storm: [String: Any] = [
                "cause": "weather", "extra_days": 3, "customer_message": "Snow in Bucharest.",
                "scope": ["carriers": [["carrier": "DHL"]], "destination_postal_prefixes": [["country": "RO", "prefix": "03"]]],
                "expected_end_at": isoTime(Date().addingTimeInterval(86_400)),
            ]
            let declared = try await service.call(.post, "/v1/disruptions", key: merchant.apiKey, json: storm)
            #expect(declared.status == .created && declared["status"] as? String == "active", "\(declared.text)")
            let id = try #require(declared["id"] as? String)
            #expect(try await service.call(.get, "/v1/disruptions/\(id)", key: merchant.apiKey)["extra_days"] as? Int == 3)

            // The declaration re-checked the order in scope itself: the next pass finds nothing to do.
            #expect(declared["affected_orders"] as? Int == 1, "\(declared.text)")
            #expect(try await detect(merchant).changed == 0)
            let held = try await service.call(.get, "/v1/orders/\(inScope)", key: merchant.apiKey)
            let heldBy = try #require(held["declared_disruption"] as? [String: Any], "\(held.text)")
            #expect(heldBy["id"] as? String == id && heldBy["extra_days"] as? Int == 3 && heldBy["cause"] as? String == "weather")
            let alert = try #require(held["alert"] as? [String: Any])
            #expect(alert["reason"] as? String == "declared_disruption" && alert["severity"] as? String == "long_delay")
            let spared = try await service.call(.get, "/v1/orders/\(otherCarrier)", key: merchant.apiKey)
            #expect(spared.status == .ok, "\(spared.text)")
            #expect(spared["declared_disruption"] == nil && spared["alert"] == nil, "another carrier is out of scope: \(spared.text)")

            // The customer hears it first, in their language, with the merchant's own words after.
            let link = try await service.call(.post, "/v1/orders/\(inScope)/customer-links", key: merchant.apiKey, json: [:])
            let token = try #require(link["token"] as? String)
            let english = try await service.call(.get, "/v1/orders/\(inScope)/arrival-estimate", key: token, headers: [.acceptLanguage: "en"])
            let message = try #require(english["message"] as? String, "\(english.text)")
            #expect(message.hasPrefix("Severe weather is delaying deliveries by about 3 days.") && message.hasSuffix(" Snow in Bucharest."), "\(message)")
            #expect((english["alert"] as? [String: Any])?["reason"] as? String == "declared_disruption")
            let spanish = try await service.call(.get, "/v1/orders/\(inScope)/arrival-estimate", key: token, headers: [.acceptLanguage: "es"])
            #expect(spanish["language"] as? String == "es" && spanish["message"] as? String != message)

            // A parcel that enters scope while it is active is held up by its own change.
            let later = try await shipped(service, merchant, carrier: "dhl")
            #expect((try await service.call(.get, "/v1/orders/\(later)", key: merchant.apiKey)["declared_disruption"] as? [String: Any])?["id"] as? String == id)

            let shorter = try await service.call(.patch, "/v1/disruptions/\(id)", key: merchant.apiKey, json: ["extra_days": 1])
            #expect(shorter.status == .ok && shorter["extra_days"] as? Int == 1, "\(shorter.text)")
            _ = try await detect(merchant)
            #expect((try await service.call(.get, "/v1/orders/\(inScope)", key: merchant.apiKey)["declared_disruption"] as? [String: Any])?["extra_days"] as? Int == 1)

            let resolved = try await service.call(.patch, "/v1/disruptions/\(id)", key: merchant.apiKey, json: ["status": "resolved"])
            #expect(resolved.status == .ok && resolved["status"] as? String == "resolved" && resolved["resolved_at"] is String, "\(resolved.text)")
            let again = try await service.call(.patch, "/v1/disruptions/\(id)", key: merchant.apiKey, json: ["status": "resolved"])
            #expect(again.status == .ok && again["updated_at"] as? String == resolved["updated_at"] as? String, "resolving twice changes nothing")
            #expect(try await service.call(.patch, "/v1/disruptions/\(id)", key: merchant.apiKey, json: ["extra_days": 2]).status == .conflict)
            _ = try await detect(merchant)
            let free = try await service.call(.get, "/v1/orders/\(inScope)", key: merchant.apiKey)
            #expect(free.status == .ok, "\(free.text)")
            #expect(free["declared_disruption"] == nil && free["alert"] == nil, "\(free.text)")
            let list = try await service.call(.get, "/v1/disruptions?status=resolved", key: merchant.apiKey)
            #expect((list["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id], "\(list.text)")
            #expect((try await service.call(.get, "/v1/disruptions?status=active", key: merchant.apiKey)["items"] as? [[String: Any]])?.isEmpty == true)

            let merchantEvents = try await service.feedEvents(merchant, typePrefix: "disruption.", atLeast: 2)
            #expect(merchantEvents.compactMap { $0["type"] as? String } == ["disruption.declared", "disruption.resolved"])
            #expect(merchantEvents.allSatisfy { $0["order_id"] == nil && $0["document_version"] == nil && ($0["data"] as? [String: Any])?["disruption_id"] as? String == id })
            let alerts = try await service.feedEvents(merchant, typePrefix: "alert.", order: inScope, atLeast: 2)
            #expect(alerts.compactMap { $0["type"] as? String } == ["alert.opened", "alert.resolved"])
            #expect(alerts.compactMap { ($0["data"] as? [String: Any])?["reason"] as? String } == ["declared_disruption", "declared_disruption"])

            // Another merchant cannot see or change it; a customer token cannot declare one.
            let other = try await service.newMerchant()
            #expect(try await service.call(.get, "/v1/disruptions/\(id)", key: other.apiKey).status == .notFound)
            #expect(try await service.call(.patch, "/v1/disruptions/\(id)", key: other.apiKey, json: ["status": "resolved"]).status == .notFound)
            #expect(try await service.call(.post, "/v1/disruptions", key: token, json: storm).status == .forbidden)
        }
    }

    @Test func aDisruptionEndsByItselfAtItsExpectedEndOnce() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await shipped(service, merchant, carrier: "dhl")
            // An hour ahead, so that it is still active at the first pass however busy the machine;
            // the passes after it run on a clock past its end.
            let end = Date().addingTimeInterval(3600)
            let declared = try await service.call(.post, "/v1/disruptions", key: merchant.apiKey, json: [
                "cause": "strike", "extra_days": 1, "scope": ["destination_countries": ["RO"]], "expected_end_at": isoTime(end)])
            let id = try #require(declared["id"] as? String, "\(declared.text)")
            _ = try await detect(merchant)
            #expect((try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)["alert"] as? [String: Any])?["reason"] as? String == "declared_disruption")
            // Two replicas' passes at once: one resolution, one event.
            _ = try await withThrowingTaskGroup(of: (checked: Int, changed: Int).self) { group in
                for _ in 0..<2 { group.addTask { try await detect(merchant, now: end.addingTimeInterval(1)) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let ended = try await service.call(.get, "/v1/disruptions/\(id)", key: merchant.apiKey)
            #expect(ended["status"] as? String == "resolved" && ended["resolved_at"] as? String == ended["expected_end_at"] as? String, "\(ended.text)")
            let settled = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
            #expect(settled.status == .ok, "\(settled.text)")
            #expect(settled["alert"] == nil, "\(settled.text)")
            // Read where both passes' events are, numbered or not: a second resolution would show.
            #expect(try await outboxEventTypes(merchant, typePrefix: "disruption.") == ["disruption.declared", "disruption.resolved"])
        }
    }

    @Test func aRemedyIsOfferedOnceChosenOnceAndApplied() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let rules: [String: Any] = ["rules": [[
                "reasons": ["declared_disruption"], "offers": [["kind": "discount_code"], ["kind": "discount_percent", "percent": 15]], "valid_days": 7,
            ]]]
            let stored = try await service.call(.put, "/v1/remedy-rules", key: merchant.apiKey, json: rules)
            #expect(stored.status == .ok && (stored["rules"] as? [[String: Any]])?.first?["min_severity"] as? String == "delay", "\(stored.text)")
            let pool = try await service.call(.post, "/v1/remedy-codes", key: merchant.apiKey, json: ["codes": ["SORRY-1", "SORRY-1"]])
            #expect(pool["added"] as? Int == 1 && pool["available"] as? Int == 1, "a code is in the pool once: \(pool.text)")
            let noCodes = try await service.call(.post, "/v1/remedy-codes", key: merchant.apiKey, json: ["codes": [String]()])
            #expect(noCodes.status == .unprocessableContent && noCodes.errorFields == ["codes"], "\(noCodes.text)")
            let orders = [try await shipped(service, merchant, carrier: "dhl"), try await shipped(service, merchant, carrier: "dhl"),
                          try await shipped(service, merchant, carrier: "dhl")]
            let declared = try await service.call(.post, "/v1/disruptions", key: merchant.apiKey, json: [
                "cause": "carrier_delay", "extra_days": 1, "scope": ["carriers": [["carrier": "dhl"]]]])
            #expect(declared.status == .created, "\(declared.text)")
            _ = try await detect(merchant)

            var offers: [(token: String, remedyID: String)] = []
            for order in orders {
                let link = try await service.call(.post, "/v1/orders/\(order)/customer-links", key: merchant.apiKey, json: [:])
                let token = try #require(link["token"] as? String)
                let offered = try await service.call(.get, "/v1/orders/\(order)/remedies", key: token)
                let remedy = try #require((offered["items"] as? [[String: Any]])?.first, "\(offered.text)")
                #expect(remedy["status"] as? String == "offered" && (remedy["offers"] as? [[String: Any]])?.count == 2)
                offers.append((token, try #require(remedy["id"] as? String)))
            }
            let (tokens, remedyIDs) = (offers.map(\.token), offers.map(\.remedyID))
            func choose(_ index: Int, _ kind: String, key: String? = nil) async throws -> Reply {
                try await service.call(.post, "/v1/orders/\(orders[index])/remedies/\(remedyIDs[index])/choice", key: key ?? tokens[index], json: ["kind": kind])
            }

            // A double submit: both answer with the same choice and the one code.
            let twice = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<2 { group.addTask { try await choose(0, "discount_code") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(twice.map(\.status) == [.ok, .ok] && twice.allSatisfy { $0["code"] as? String == "SORRY-1" && $0["status"] as? String == "chosen" },
                    "\(twice.map(\.text))")
            let second = try await choose(0, "discount_percent")
            #expect(second.status == .conflict && (second["detail"] as? String)?.contains("already chosen (discount_code)") == true,
                    "a second, different choice: \(second.text)")
            // The pool is empty now: choosing a code is a conflict, and the offer stays open.
            #expect(try await choose(1, "discount_code").status == .conflict)
            let stillOffered = try await service.call(.get, "/v1/orders/\(orders[1])/remedies", key: tokens[1])
            #expect((stillOffered["items"] as? [[String: Any]])?.first?["status"] as? String == "offered", "nothing half-written: \(stillOffered.text)")
            // Two different choices at once: one wins, the other is a conflict.
            let race = try await withThrowingTaskGroup(of: Int.self) { group in
                for kind in ["discount_percent", "discount_code"] { group.addTask { try await choose(2, kind).status.code } }
                return try await group.reduce(into: []) { $0.append($1) }.sorted()
            }
            #expect(race == [200, 409], "\(race)")
            // Another order's token does not reach this remedy.
            #expect(try await choose(1, "discount_percent", key: tokens[0]).status == .notFound)
            // A postal-code lookup is too easy to guess to act for the buyer, or to see their code.
            let number = "RM-\(UInt32.random(in: 0...UInt32.max))"
            let guessed = try await service.createOrder(merchant, sampleOrder(number: number))
            let weak = try await service.lookUp(merchant.apiKey, ["order_number": number, "postal_code": "030031"])
            let weakToken = try #require(weak["token"] as? String, "\(weak.text)")
            #expect(try await service.call(.post, "/v1/orders/\(guessed)/remedies/\(UUID())/choice", key: weakToken,
                                           json: ["kind": "cancel_and_refund"]).status == .forbidden)
            #expect(try await service.call(.get, "/v1/orders/\(guessed)/remedies", key: weakToken).status == .ok)

            #expect(try await service.call(.post, "/v1/orders/\(orders[1])/remedies/\(remedyIDs[1])/applied", key: merchant.apiKey).status == .conflict,
                    "nothing chosen yet")
            let applied = try await service.call(.post, "/v1/orders/\(orders[0])/remedies/\(remedyIDs[0])/applied", key: merchant.apiKey)
            #expect(applied.status == .ok && applied["status"] as? String == "applied" && applied["applied_at"] is String, "\(applied.text)")
            let document = try await service.call(.get, "/v1/orders/\(orders[0])", key: merchant.apiKey)
            #expect((document["remedies"] as? [[String: Any]])?.first?["choice"] as? String == "discount_code", "\(document.text)")
            let events = try await service.feedEvents(merchant, typePrefix: "remedy.", order: orders[0], atLeast: 3)
            #expect(events.compactMap { $0["type"] as? String } == ["remedy.offered", "remedy.chosen", "remedy.applied"])

            // An offer not chosen in time has expired.
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                try await client.query("UPDATE remedies SET expires_at = now() - interval '1 second' WHERE id = \(try #require(UUID(uuidString: remedyIDs[1])))",
                                       logger: testLogger)
            }
            let late = try await choose(1, "discount_percent")
            #expect(late.status == .conflict && (late["detail"] as? String)?.contains("expired") == true, "\(late.text)")
            let expired = try await service.call(.get, "/v1/orders/\(orders[1])/remedies", key: merchant.apiKey)
            #expect((expired["items"] as? [[String: Any]])?.first?["status"] as? String == "expired")

            let badRules = try await service.call(.put, "/v1/remedy-rules", key: merchant.apiKey, json: ["rules": [
                ["offers": [["kind": "discount_percent"], ["kind": "reship", "percent": 5], ["kind": "reship"]]]]])
            #expect(badRules.status == .unprocessableContent
                    && Set(badRules.errorFields) == ["rules[0].offers", "rules[0].offers[0].percent", "rules[0].offers[1].percent"], "\(badRules.text)")
        }
    }

    @Test func theMerchantsThresholdsAndItsCarriersDeliveryDaysDecideSilence() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            #expect(try await service.call(.get, "/v1/disruption-settings", key: merchant.apiKey)["thresholds"] as? [String: Int]
                    == ["label_created_hours": 24, "in_transit_hours": 48, "out_for_delivery_hours": 24], "the standard ones until set")
            // A carrier that delivers every day, so the test does not depend on the weekday it runs.
            let everyDay = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            let courier = try await service.call(.put, "/v1/carrier-services/dhl/standard", key: merchant.apiKey, json: [
                "pickup_days": everyDay, "delivery_days": everyDay, "baseline_transit": [["country": "RO", "min_days": 1, "max_days": 3]]])
            #expect(courier.status.code / 100 == 2, "\(courier.text)")
            let order = try await service.createOrder(merchant)
            let shipment = try await service.call(.post, "/v1/orders/\(order)/shipments", key: merchant.apiKey, json: [
                "carrier": "dhl", "service_level": "standard", "tracking_number": "TH\(UInt32.random(in: 0...UInt32.max))",
                "lines": [["sku": "TEE", "quantity": 2]]])
            let shipmentID = try #require(shipment["id"] as? String, "\(shipment.text)")
            #expect(try await service.scans(merchant, shipment: shipmentID, [scan("in_transit", isoTime(Date().addingTimeInterval(-3 * 3600)))]).status == .ok)
            #expect(try await detect(merchant).changed == 0, "three hours is no silence by the standard thresholds")

            let settings: [String: Any] = [
                "thresholds": ["label_created_hours": 24, "in_transit_hours": 48, "out_for_delivery_hours": 24],
                "by_service": [["carrier": "DHL", "service_level": "standard",
                                "thresholds": ["label_created_hours": 4, "in_transit_hours": 1, "out_for_delivery_hours": 1]]],
            ]
            let stored = try await service.call(.put, "/v1/disruption-settings", key: merchant.apiKey, json: settings)
            #expect(stored.status == .ok && (stored["by_service"] as? [[String: Any]])?.count == 1, "\(stored.text)")
            #expect(try await detect(merchant).changed == 1, "its open orders are due again, and three hours is now a long delay")
            let alerted = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
            let alert = try #require(alerted["alert"] as? [String: Any], "\(alerted.text)")
            #expect(alert["reason"] as? String == "no_scan" && alert["severity"] as? String == "long_delay")

            let repeated = try await service.call(.put, "/v1/disruption-settings", key: merchant.apiKey, json: [
                "thresholds": ["label_created_hours": 24, "in_transit_hours": 48, "out_for_delivery_hours": 24],
                "by_service": [["carrier": "dhl", "thresholds": ["label_created_hours": 1, "in_transit_hours": 1, "out_for_delivery_hours": 1]],
                               ["carrier": "DHL", "thresholds": ["label_created_hours": 1, "in_transit_hours": 1, "out_for_delivery_hours": 1]]]])
            #expect(repeated.status == .unprocessableContent && repeated.errorFields == ["by_service[1]"], "\(repeated.text)")
            #expect(try await service.call(.put, "/v1/disruption-settings", key: merchant.apiKey, json: [
                "thresholds": ["label_created_hours": 0, "in_transit_hours": 48, "out_for_delivery_hours": 24]]).status.code / 100 == 4)
        }
    }

    @Test func badDeclarationsAreClearClientErrors() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            func declare(_ body: [String: Any]) async throws -> Reply {
                try await service.call(.post, "/v1/disruptions", key: merchant.apiKey, json: body)
            }
            let empty = try await declare(["cause": "weather", "scope": [:]])
            #expect(empty.status == .unprocessableContent && empty.errorFields == ["scope"], "\(empty.text)")
            let unknownKey = try await declare(["cause": "weather", "scope": ["planets": ["Mars"]]])
            #expect(unknownKey.status.code / 100 == 4 && unknownKey.isProblem && unknownKey.text.contains("planets"), "\(unknownKey.text)")
            let backwards = try await declare(["cause": "weather", "scope": ["destination_countries": ["RO"]],
                                               "starts_at": isoTime(Date().addingTimeInterval(7_200)), "expected_end_at": isoTime(Date().addingTimeInterval(3_600))])
            #expect(backwards.status == .unprocessableContent && backwards.errorFields == ["expected_end_at"], "\(backwards.text)")
            let wrong = try await declare(["cause": "weather", "extra_days": 99, "scope": ["shipment_ids": ["not-a-uuid"]]])
            #expect(wrong.status == .unprocessableContent && Set(wrong.errorFields).isSubset(of: ["extra_days", "scope.shipment_ids[0]"])
                    && !wrong.errorFields.isEmpty, "\(wrong.text)")
            let country = try await declare(["cause": "weather", "scope": ["destination_countries": ["XX"]]])
            #expect(country.status == .badRequest && country.text.contains("destination_countries"), "\(country.text)")
            #expect(try await declare(["cause": "volcano", "scope": ["destination_countries": ["RO"]]]).status == .badRequest)
            #expect(try await service.call(.get, "/v1/disruptions/\(UUID())", key: merchant.apiKey).status == .notFound)
            #expect(try await service.call(.get, "/v1/disruptions/nope", key: merchant.apiKey).status == .badRequest)
            let real = try await declare(["cause": "customs", "scope": ["destination_countries": ["RO"]]])
            let id = try #require(real["id"] as? String, "\(real.text)")
            let nothing = try await service.call(.patch, "/v1/disruptions/\(id)", key: merchant.apiKey, json: [:])
            #expect(nothing.status == .unprocessableContent && nothing.errorFields == ["body"], "\(nothing.text)")
            #expect(try await service.call(.patch, "/v1/disruptions/\(id)", key: merchant.apiKey, json: ["status": "over"]).status == .badRequest)
            let list = try await service.call(.get, "/v1/disruptions", key: merchant.apiKey)
            #expect((list["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id], "nothing half-written: \(list.text)")
        }
    }
}
