import Foundation
import HTTPTypes
import PorchlightAPI
import PorchlightCore
@testable import PorchlightServer
@testable import PorchlightStore
import PostgresNIO
import Testing

/// The write path: every change is one transaction that stores the order's document with a new
/// version and appends the change's events; reads send the stored document.
@Suite struct WritePathTests {
    @Test func everyChangeEmitsItsEventsOnceAndAChangeThatChangesNothingEmitsNone() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var feed = FeedReader(service: service, merchant: merchant)
            var order = sampleOrder()
            let orderID = try await service.createOrder(merchant, order)
            #expect(try await feed.nextChange() == ["order.created"])

            // Nothing changes: no write, no version, no event (the next change's events carry version 2).
            let same = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(same.status == .ok)
            #expect(same["version"] as? Int == 1)

            order["customer"] = ["email": "ana@example.com", "name": "Ana Popescu-Ionescu", "locale": "ro"]
            let renamed = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(renamed["version"] as? Int == 2)
            #expect(try await feed.nextChange() == ["order.updated"])
            #expect(feed.last["data"].flatMap { ($0 as? [String: Any])?["changed"] as? [String] } == ["customer"])

            let shipment = try await service.ship(merchant, order: orderID, tracking: "WP\(UInt32.random(in: 0...UInt32.max))",
                                                  lines: [["sku": "TEE", "quantity": 1]])
            let shipmentID = try #require(shipment["id"] as? String)
            #expect(try await feed.nextChange() == ["order.status_changed", "shipment.created"])

            // (Recent scans: a parcel silent for two working days would be a disruption, with its own events.)
            let moving = [scan("in_transit", isoTime(Date().addingTimeInterval(-7200)), id: "wp-1")]
            _ = try await service.scans(merchant, shipment: shipmentID, moving)
            #expect(try await feed.nextChange() == ["shipment.status_changed"])
            let again = try await service.scans(merchant, shipment: shipmentID, moving)
            #expect(again["duplicates"] as? Int == 1)
            #expect((again["shipment"] as? [String: Any])?["status"] as? String == "in_transit")

            let cancelled = try await service.call(.post, "/v1/orders/\(orderID)/cancellations", key: merchant.apiKey,
                                                   json: ["reason": "out_of_stock"])
            #expect(cancelled.status == .ok)
            #expect(try await feed.nextChange() == ["order.cancelled", "order.status_changed"])

