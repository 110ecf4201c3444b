import Foundation
import HTTPTypes
import PorchlightAPI
import PorchlightCore
@testable import PorchlightStore
@testable import PorchlightServer
import Testing

@Suite struct WebhookTests {
    /// Creates an endpoint for the receiver and returns its id and secret.
    func subscribe(_ service: Service, _ merchant: TestMerchant, _ receiver: WebhookReceiver,
                   types: [String]? = nil) async throws -> (id: String, secret: String) {
        var body: [String: Any] = ["url": receiver.url, "description": "test receiver"]
        if let types { body["event_types"] = types }
        let created = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey, json: body)
        #expect(created.status == .created, "\(created.text)")
        return (try #require(created["id"] as? String), try #require(created["secret"] as? String))
    }

    /// The endpoint's deliveries with `status`, once there are `atLeast`.
    func deliveries(_ service: Service, _ merchant: TestMerchant, _ endpoint: String, status: String,
                    atLeast count: Int) async throws -> [[String: Any]] {
        try await eventually("\(count) \(status) deliveries") {
            let page = try await service.call(.get, "/v1/webhook-endpoints/\(endpoint)/deliveries?status=\(status)", key: merchant.apiKey)
            return try #require(page["items"] as? [[String: Any]], "\(page.text)")
        } until: { $0.count >= count }
    }

    /// The merchant's whole feed once it holds the `order.created` of `marker`, an order created
    /// after everything the test did: events are numbered in the order their transactions ended,
    /// so then the feed holds every event before it too.
    func feed(_ service: Service, _ merchant: TestMerchant, through marker: String) async throws -> [[String: Any]] {
        try await eventually("the marker's event in the feed") {
            let page = try await service.call(.get, "/v1/events?limit=500", key: merchant.apiKey)
            return try #require(page["items"] as? [[String: Any]], "\(page.text)")
        } until: { $0.contains { $0["order_id"] as? String == marker } }
    }

    /// Creates an order and waits until the receiver has its `order.created`: an event later than
    /// every one before it, so anything sent twice among those has had its turn by then.
    func sendMarker(_ service: Service, _ merchant: TestMerchant, to receiver: WebhookReceiver) async throws -> String {
        let marker = try await service.createOrder(merchant)
        try await receiver.wait { $0.contains { $0.data["order_id"] as? String == marker } }
        return marker
    }

