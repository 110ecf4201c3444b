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
}