            _ = try await service.scans(merchant, shipment: shipmentID, [scan("delivered", isoTime(Date().addingTimeInterval(-3600)), id: "wp-2")])
            #expect(try await feed.nextChange() == ["order.status_changed", "shipment.status_changed"])
            let delivered = try await service.call(.get, "/v1/orders/\(orderID)", key: merchant.apiKey)
            #expect(delivered["status"] as? String == "delivered")
            #expect(delivered["version"] as? Int == feed.lastVersion)
        }
    }

    @Test func promiseEventsFollowTheOrderFromCheckoutToDoorstep() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)
            var feed = FeedReader(service: service, merchant: merchant)
            let quoted = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                                json: ["location": "BUC-1", "destination": ["country": "RO", "region": "CJ"]])
            var order = sampleOrder()
            order["delivery"] = ["quote_id": try #require(quoted["id"] as? String), "option_id": "fan_courier:express"]
            let orderID = try await service.createOrder(merchant, order)
            #expect(try await feed.nextChange() == ["order.created", "promise.recorded"])

            let shipment = try await service.call(.post, "/v1/orders/\(orderID)/shipments", key: merchant.apiKey, json: [
                "carrier": "fan_courier", "service_level": "express", "tracking_number": "PE\(UInt32.random(in: 0...UInt32.max))",
                "lines": [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]],
            ])
            let shipmentID = try #require(shipment["id"] as? String)
            #expect(try await feed.nextChange() == ["order.status_changed", "shipment.created"])

            let now = Date()
            _ = try await service.scans(merchant, shipment: shipmentID, [scan("exception", isoTime(now.addingTimeInterval(-60)))])
            // Whether the estimate's window moves too depends on today's date; the rest is certain.
            let troubled = try await feed.nextChange().filter { $0 != "estimate.changed" }
            #expect(troubled == ["alert.opened", "order.status_changed", "promise.at_risk", "shipment.status_changed"])

            _ = try await service.scans(merchant, shipment: shipmentID, [scan("delivered", isoTime(now))])
            #expect(try await feed.nextChange() == ["alert.resolved", "order.status_changed", "promise.kept", "shipment.status_changed"])
        }
    }

    @Test func concurrentChangesToOneOrderEachGetTheirOwnVersionAndEvents() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let orderID = try await service.createOrder(merchant)
            let shipment = try await service.ship(merchant, order: orderID, tracking: "CC\(UInt32.random(in: 0...UInt32.max))",
                                                  lines: [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]])
            let shipmentID = try #require(shipment["id"] as? String)
            let batches = 8
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<batches {
                    group.addTask {
                        let status = index.isMultiple(of: 2) ? "in_transit" : "exception"
                        let reply = try await service.scans(merchant, shipment: shipmentID,
                                                            [scan(status, "2026-11-21T0\(index):00:00Z", id: "cc-\(index)")])
                        #expect(reply.status == .ok, "\(reply.text)")
                    }
                }
                try await group.waitForAll()
            }
            let order = try await service.call(.get, "/v1/orders/\(orderID)", key: merchant.apiKey)
            let events = try #require((order["shipments"] as? [[String: Any]])?.first?["events"] as? [[String: Any]])
            #expect(events.count == batches)
            // Every batch was a change with its own version (a batch whose event is older than the
            // ones before it may change nothing a merchant sees, and emit no event).
            #expect(order["version"] as? Int == 2 + batches)
            let feed = try await service.call(.get, "/v1/events?limit=500", key: merchant.apiKey)
            let items = try #require(feed["items"] as? [[String: Any]])
            let versions = Set(items.compactMap { $0["document_version"] as? Int })
            #expect(versions.isSuperset(of: [1, 2, 3]) && versions.isSubset(of: Set(1...(2 + batches))))
            let perChange = Dictionary(grouping: items) { "\($0["document_version"] ?? "")/\($0["type"] ?? "")" }
            #expect(perChange.values.allSatisfy { $0.count == 1 })
        }
    }

    @Test func anIdenticalUpsertWithFractionalTimesChangesNothing() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            // 2008-08-01T12:00:00.029Z is one of the instants a single round trip through
            // PostgreSQL does not settle (it comes back a microsecond lower each of two times).
            for placedAt in ["2026-11-20T09:30:00.123Z", "2026-11-20T09:30:00.1234567+02:00", "2008-08-01T12:00:00.029Z"] {
                var order = sampleOrder()
                order["placed_at"] = placedAt
                _ = try await service.createOrder(merchant, order)
                let again = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
                #expect(again.status == .ok)
                #expect(again["version"] as? Int == 1, "\(placedAt)")
            }
        }
    }

    @Test func theFeedMissesNothingWhileWritersRun() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let writers = 6, ordersEach = 8
            var seen: [[String: Any]] = []
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<writers {
                    group.addTask {
                        for _ in 0..<ordersEach { _ = try await service.createOrder(merchant) }
                    }
                }
                // Read in small pages while the writers run, remembering only the last sequence.
                var after = 0
                // Generous: the whole suite runs at once on two cores, and an event is numbered only once
                // every older transaction in the cluster has finished.
                try await eventually("every event read", timeout: .seconds(90)) {
                    let page = try await service.call(.get, "/v1/events?after=\(after)&limit=5", key: merchant.apiKey)
                    seen += try #require(page["items"] as? [[String: Any]], "\(page.text)")
                    after = page["next_after"] as? Int ?? after
                    return seen.count
                } until: { $0 >= writers * ordersEach }
                try await group.waitForAll()
            }
            let sequences = seen.compactMap { $0["sequence"] as? Int }
            #expect(sequences == Array(1...(writers * ordersEach)))
            #expect(Set(seen.compactMap { $0["order_id"] as? String }).count == writers * ordersEach)
            let rest = try await service.call(.get, "/v1/events?after=\(sequences.last ?? 0)", key: merchant.apiKey)
            #expect((rest["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func theFeedFiltersByTypeAndOrderAndRefusesBadParameters() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let first = try await service.createOrder(merchant)
            let second = try await service.createOrder(merchant)
            _ = try await service.ship(merchant, order: second, tracking: "FF\(UInt32.random(in: 0...UInt32.max))", lines: [["sku": "MUG", "quantity": 1]])
            // Two orders created, one shipped (and so partially shipped): four events, once visible.
            #expect(try await service.feedEvents(merchant, atLeast: 4).count == 4)

            let shipped = try await service.call(.get, "/v1/events?types=shipment.created,order.status_changed", key: merchant.apiKey)
            let types = try #require(shipped["items"] as? [[String: Any]]).compactMap { $0["type"] as? String }
            #expect(types == ["order.status_changed", "shipment.created"])
            let ofFirst = try await service.call(.get, "/v1/events?order_id=\(first)", key: merchant.apiKey)
            #expect(try #require(ofFirst["items"] as? [[String: Any]]).compactMap { $0["order_id"] as? String } == [first])

            let otherMerchant = try await service.newMerchant()
            let foreign = try await service.call(.get, "/v1/events", key: otherMerchant.apiKey)
            #expect((foreign["items"] as? [Any])?.isEmpty == true)

            for bad in ["after=-1", "limit=0", "limit=501", "types=order.exploded", "order_id=nope"] {
                let reply = try await service.call(.get, "/v1/events?\(bad)", key: merchant.apiKey)
                #expect(reply.status == .badRequest, "\(bad): \(reply.text)")
            }
        }
    }

    @Test func theStoredDocumentIsWhatTheRowsGiveAfterEveryKindOfChange() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)
            let quoted = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                                json: ["location": "BUC-1", "destination": ["country": "RO", "region": "CJ"]])
            var order = sampleOrder()
            order["delivery"] = ["quote_id": try #require(quoted["id"] as? String), "option_id": "fan_courier:express"]
            let orderID = try await service.createOrder(merchant, order)
            try await expectStoredDocumentIsFresh(service, merchant, orderID)

            order["lines"] = [["sku": "TEE", "name": "Red tee", "quantity": 3, "unit_price": 4990],
                              ["sku": "MUG", "name": "Mug", "quantity": 1, "unit_price": 2990]]
            _ = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            try await expectStoredDocumentIsFresh(service, merchant, orderID)

            let shipment = try await service.call(.post, "/v1/orders/\(orderID)/shipments", key: merchant.apiKey, json: [
                "carrier": "fan_courier", "service_level": "express", "tracking_number": "SD\(UInt32.random(in: 0...UInt32.max))",
                "lines": [["sku": "TEE", "quantity": 2]],
            ])
            let shipmentID = try #require(shipment["id"] as? String)
            try await expectStoredDocumentIsFresh(service, merchant, orderID)

            let now = Date()
            // A location with every field: the rows give each back.
            var located = scan("in_transit", isoTime(now.addingTimeInterval(-120)), id: "sd-1")
            located["location"] = ["city": "Cluj-Napoca", "region": "CJ", "postal_code": "400001", "country": "RO"]
            _ = try await service.scans(merchant, shipment: shipmentID, [located, scan("out_for_delivery", isoTime(now.addingTimeInterval(-60)))])
            try await expectStoredDocumentIsFresh(service, merchant, orderID)

            _ = try await service.call(.post, "/v1/orders/\(orderID)/cancellations", key: merchant.apiKey, json: ["reason": "customer_request"])
            try await expectStoredDocumentIsFresh(service, merchant, orderID)

            _ = try await service.scans(merchant, shipment: shipmentID, [scan("delivered", isoTime(now))])
            let delivered = try await expectStoredDocumentIsFresh(service, merchant, orderID)
            #expect(delivered.promise?.outcome == .kept)
            #expect(delivered.version == 6)

            // The shipment read is the stored shipment document, in the contract's shape too.
            let read = try await service.call(.get, "/v1/shipments/\(shipmentID)", key: merchant.apiKey)
            let decoded = try ContractJSON.decode(Components.Schemas.Shipment.self, from: Data(read.text.utf8))
            #expect(decoded.status == .delivered)
            #expect(decoded.events.count == 3)
        }
    }

    @Test func eachShipmentIsReadAsSplicedIntoItsOrdersDocument() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let orderID = try await service.createOrder(merchant)
            let tee = try await service.ship(merchant, order: orderID, tracking: "SP\(UInt32.random(in: 0...UInt32.max))",
                                             lines: [["sku": "TEE", "quantity": 2]])
            let mugTracking = "SP\(UInt32.random(in: 0...UInt32.max))"
            let mug = try await service.ship(merchant, order: orderID, tracking: mugTracking, lines: [["sku": "MUG", "quantity": 1]])
            let (teeID, mugID) = (try #require(tee["id"] as? String), try #require(mug["id"] as? String))
            _ = try await service.scans(merchant, shipment: mugID, [scan("in_transit", isoTime(Date().addingTimeInterval(-60)))])

            let order = try await service.call(.get, "/v1/orders/\(orderID)", key: merchant.apiKey)
            for (id, status) in [(teeID, "pending"), (mugID, "in_transit")] {
                let read = try await service.call(.get, "/v1/shipments/\(id)", key: merchant.apiKey)
                #expect(read.status == .ok && read["id"] as? String == id && read["status"] as? String == status, "\(read.text)")
                #expect(order.text.contains(read.text), "the shipment's text is the one inside its order's")
                #expect(read.headers[.eTag] == order.headers[.eTag], "the order's version tags its shipments")
            }
            // Another order's shipment with the mug's tracking number names the mug's, found the same way.
            let other = try await service.createOrder(merchant)
            let again = try await service.ship(merchant, order: other, tracking: mugTracking, lines: [["sku": "TEE", "quantity": 1]])
            #expect(again.status == .conflict && again.text.contains(mugID), "\(again.text)")
        }
    }

    /// The load reads an order's lines as an array per column: each line keeps its own optional
    /// fields, in its position (not in the order of the skus).
    @Test func anOrdersLinesAreLoadedInTheirPositionsWithTheirOwnFields() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var order = sampleOrder()
            order["lines"] = [
                ["sku": "ZED", "name": "Zed scarf", "quantity": 1, "unit_price": 1990, "category": "scarves"],
                ["sku": "ABC", "name": "Abc socks", "quantity": 2, "unit_price": 990,
                 "image_url": "https://shop.example/abc.png", "product_url": "https://shop.example/abc"],
                ["sku": "MID", "name": "Mid cap", "quantity": 1, "unit_price": 1490, "category": "caps", "product_url": "https://shop.example/mid"],
            ]
            let orderID = try await service.createOrder(merchant, order)
            // A change: its document is built from the lines as loaded.
            let shipped = try await service.ship(merchant, order: orderID, tracking: "LN\(UInt32.random(in: 0...UInt32.max))",
                                                 lines: [["sku": "ABC", "quantity": 2]])
            #expect(shipped.status == .created, "\(shipped.text)")
            let loaded = try await expectStoredDocumentIsFresh(service, merchant, orderID)
            #expect(loaded.lines.map(\.sku) == ["ZED", "ABC", "MID"])
            #expect(loaded.lines.map(\.quantity) == [1, 2, 1])
            #expect(loaded.lines.map(\.category) == ["scarves", nil, "caps"])
            #expect(loaded.lines.map(\.imageUrl) == [nil, "https://shop.example/abc.png", nil])
            #expect(loaded.lines.map(\.productUrl) == [nil, "https://shop.example/abc", "https://shop.example/mid"])
        }
    }

    @Test func migrateBuildsTheDocumentsOfOrdersStoredWithoutThem() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let orderID = try await service.createOrder(merchant)
            let shipment = try await service.ship(merchant, order: orderID, tracking: "BF\(UInt32.random(in: 0...UInt32.max))",
                                                  lines: [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]])
            let shipmentID = try #require(shipment["id"] as? String)
            _ = try await service.scans(merchant, shipment: shipmentID, [scan("delivered", "2026-11-22T08:00:00Z")])
            let before = try await service.call(.get, "/v1/orders/\(orderID)", key: merchant.apiKey)

            // As an order stored before documents were: rows only, derived columns not yet filled.
            let id = try #require(UUID(uuidString: orderID))
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                try await client.query("DELETE FROM order_documents WHERE order_id = \(id)", logger: testLogger)
                try await client.query("UPDATE orders SET subtotal = 0, item_count = 0 WHERE id = \(id)", logger: testLogger)
                try await migrate(client: client, logger: testLogger)
            }
            let rebuilt = try await expectStoredDocumentIsFresh(service, merchant, orderID)
            #expect(rebuilt.version == 1)
            let after = try await service.call(.get, "/v1/orders/\(orderID)", key: merchant.apiKey)
            var expected = before.json, actual = after.json
            for key in ["version"] { expected[key] = nil; actual[key] = nil }
            #expect(NSDictionary(dictionary: actual).isEqual(to: expected))
            let listed = try await service.call(.get, "/v1/orders?order_number=\(after["order_number"] as? String ?? "")", key: merchant.apiKey)
            #expect((listed["items"] as? [[String: Any]])?.first?["subtotal"] as? Int == 12970)
            let read = try await service.call(.get, "/v1/shipments/\(shipmentID)", key: merchant.apiKey)
            #expect(read["status"] as? String == "delivered")
        }
    }

    @Test func aRetryAfterACrashBetweenCommitAndReplyReplaysInsteadOfRedoing() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let key = UUID().uuidString
            let order = sampleOrder()
            let body = try JSONSerialization.data(withJSONObject: order)

            // The first attempt does what the middleware and handler do, up to the commit of the
            // work, and then "crashes": nothing after the transaction runs, no reply is sent.
            let merchantID = MerchantID(try #require(UUID(uuidString: merchant.id)))
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                let database = Database(client: client)
                let fingerprint = IdempotencyMiddleware.fingerprint(operationID: Operations.UpsertOrder.id, path: "/v1/orders", body: body)
                guard case .claimed(let claim) = try await IdempotencyStore(database: database).claim(
                    key: key, fingerprint: fingerprint, merchant: merchantID, logger: testLogger)
                else { Issue.record("the key was not claimed"); return }
                let draft = try OrderDraft(ContractJSON.decode(Components.Schemas.OrderInput.self, from: body))
                _ = try await OrderStore(database: database).upsert(
                    draft, merchant: merchantID,
                    idempotency: IdempotentWrite(claim: claim) { PreparedResponse.upserted($0.0, $0.1).response }, logger: testLogger)
            }

            let retry = try await service.call(.post, "/v1/orders", key: merchant.apiKey, raw: String(decoding: body, as: UTF8.self),
                                               headers: [.init("Idempotency-Key")!: key])
            #expect(retry.status == .created)
            #expect(retry.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(retry["version"] as? Int == 1)
            #expect(try await service.feedEvents(merchant, atLeast: 1).compactMap { $0["type"] as? String } == ["order.created"])
        }
    }

    @Test func storedValueChecksMatchTheCoreEnums() async throws {
        let checks = try await withDatabase(url: databaseURL, logger: testLogger) { client in
            try await migrate(client: client, logger: testLogger)  // this test may run before any service started
            return try await client.query("""
                SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
                WHERE conname::text LIKE '%_known' OR conname::text = 'events_type_check'
                """, logger: testLogger).collect().map { try $0.decode((String, String).self) }
        }
        func allowed(_ constraint: String) -> Set<String> {
            guard let definition = checks.first(where: { $0.0 == constraint })?.1 else { return [] }
            return Set(definition.matches(of: /'([a-z_.]+)'/).map { String($0.output.1) })
        }
        func raw<Value: CaseIterable & RawRepresentable<String>>(_ type: Value.Type) -> Set<String> { Set(type.allCases.map(\.rawValue)) }
        #expect(allowed("orders_status_known") == raw(OrderStatus.self))
        #expect(allowed("orders_channel_known") == raw(ChannelType.self))
        #expect(allowed("orders_cancellation_reason_known") == raw(CancellationReason.self))
        #expect(allowed("shipments_status_known") == raw(TrackingStatus.self))
        #expect(allowed("shipments_substatus_known") == raw(TrackingSubstatus.self))
        #expect(allowed("shipments_estimate_basis_known") == raw(EstimateBasis.self))
        #expect(allowed("delivery_promises_basis_known") == raw(EstimateBasis.self))
        #expect(allowed("tracking_events_status_known") == raw(TrackingStatus.self).subtracting(["pending"]))
        #expect(allowed("tracking_events_substatus_known") == raw(TrackingSubstatus.self))
        #expect(allowed("events_type_check") == raw(EventType.self))
        #expect(allowed("webhook_endpoints_disabled_reason_known") == raw(WebhookDisabledReason.self))
        #expect(allowed("webhook_deliveries_status_known") == raw(WebhookDeliveryStatus.self))
        #expect(allowed("message_templates_kind_known") == raw(MessageKind.self))
        #expect(allowed("notifications_kind_known") == raw(MessageKind.self))
        #expect(allowed("notifications_channel_known") == raw(MessageChannel.self))
        #expect(allowed("notifications_status_known") == raw(NotificationStatus.self))
        #expect(allowed("notifications_reason_known") == raw(SuppressionReason.self))
        #expect(allowed("message_opt_outs_reason_known") == raw(OptOutReason.self))
        #expect(allowed("message_opt_outs_kind_known") == raw(MessageKind.self))  // and '', every kind
        #expect(checks.count == 19)
    }

    @Test func anAbandonedClaimLapsesAndItsLateWorkCannotCommit() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let merchantID = MerchantID(try #require(UUID(uuidString: merchant.id)))
            let order = sampleOrder()
            let body = try JSONSerialization.data(withJSONObject: order)
            let key = UUID().uuidString
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                let database = Database(client: client)
                let store = IdempotencyStore(database: database)
                let fingerprint = IdempotencyMiddleware.fingerprint(operationID: Operations.UpsertOrder.id, path: "/v1/orders", body: body)
                guard case .claimed(let first) = try await store.claim(key: key, fingerprint: fingerprint, merchant: merchantID, logger: testLogger)
                else { Issue.record("the key was not claimed"); return }
                guard case .inProgress = try await store.claim(key: key, fingerprint: fingerprint, merchant: merchantID, logger: testLogger)
                else { Issue.record("a fresh claim was taken over"); return }
                // The first request went quiet for two minutes: its claim lapses and a retry takes the key.
                try await client.query("UPDATE idempotency_keys SET created_at = now() - interval '2 minutes' WHERE key = \(key)", logger: testLogger)
                guard case .claimed(let second) = try await store.claim(key: key, fingerprint: fingerprint, merchant: merchantID, logger: testLogger)
                else { Issue.record("the lapsed claim was not taken over"); return }
                #expect(second != first)
                // Should the first request wake up, its work cannot commit under the lapsed claim.
                let draft = try OrderDraft(ContractJSON.decode(Components.Schemas.OrderInput.self, from: body))
                await #expect(throws: DomainError.self) {
                    _ = try await OrderStore(database: database).upsert(
                        draft, merchant: merchantID,
                        idempotency: IdempotentWrite(claim: first) { PreparedResponse.upserted($0.0, $0.1).response }, logger: testLogger)
                }
            }
            let listed = try await service.call(.get, "/v1/orders?order_number=\(order["order_number"] as? String ?? "")", key: merchant.apiKey)
            #expect((listed["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func unknownStoredValuesAreRefusedOnTheWayInAndFailLoudlyOnTheWayOut() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let orderID = try #require(UUID(uuidString: try await service.createOrder(merchant)))
            let merchantID = MerchantID(try #require(UUID(uuidString: merchant.id)))
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                await #expect(throws: PSQLError.self) {
                    try await client.query("UPDATE orders SET status = 'teleported' WHERE id = \(orderID)", logger: testLogger)
                }
                // Should a value get past the check (an older build, a manual fix), loading fails
                // instead of guessing. The check is lifted only inside a transaction rolled back.
                try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: testLogger)
                    try await connection.query("ALTER TABLE orders DROP CONSTRAINT orders_status_known", logger: testLogger)
                    try await connection.query("UPDATE orders SET status = 'teleported' WHERE id = \(orderID)", logger: testLogger)
                    await #expect(throws: StoredValue.Unknown.self) {
                        _ = try await OrderAggregates.load(orderID, merchant: merchantID, on: connection, logger: testLogger)
                    }
                    try await connection.query("ROLLBACK", logger: testLogger)
                }
            }
            let unchanged = try await service.call(.get, "/v1/orders/\(orderID.apiText)", key: merchant.apiKey)
            #expect(unchanged["status"] as? String == "processing")
        }
    }

    /// The feed keeps events 30 days, and longer while an enabled endpoint or the message planner
    /// has not passed them; each merchant's newest event stays, so numbering goes on after it.
    @Test func oldEventsLeaveTheFeedOnceEveryReaderHasPassedThem() async throws {
        // A database of its own, and a moved clock: no dispatcher or planner, this service's or
        // another test's, moves the positions set below.
        try await withOwnDatabase { url in try await withService(url: url, clock: TestClock(weekday: 2, hour: 12, in: .gmt)) { service in
            let (merchant, other, unread) = (try await service.newMerchant(), try await service.newMerchant(), try await service.newMerchant())
            for _ in 1...5 { _ = try await service.createOrder(merchant) }
            _ = try await service.createOrder(other)
            // Nothing reads this merchant's feed before the purge: its events have no numbers yet.
            for _ in 1...2 { _ = try await service.createOrder(unread) }
            #expect(try await service.feedEvents(merchant, atLeast: 5).compactMap { $0["sequence"] as? Int } == [1, 2, 3, 4, 5])
            #expect(try await service.feedEvents(other, atLeast: 1).count == 1)
            let created = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey, json: ["url": "https://hooks.example.com/"])
            let endpointID = try #require(UUID(uuidString: created["id"] as? String ?? ""), "\(created.text)")
            let (merchantID, otherID) = (try #require(UUID(uuidString: merchant.id)), try #require(UUID(uuidString: other.id)))
            // Every purge once, as `porchlight purge` runs them (and the service every ten minutes).
            func purge() async throws {
                let purged = try await purgeExpired(databaseURL: url, logger: testLogger)
                #expect(purged.contains { $0.name == "feed events" && $0.rows != nil }, "\(purged)")
            }
            func sequences(_ of: TestMerchant) async throws -> [Int] {
                try #require(try await service.call(.get, "/v1/events", key: of.apiKey)["items"] as? [[String: Any]]).compactMap { $0["sequence"] as? Int }
            }
            try await withDatabase(url: url, logger: testLogger) { client in
                // Events 1-3 and the other merchant's only one happened 31 days ago; events 4 and 5 today.
                try await client.query("""
                    UPDATE events SET occurred_at = CASE WHEN sequence <= 3 OR merchant_id = \(otherID) THEN now() - interval '31 days' ELSE now() END
                    WHERE merchant_id IN (\(merchantID), \(otherID))
                    """, logger: testLogger)
                try await client.query("""
                    UPDATE events SET occurred_at = now() - interval '31 days' WHERE merchant_id = \(try #require(UUID(uuidString: unread.id)))
                    """, logger: testLogger)
                // The endpoint has been given events up to 1, the planner up to 2.
                try await client.query("UPDATE webhook_endpoints SET feed_position = 1 WHERE id = \(endpointID)", logger: testLogger)
                try await client.query("""
                    INSERT INTO message_settings (merchant_id, settings, feed_position, switched_on_at, updated_at)
                    VALUES (\(merchantID), '{"kinds": ["shipped"]}', 2, now(), now())
                    """, logger: testLogger)
            }
            try await purge()
            #expect(try await sequences(merchant) == [2, 3, 4, 5], "the endpoint still needs 2 on")
            #expect(try await sequences(other) == [1], "a merchant's newest event stays")
            #expect(try await sequences(unread) == [2], "old events nobody read are numbered, then purged")

            try await withDatabase(url: url, logger: testLogger) { client in
                try await client.query("UPDATE webhook_endpoints SET disabled_reason = 'merchant', disabled_at = now() WHERE id = \(endpointID)", logger: testLogger)
            }
            try await purge()
            #expect(try await sequences(merchant) == [3, 4, 5], "the planner still needs 3 on; a disabled endpoint holds nothing")

            try await withDatabase(url: url, logger: testLogger) { client in
                try await client.query("""
                    UPDATE message_settings SET settings = '{"kinds": []}' WHERE merchant_id = \(merchantID)
                    """, logger: testLogger)
            }
            // Batches of one: the first batch's only candidate, event 3, is old, so it goes
            // although the young event 4 lies beyond it; the second finds 4 and deletes nothing.
            let batches = try await withDatabase(url: url, logger: testLogger) { client in
                let feed = EventFeed(database: Database(client: client))
                return [try await feed.purgeExpired(limit: 1, logger: testLogger), try await feed.purgeExpired(limit: 1, logger: testLogger)]
            }
            #expect(batches == [1, 0])
            #expect(try await sequences(merchant) == [4, 5], "events 4 and 5 are young")

            // Numbering goes on after the newest event, for both.
            _ = try await service.createOrder(merchant)
            _ = try await service.createOrder(other)
            #expect(try await service.feedEvents(merchant, atLeast: 3).compactMap { $0["sequence"] as? Int } == [4, 5, 6])
            #expect(try await service.feedEvents(other, atLeast: 2).compactMap { $0["sequence"] as? Int } == [1, 2])

            // An old event after a young one stays, in a batch that reaches past both: event 5,
            // made old, is not before the first young event (4).
            try await withDatabase(url: url, logger: testLogger) { client in
                try await client.query("""
                    UPDATE events SET occurred_at = now() - interval '31 days' WHERE merchant_id = \(merchantID) AND sequence = 5
                    """, logger: testLogger)
            }
            try await purge()
            #expect(try await sequences(merchant) == [4, 5, 6])
        } }
    }
}