    @Test func everyEventArrivesOnceSignedWithItsFeedPosition() async throws {
        try await withService { service in
            try await WebhookReceiver.with { receiver in
                let merchant = try await service.newMerchant()
                let endpoint = try await subscribe(service, merchant, receiver)
                let orderID = try await service.createOrder(merchant)
                let shipment = try await service.ship(merchant, order: orderID, tracking: "WH\(UInt32.random(in: 0...UInt32.max))",
                                                      lines: [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]])
                let shipmentID = try #require(shipment["id"] as? String)
                _ = try await service.scans(merchant, shipment: shipmentID, [scan("in_transit", "2026-11-21T08:00:00Z")])
                _ = try await service.scans(merchant, shipment: shipmentID, [scan("delivered", "2026-11-22T10:00:00Z")])

                let marker = try await sendMarker(service, merchant, to: receiver)
                let events = try await feed(service, merchant, through: marker)
                #expect(events.filter { $0["order_id"] as? String == orderID }.count >= 6, "\(events)")
                let received = try await receiver.wait { Set($0.map(\.id)).isSuperset(of: events.compactMap { $0["id"] as? String }) }
                #expect(received.count == events.count, "each event once: \(received.map(\.type))")

                for delivery in received {
                    #expect(WebhookReceiver.verifies(delivery, secret: endpoint.secret), "\(delivery.body)")
                    #expect(delivery.signature.split(separator: " ").count == 1)
                    #expect(abs((Double(delivery.timestamp) ?? 0) - Date().timeIntervalSince1970) < 60)
                    #expect(delivery.body.utf8.count < WebhookMessage.maxBodyBytes)
                    let event = try #require(events.first { $0["id"] as? String == delivery.id })
                    #expect(delivery.type == event["type"] as? String)
                    #expect(delivery.data["event_id"] as? String == delivery.id)
                    #expect(delivery.data["sequence"] as? Int == event["sequence"] as? Int)
                    #expect(delivery.data["document_version"] as? Int == event["document_version"] as? Int)
                    #expect(delivery.data["order_id"] as? String == event["order_id"] as? String)
                    #expect(delivery.json["timestamp"] is String)
                }
                // The body is the contract's WebhookMessage.
                let first = try #require(received.first { $0.data["order_id"] as? String == orderID })
                let message = try ContractJSON.decode(Components.Schemas.WebhookMessage.self, from: Data(first.body.utf8))
                #expect(message.data.additionalProperties.value["order_id"] as? String == orderID)

                // Each delivery was attempted once, as the endpoint's own record shows.
                let deliveries = try await deliveries(service, merchant, endpoint.id, status: "succeeded", atLeast: events.count)
                #expect(deliveries.count == events.count)
                #expect(deliveries.allSatisfy { ($0["attempts"] as? [[String: Any]])?.map { $0["status_code"] as? Int } == [204] }, "\(deliveries)")
            }
        }
    }

    @Test func twoServicesOnOneDatabaseSendEachEventOnce() async throws {
        try await withService { first in
            try await withService { second in
                try await WebhookReceiver.with { receiver in
                    let merchant = try await first.newMerchant()
                    _ = try await subscribe(first, merchant, receiver)
                    // Writes through both services; both dispatchers (and every other test's) run.
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for n in 0..<30 {
                            group.addTask { _ = try await (n.isMultiple(of: 2) ? first : second).createOrder(merchant) }
                        }
                        try await group.waitForAll()
                    }
                    let marker = try await sendMarker(first, merchant, to: receiver)
                    let events = try await feed(first, merchant, through: marker)
                    #expect(events.count == 31)
                    let received = try await receiver.wait { Set($0.map(\.id)).isSuperset(of: events.compactMap { $0["id"] as? String }) }
                    #expect(received.count == events.count, "each event once")
                    #expect(Set(received.map(\.id)) == Set(events.compactMap { $0["id"] as? String }))
                }
            }
        }
    }

    @Test func onlySelectedTypesAreSent() async throws {
        try await withService { service in
            try await WebhookReceiver.with { receiver in
                let merchant = try await service.newMerchant()
                _ = try await subscribe(service, merchant, receiver, types: ["shipment.created"])
                let orderID = try await service.createOrder(merchant)
                let tee = try await service.ship(merchant, order: orderID, tracking: "WS\(UInt32.random(in: 0...UInt32.max))",
                                                 lines: [["sku": "TEE", "quantity": 2]])
                // A second parcel: the marker, a selected event after every one of the first's.
                let mug = try await service.ship(merchant, order: orderID, tracking: "WS\(UInt32.random(in: 0...UInt32.max))",
                                                 lines: [["sku": "MUG", "quantity": 1]])
                let shipments = [try #require(tee["id"] as? String), try #require(mug["id"] as? String)]
                let received = try await receiver.wait { Set($0.compactMap { $0.data["shipment_id"] as? String }).isSuperset(of: shipments) }
                #expect(received.map(\.type) == ["shipment.created", "shipment.created"])
            }
        }
    }

    @Test func aReceiverThatIsDownGetsEveryEventOnceItIsBack() async throws {
        try await withService { service in
            try await WebhookReceiver.with { receiver in
                receiver.answer(.init(status: .serviceUnavailable))
                let merchant = try await service.newMerchant()
                let endpoint = try await subscribe(service, merchant, receiver)
                for _ in 0..<3 { _ = try await service.createOrder(merchant) }
                let events = try await service.feedEvents(merchant, atLeast: 3)
                #expect(events.count == 3)
                // Refused at least twice each (the first attempt and a retry).
                try await receiver.wait { $0.count >= 2 * events.count }
                let failing = try await service.call(.get, "/v1/webhook-endpoints/\(endpoint.id)", key: merchant.apiKey)
                #expect(failing["failing_since"] is String)
                #expect(failing["enabled"] as? Bool == true)

                receiver.answer(.init(status: .ok))
                let succeeded = try await deliveries(service, merchant, endpoint.id, status: "succeeded", atLeast: events.count)
                #expect(succeeded.count == events.count)
                #expect(Set(succeeded.compactMap { $0["event_id"] as? String }) == Set(events.compactMap { $0["id"] as? String }))
                let recovered = try await service.call(.get, "/v1/webhook-endpoints/\(endpoint.id)", key: merchant.apiKey)
                #expect(recovered.status == .ok, "\(recovered.text)")
                #expect(recovered["failing_since"] == nil)
                let attempts = succeeded.first?["attempts"] as? [[String: Any]] ?? []
                #expect(attempts.count >= 3)
                #expect(attempts.first?["status_code"] as? Int == 200)
                #expect(attempts.last?["status_code"] as? Int == 503)
            }
        }
    }

    @Test func goneDisablesTheEndpointAndATestEventStillReachesIt() async throws {
        try await withService { service in
            try await WebhookReceiver.with { receiver in
                receiver.answer(.init(status: .gone))
                let merchant = try await service.newMerchant()
                let endpoint = try await subscribe(service, merchant, receiver)
                let refused = try await service.createOrder(merchant)
                try await receiver.wait { !$0.isEmpty }
                let disabled = try await eventually("the endpoint disabled") {
                    try await service.call(.get, "/v1/webhook-endpoints/\(endpoint.id)", key: merchant.apiKey)
                } until: { $0["enabled"] as? Bool == false }
                #expect(disabled["disabled_reason"] as? String == "gone")
                let failed = try await service.call(.get, "/v1/webhook-endpoints/\(endpoint.id)/deliveries?status=failed", key: merchant.apiKey)
                #expect((failed["items"] as? [[String: Any]])?.count == 1)

                // Nothing more is sent to a disabled endpoint, except a test message.
                let unsent = try await service.createOrder(merchant)
                receiver.answer(.init(status: .ok))
                let test = try await service.call(.post, "/v1/webhook-endpoints/\(endpoint.id)/test-events", key: merchant.apiKey)
                #expect(test.status == .accepted, "\(test.text)")
                #expect(test["event_type"] as? String == "webhook.test")
                let received = try await receiver.wait { $0.contains { $0.type == "webhook.test" } }
                #expect(WebhookReceiver.verifies(try #require(received.last), secret: endpoint.secret))

                // Re-enabled, it receives new events again, and never the one of its disabled time.
                let enabled = try await service.call(.patch, "/v1/webhook-endpoints/\(endpoint.id)", key: merchant.apiKey, json: ["enabled": true])
                #expect(enabled["enabled"] as? Bool == true)
                #expect(enabled["disabled_reason"] == nil)
                let marker = try await sendMarker(service, merchant, to: receiver)
                let all = receiver.deliveries
                #expect(all.map(\.type) == ["order.created", "webhook.test", "order.created"], "\(all.map(\.type))")
                #expect(all.map { $0.data["order_id"] as? String } == [refused, nil, marker])
                #expect(!all.contains { $0.data["order_id"] as? String == unsent })
            }
        }
    }

    @Test func aRotatedSecretSignsAlongsideTheOldOne() async throws {
        try await withService { service in
            try await WebhookReceiver.with { receiver in
                let merchant = try await service.newMerchant()
                let endpoint = try await subscribe(service, merchant, receiver)
                let rotated = try await service.call(.post, "/v1/webhook-endpoints/\(endpoint.id)/secret-rotations", key: merchant.apiKey)
                #expect(rotated.status == .created)
                let newSecret = try #require(rotated["secret"] as? String)
                #expect(newSecret != endpoint.secret)
                #expect(rotated["previous_secrets_expire_at"] is String)
                _ = try await service.createOrder(merchant)
                let delivery = try #require(try await receiver.wait { !$0.isEmpty }.first)
                #expect(delivery.signature.split(separator: " ").count == 2)
                #expect(WebhookReceiver.verifies(delivery, secret: newSecret))
                #expect(WebhookReceiver.verifies(delivery, secret: endpoint.secret))
                #expect(!WebhookReceiver.verifies(delivery, secret: WebhookSecret.generate().text))
            }
        }
    }

    @Test func redeliveryAndReplaySendEventsAgainUnderTheirIDs() async throws {
        try await withService { service in
            try await WebhookReceiver.with { receiver in
                let merchant = try await service.newMerchant()
                for _ in 0..<3 { _ = try await service.createOrder(merchant) }
                // Subscribed after the events (which nothing has read yet): none of them is sent
                // until asked for, only the marker made after.
                let endpoint = try await subscribe(service, merchant, receiver)
                let marker = try await sendMarker(service, merchant, to: receiver)
                #expect(receiver.deliveries.map { $0.data["order_id"] as? String } == [marker])
                let events = try await feed(service, merchant, through: marker)
                #expect(events.count == 4)

                let first = try #require(events.first?["id"] as? String)
                let redelivered = try await service.call(.post, "/v1/webhook-endpoints/\(endpoint.id)/redeliveries", key: merchant.apiKey,
                                                         json: ["event_id": first])
                #expect(redelivered.status == .accepted, "\(redelivered.text)")
                #expect(try await receiver.wait { $0.count >= 2 }.map(\.id).last == first)

                let replay = try await service.call(.post, "/v1/webhook-endpoints/\(endpoint.id)/replays", key: merchant.apiKey,
                                                    json: ["after": 0])
                #expect(replay.status == .accepted)
                #expect(replay["queued"] as? Int == events.count)
                #expect(replay["last_sequence"] as? Int == events.last?["sequence"] as? Int)
                // The marker, the redelivery, then the replay of every event.
                let all = try await receiver.wait { $0.count >= 2 + events.count }
                #expect(all.filter { $0.id == first }.count == 2)
                #expect(Set(all.map(\.id)) == Set(events.compactMap { $0["id"] as? String }))
                // New events after a replay are fanned out once, and the replayed ones not again.
                let later = try await sendMarker(service, merchant, to: receiver)
                let sent = receiver.deliveries
                #expect(sent.count == 3 + events.count, "\(sent.map(\.type))")
                #expect(sent.filter { $0.data["order_id"] as? String == later }.count == 1)

                let unknown = try await service.call(.post, "/v1/webhook-endpoints/\(endpoint.id)/redeliveries", key: merchant.apiKey,
                                                     json: ["event_id": UUID().uuidString])
                #expect(unknown.status == .unprocessableContent)
                #expect(unknown.errorFields == ["event_id"])
                let empty = try await service.call(.post, "/v1/webhook-endpoints/\(endpoint.id)/replays", key: merchant.apiKey,
                                                   json: ["after": 5, "before": 6])
                #expect(empty.status == .unprocessableContent)
                #expect(empty.errorFields == ["before"])
                for (after, before) in [(Int64.max, Int64(1200)), (0, Int64.min), (0, 0)] {
                    let edge = try await service.call(.post, "/v1/webhook-endpoints/\(endpoint.id)/replays", key: merchant.apiKey,
                                                      json: ["after": after, "before": before])
                    #expect(edge.errorFields == ["before"], "after \(after), before \(before): \(edge.text)")
                }
                let none = try await service.call(.post, "/v1/webhook-endpoints/\(endpoint.id)/replays", key: merchant.apiKey,
                                                  json: ["after": 1_000_000])
                #expect(none.status == .accepted, "\(none.text)")
                #expect(none["queued"] as? Int == 0)
                #expect(none["last_sequence"] == nil)

                // Another merchant can neither see nor use this endpoint.
                let other = try await service.newMerchant()
                for (method, path, body) in [(HTTPRequest.Method.get, "deliveries", nil), (.post, "redeliveries", ["event_id": first]),
                                             (.post, "replays", ["after": 0]), (.post, "test-events", nil),
                                             (.post, "secret-rotations", nil)] as [(HTTPRequest.Method, String, [String: Any]?)] {
                    let refused = try await service.call(method, "/v1/webhook-endpoints/\(endpoint.id)/\(path)", key: other.apiKey, json: body)
                    #expect(refused.status == .notFound, "\(path): \(refused.text)")
                }
                // Nor redeliver this merchant's events to an endpoint of its own.
                let theirs = try await subscribe(service, other, receiver)
                let foreign = try await service.call(.post, "/v1/webhook-endpoints/\(theirs.id)/redeliveries", key: other.apiKey,
                                                     json: ["event_id": first])
                #expect(foreign.status == .unprocessableContent)
                #expect(foreign.errorFields == ["event_id"])
            }
        }
    }

    /// Proved by order, not by time: the slow receiver holds every answer until the fast one has
    /// all its deliveries and the slow one all of its own (in flight at once, none answered).
    @Test func aSlowReceiverDoesNotHoldUpAnother() async throws {
        try await withService { service in
            try await WebhookReceiver.with { slow in
                try await WebhookReceiver.with { fast in
                    slow.answer(.init(status: .ok))
                    slow.hold()
                    let merchant = try await service.newMerchant()
                    let slowEndpoint = try await subscribe(service, merchant, slow)
                    _ = try await subscribe(service, merchant, fast)
                    for _ in 0..<10 { _ = try await service.createOrder(merchant) }
                    let events = try await service.feedEvents(merchant, atLeast: 10)
                    #expect(events.count == 10)
                    let ids = Set(events.compactMap { $0["id"] as? String })
                    try await fast.wait { Set($0.map(\.id)) == ids }
                    try await slow.wait { Set($0.map(\.id)) == ids }
                    slow.release()
                    #expect(try await deliveries(service, merchant, slowEndpoint.id, status: "succeeded", atLeast: ids.count).count == ids.count)
                }
            }
        }
    }

    @Test func endpointsAreManagedAndRefuseInternalAddresses() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let other = try await service.newMerchant()
            let created = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey,
                                                 json: ["url": "https://hooks.example.com/porchlight", "event_types": ["promise.at_risk", "order.created"]])
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created["id"] as? String)
            #expect((created["secret"] as? String)?.hasPrefix("whsec_") == true)
            #expect(Data(base64Encoded: String((created["secret"] as? String ?? "").dropFirst(6)))?.count == 24)
            #expect(created["event_types"] as? [String] == ["order.created", "promise.at_risk"])

            let fetched = try await service.call(.get, "/v1/webhook-endpoints/\(id)", key: merchant.apiKey)
            #expect(fetched.status == .ok)
            #expect(fetched["secret"] == nil)
            #expect((try await service.call(.get, "/v1/webhook-endpoints", key: merchant.apiKey))["items"].map { ($0 as? [Any])?.count } == 1)
            #expect((try await service.call(.get, "/v1/webhook-endpoints/\(id)", key: other.apiKey)).status == .notFound)
            #expect((try await service.call(.patch, "/v1/webhook-endpoints/\(id)", key: other.apiKey, json: ["enabled": false])).status == .notFound)
            #expect((try await service.call(.delete, "/v1/webhook-endpoints/\(id)", key: other.apiKey)).status == .notFound)

            let disabled = try await service.call(.patch, "/v1/webhook-endpoints/\(id)", key: merchant.apiKey,
                                                  json: ["enabled": false, "event_types": ["*"], "description": "paused"])
            #expect(disabled["enabled"] as? Bool == false)
            #expect(disabled["disabled_reason"] as? String == "merchant")
            #expect(disabled["event_types"] as? [String] == ["*"])
            #expect(disabled["description"] as? String == "paused")
            #expect((try await service.call(.patch, "/v1/webhook-endpoints/\(id)", key: merchant.apiKey, json: [:])).status == .unprocessableContent)

            for url in ["http://hooks.example.com/x", "https://10.1.2.3/x", "https://169.254.169.254/latest/meta-data", "https://[::ffff:192.168.0.1]/",
                        "https://[fe80::1]/", "https://metadata.google.internal/", "ftp://hooks.example.com/", "not a url",
                        "https://user:pw@hooks.example.com/", "https://100.64.0.1/"] {
                let refused = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey, json: ["url": url])
                #expect(refused.status == .unprocessableContent, "\(url): \(refused.text)")
                #expect(refused.errorFields == ["url"], "\(url)")
            }
            let mixed = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey,
                                               json: ["url": "https://hooks.example.com/", "event_types": ["*", "order.created"]])
            #expect(mixed.errorFields == ["event_types"])
            let unknownField = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey,
                                                      json: ["url": "https://hooks.example.com/", "colour": "red"])
            #expect(unknownField.status == .badRequest, "\(unknownField.text)")
            let malformed = try await service.call(.get, "/v1/webhook-endpoints/not-a-uuid", key: merchant.apiKey)
            #expect(malformed.status == .badRequest)

            #expect((try await service.call(.delete, "/v1/webhook-endpoints/\(id)", key: merchant.apiKey)).status == .noContent)
            #expect((try await service.call(.get, "/v1/webhook-endpoints/\(id)", key: merchant.apiKey)).status == .notFound)
        }
    }

    @Test func aMerchantHasAtMostSixteenEndpointsEvenWhenCreatingConcurrently() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for n in 0..<20 {
                    group.addTask {
                        try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey,
                                               json: ["url": "https://hooks.example.com/\(n)"]).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 16)
            #expect(statuses.filter { $0 == .conflict }.count == 4)
        }
    }

    @Test func theMetricsShowEachEndpointsLagAndTheDisabledEndpoints() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let paused = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey, json: ["url": "https://hooks.example.com/a"])
            let running = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey, json: ["url": "https://hooks.example.com/b"])
            _ = try await service.call(.patch, "/v1/webhook-endpoints/\(paused["id"] as? String ?? "")", key: merchant.apiKey, json: ["enabled": false])
            let lag = #"webhook_lag_seconds{endpoint_id="\#(running["id"] as? String ?? "")"}"#
            // The dispatcher measures every 5 seconds: a measurement taken between the two calls above
            // has the running endpoint's lag but not yet the paused one, so wait for one with both.
            func disabledCount(_ metrics: String) -> Double {
                let line = metrics.split(separator: "\n").first { $0.hasPrefix(#"webhook_endpoints_disabled{reason="merchant"}"#) }
                return (line?.split(separator: " ").last).flatMap { Double($0) } ?? 0
            }
            let metrics = try await eventually("the endpoint's lag and the paused endpoint in the metrics") {
                try await service.call(.get, "/metrics", key: testMetricsToken).text
            } until: { $0.contains(lag) && disabledCount($0) >= 1 }
            #expect(metrics.contains(lag) && disabledCount(metrics) >= 1)
        }
    }

    @Test func theSelectorEnumIsTheWildcardAndTheEventCatalogue() {
        #expect(Components.Schemas.WebhookEventSelector.allCases.map(\.rawValue) == ["*"] + EventType.allCases.map(\.rawValue))
    }
}

