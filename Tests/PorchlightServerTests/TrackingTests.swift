import Foundation
import HTTPTypes
import Testing

@Suite struct TrackingTests {
    @Test func shipmentsNeverShipMoreThanIsOpen() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.createOrder(merchant)
            let tracking = "T\(UInt32.random(in: 0...UInt32.max))"
            let first = try await service.ship(merchant, order: order, tracking: tracking, lines: [["sku": "TEE", "quantity": 1]])
            #expect(first.status == .created)
            #expect(first["status"] as? String == "pending")

            let fetched = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
            #expect(fetched["status"] as? String == "partially_shipped")

            let tooMany = try await service.ship(merchant, order: order, tracking: tracking + "B", lines: [["sku": "TEE", "quantity": 2], ["sku": "NOPE", "quantity": 1]])
            #expect(tooMany.status == .unprocessableContent)
            #expect(tooMany.errorFields == ["lines[0].quantity", "lines[1].sku"])

            let sameTracking = try await service.ship(merchant, order: order, tracking: tracking, lines: [["sku": "MUG", "quantity": 1]])
            #expect(sameTracking.status == .conflict)
            #expect((sameTracking["detail"] as? String)?.contains(try #require(first["id"] as? String)) == true)

            let found = try await service.call(.get, "/v1/shipments?carrier=DHL&tracking_number=\(tracking)", key: merchant.apiKey)
            #expect((found["items"] as? [[String: Any]])?.first?["id"] as? String == first["id"] as? String)
            let none = try await service.call(.get, "/v1/shipments?carrier=dhl&tracking_number=UNKNOWN", key: merchant.apiKey)
            #expect((none["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func cuttingALineBelowWhatShippedIsRefused() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var order = sampleOrder()
            let id = try await service.createOrder(merchant, order)
            _ = try await service.ship(merchant, order: id, tracking: "CUT\(UInt32.random(in: 0...UInt32.max))", lines: [["sku": "TEE", "quantity": 2]])
            order["lines"] = [["sku": "TEE", "name": "Red tee", "quantity": 1, "unit_price": 4990]]
            let reply = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.errorFields == ["lines[0].quantity"])
        }
    }

    @Test func eventsArriveOutOfOrderAndTwiceYetTheTimelineIsRight() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.createOrder(merchant)
            let shipment = try await service.ship(merchant, order: order, tracking: "EV\(UInt32.random(in: 0...UInt32.max))",
                                                  lines: [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]])
            let shipmentID = try #require(shipment["id"] as? String)

            let late = try await service.scans(merchant, shipment: shipmentID, [
                scan("out_for_delivery", "2026-11-21T08:00:00Z", id: "e3"),
                scan("in_transit", "2026-11-20T10:00:00+02:00", id: "e1"),
            ])
            #expect(late.status == .ok)
            #expect(late["recorded"] as? Int == 2)
            #expect((late["shipment"] as? [String: Any])?["status"] as? String == "out_for_delivery")

            let again = try await service.scans(merchant, shipment: shipmentID, [
                scan("in_transit", "2026-11-20T10:00:00+02:00", id: "e1"),
                scan("delivered", "2026-11-21T12:00:00Z"),
                scan("delivered", "2026-11-21T12:00:00Z"),
                scan("in_transit", "2026-11-21T13:00:00Z", id: "late-scan"),
            ])
            #expect(again["received"] as? Int == 4)
            #expect(again["recorded"] as? Int == 2)
            #expect(again["duplicates"] as? Int == 2)
            let current = again["shipment"] as? [String: Any] ?? [:]
            #expect(current["status"] as? String == "delivered")
            #expect(current["delivered_at"] as? String == "2026-11-21T12:00:00.000Z")
            #expect(current["shipped_at"] as? String == "2026-11-20T08:00:00.000Z")
            let timeline = (current["events"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
            #expect(timeline == ["in_transit", "out_for_delivery", "delivered", "in_transit"])

            let fetched = try await service.call(.get, "/v1/orders/\(order)", key: merchant.apiKey)
            #expect(fetched["status"] as? String == "delivered")
            let lines = fetched["lines"] as? [[String: Any]] ?? []
            #expect(lines.map { $0["delivered_quantity"] as? Int } == [2, 1])
        }
    }

    @Test func badEventsAreRefusedWhole() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.createOrder(merchant)
            let shipment = try await service.ship(merchant, order: order, tracking: "BAD\(UInt32.random(in: 0...UInt32.max))", lines: [["sku": "MUG", "quantity": 1]])
            let shipmentID = try #require(shipment["id"] as? String)
            let reply = try await service.scans(merchant, shipment: shipmentID, [
                scan("in_transit", "2026-11-20T10:00:00Z", id: "ok-1"),
                scan("in_transit", "2099-01-01T00:00:00Z"),
            ])
            #expect(reply.status == .unprocessableContent)
            #expect(reply.errorFields == ["events[1].occurred_at"])
            let unknownStatus = try await service.scans(merchant, shipment: shipmentID, [scan("teleported", "2026-11-20T10:00:00Z")])
            #expect(unknownStatus.status == .badRequest)
            let fetched = try await service.call(.get, "/v1/shipments/\(shipmentID)", key: merchant.apiKey)
            #expect((fetched["events"] as? [Any])?.isEmpty == true)
            #expect(try await service.scans(merchant, shipment: UUID().uuidString, [scan("in_transit", "2026-11-20T10:00:00Z")]).status == .notFound)
        }
    }
}