/// Reads the merchant's feed one change at a time. A change's events commit together but appear
/// in the feed only once every transaction that started before it has finished (other tests'
/// too), so the reader waits for them.
struct FeedReader {
    let service: Service
    let merchant: TestMerchant
    var after = 0
    var buffered: [[String: Any]] = []
    var last: [String: Any] = [:]
    var lastVersion = 0

    init(service: Service, merchant: TestMerchant) {
        self.service = service
        self.merchant = merchant
    }

    /// The sorted types of the next change's events, which must carry the next document version:
    /// so a change that emitted nothing and kept its version leaves no trace in between.
    mutating func nextChange() async throws -> [String] {
        if buffered.isEmpty {
            let page = try await eventually("the next change's events") {
                try await service.call(.get, "/v1/events?after=\(after)", key: merchant.apiKey)
            } until: { ($0["items"] as? [[String: Any]])?.isEmpty == false }
            buffered = try #require(page["items"] as? [[String: Any]], "\(page.text)")
            after = page["next_after"] as? Int ?? after
        }
        let version = try #require(buffered.first?["document_version"] as? Int)
        #expect(version == lastVersion + 1, "events out of step: \(buffered)")
        let change = buffered.prefix { $0["document_version"] as? Int == version }
        buffered.removeFirst(change.count)
        last = try #require(change.last)
        lastVersion = version
        return change.compactMap { $0["type"] as? String }.sorted()
    }
}