@Suite struct WebhookStoreTests {
    @Test func deliveriesAreKeptThirtyDaysAfterTheyEnd() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let created = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey, json: ["url": "https://hooks.example.com/"])
            let endpointID = try #require(UUID(uuidString: created["id"] as? String ?? ""))
            let (old, recent, pending) = (UUID(), UUID(), UUID())
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                try await client.query("""
                    INSERT INTO webhook_deliveries (merchant_id, endpoint_id, event_id, event_type, occurred_at, body, status,
                                                    next_attempt_at, completed_at, created_at)
                    VALUES (\(UUID(uuidString: merchant.id)!), \(endpointID), \(old), 'order.created', now(), '{}', 'succeeded', NULL,
                            now() - interval '31 days', now() - interval '31 days'),
                           (\(UUID(uuidString: merchant.id)!), \(endpointID), \(recent), 'order.created', now(), '{}', 'failed', NULL,
                            now() - interval '29 days', now() - interval '32 days'),
                           (\(UUID(uuidString: merchant.id)!), \(endpointID), \(pending), 'order.created', now(), '{}', 'pending',
                            now() + interval '1 hour', NULL, now() - interval '40 days')
                    """, logger: testLogger)
                #expect(try await WebhookDeliveries(database: Database(client: client)).purgeEnded(logger: testLogger) >= 1)
                let left = try await client.query("""
                    SELECT event_id FROM webhook_deliveries WHERE endpoint_id = \(endpointID)
                    """, logger: testLogger).collect().map { try $0.decode(UUID.self) }
                #expect(Set(left) == [recent, pending])
            }
        }
    }

    /// A dispatcher whose lease ran out (another one retried the delivery, or it was queued again)
    /// must not overwrite the delivery's state with its late result; its attempt is still kept.
    @Test func onlyTheHolderOfTheLeaseRecordsTheOutcome() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            _ = try await service.createOrder(merchant)  // before the endpoint: not sent to it
            let created = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey, json: ["url": "https://hooks.example.com/"])
            let endpointText = created["id"] as? String ?? ""
            let endpointID = try #require(UUID(uuidString: endpointText))
            let events = try await service.call(.get, "/v1/events", key: merchant.apiKey)
            let eventText = (events["items"] as? [[String: Any]])?.first?["id"] as? String ?? ""
            let eventID = try #require(UUID(uuidString: eventText))
            let lease = UUID()
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                // Leased for an hour, so that no dispatcher of the other tests takes it.
                try await client.query("""
                    INSERT INTO webhook_deliveries (merchant_id, endpoint_id, event_id, event_type, occurred_at, body, status,
                                                    next_attempt_at, lease, attempt_count)
                    VALUES (\(UUID(uuidString: merchant.id)!), \(endpointID), \(eventID), 'order.created', now(), '{}', 'pending',
                            now() + interval '1 hour', \(lease), 1)
                    """, logger: testLogger)
                let deliveries = WebhookDeliveries(database: Database(client: client))
                func outcome(lease: UUID) -> WebhookDeliveries.Outcome {
                    let claimed = WebhookDeliveries.Claimed(
                        merchantID: UUID(uuidString: merchant.id)!, endpointID: endpointID, eventID: eventID,
                        url: "https://hooks.example.com/", body: "{}", attempt: 1, lease: lease,
                        secrets: [], endpointFailingSince: nil, endpointEnabled: true)
                    let attempt = WebhookDeliveries.Attempt(at: Date(), result: .answered(status: 204, retryAfter: nil),
                                                            latency: .milliseconds(3), responseBody: nil)
                    return .init(attempt: attempt, delivery: claimed,
                                 decision: WebhookRetryPolicy.standard.decide(attempt.result, attempt: 1, failingSince: nil, now: Date()))
                }
                func state() async throws -> (String, Bool, Int) {
                    try await client.query("""
                        SELECT status, lease IS NULL, (SELECT count(*)::int FROM webhook_attempts WHERE event_id = \(eventID))
                        FROM webhook_deliveries WHERE endpoint_id = \(endpointID) AND event_id = \(eventID)
                        """, logger: testLogger).collect().first!.decode((String, Bool, Int).self)
                }
                try await deliveries.record([outcome(lease: UUID())], logger: testLogger)
                let late = try await state()
                #expect(late.0 == "pending")
                #expect(late.1 == false)
                #expect(late.2 == 1)
                try await deliveries.record([outcome(lease: lease)], logger: testLogger)
                let held = try await state()
                #expect(held.0 == "succeeded")
                #expect(held.1 == true)
                #expect(held.2 == 2)
            }
        }
    }

    /// Under a burst the claim shares the free slots: first among merchants by their attempts in
    /// flight, then among a merchant's endpoints; the oldest delivery goes first only between equals.
    @Test func oneMerchantsBurstCannotStarveAnothersDeliveries() async throws {
        // A database of its own and a moved clock: no dispatcher claims anything but the test.
        try await withOwnDatabase { url in try await withService(url: url, clock: TestClock(weekday: 2, hour: 12, in: .gmt)) { service in
            let (busy, quiet) = (try await service.newMerchant("Busy shop"), try await service.newMerchant("Quiet shop"))
            for merchant in [busy, busy, quiet] {
                let created = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey,
                                                     json: ["url": "https://hooks.example.com/", "event_types": ["order.created"]])
                #expect(created.status == .created, "\(created.text)")
            }
            // The busy shop's burst comes first: its deliveries are the oldest.
            for _ in 1...5 { _ = try await service.createOrder(busy) }
            for _ in 1...2 { _ = try await service.createOrder(quiet) }
            let (busyID, quietID) = (try #require(UUID(uuidString: busy.id)), try #require(UUID(uuidString: quiet.id)))
            try await withDatabase(url: url, logger: testLogger) { client in
                let deliveries = WebhookDeliveries(database: Database(client: client))
                // Events reach the feed once older transactions anywhere on the cluster have ended.
                try await eventually("every delivery queued") {
                    try await deliveries.fanOut(logger: testLogger)
                    return try await client.query("SELECT count(*)::int FROM webhook_deliveries", logger: testLogger).collect().first?.decode(Int.self)
                } until: { $0 == 5 * 2 + 2 }
                var inFlight: [WebhookDeliveries.Endpoint: Int] = [:]
                func claim(_ total: Int) async throws -> [WebhookDeliveries.Endpoint] {
                    let claimed = try await deliveries.claim(perEndpoint: 4, total: total, inFlight: inFlight, lease: .seconds(600), logger: testLogger)
                        .map(\.endpoint)
                    for endpoint in claimed { inFlight[endpoint, default: 0] += 1 }
                    return claimed
                }
                let first = try await claim(2)
                #expect(first.count == 2)
                #expect(Set(first.map(\.merchantID)) == [busyID, quietID], "one slot each, though the busy shop's deliveries are older")
                _ = try await claim(2)
                #expect(inFlight.filter { $0.key.merchantID == busyID }.values.sorted() == [1, 1], "the busy shop's endpoints take turns")
                #expect(inFlight.filter { $0.key.merchantID == quietID }.values.sorted() == [2])
                // The quiet shop has nothing left; each busy endpoint fills up to its bound of 4.
                #expect(try await claim(8).count == 6)
                #expect(inFlight.filter { $0.key.merchantID == busyID }.values.sorted() == [4, 4])
            }
        } }
    }
}