/// The stored document is exactly what Core builds from the order's rows now, the read sends it
/// as stored, and it decodes as the contract's `Order`. Returns the rows as loaded.
@discardableResult
func expectStoredDocumentIsFresh(_ service: Service, _ merchant: TestMerchant, _ orderID: String) async throws -> OrderRecord {
    let id = try #require(UUID(uuidString: orderID))
    let merchantID = MerchantID(try #require(UUID(uuidString: merchant.id)))
    let (stored, fresh) = try await withDatabase(url: databaseURL, logger: testLogger) { client in
        try await client.withConnection { connection in
            let stored = try await connection.query(
                "SELECT document::text FROM order_documents WHERE order_id = \(id)", logger: testLogger).collect()
                .decode(String.self).first
            var fresh = try await OrderAggregates.load(id, merchant: merchantID, on: connection, logger: testLogger)
            fresh?.order.settle(now: Date())
            return (stored, fresh)
        }
    }
    let loaded = try #require(fresh)
    let record = loaded.order
    #expect(try stored == OrderDocument(record, context: loaded.context).json())
    let read = try await service.call(.get, "/v1/orders/\(orderID)", key: merchant.apiKey)
    #expect(read.text == stored)
    let decoded = try ContractJSON.decode(Components.Schemas.Order.self, from: Data(read.text.utf8))
    #expect(decoded.version == record.version)
    return record
}
