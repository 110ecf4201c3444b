import Foundation
import HTTPTypes
import PorchlightCore
import PorchlightServer
import PorchlightStore
import PostgresNIO
import Testing

@Suite struct DeliveryExceptionTests {
    /// An order whose one parcel failed its delivery attempt (`substatus`) a minute ago, with a
    /// customer-link token; the exception it opened.
    private func failedAttempt(_ service: Service, _ merchant: TestMerchant, substatus: String = "recipient_unavailable",
                               carrier: String = "dhl") async throws -> (order: ShippedOrder, exception: [String: Any], id: String) {
        let order = try await service.shippedOrder(merchant, carrier: carrier, scanned: "in_transit", at: Date().addingTimeInterval(-3600))
        var attempt = scan("attempted_delivery", isoTime(Date().addingTimeInterval(-60)), id: "attempt-1")
        attempt["substatus"] = substatus
        let scanned = try await service.scans(merchant, shipment: order.shipment, [attempt])
        #expect(scanned.status == .ok, "\(scanned.text)")
        let listed = try await service.call(.get, "/v1/orders/\(order.id)/delivery-exceptions", key: order.token)
        let exception = try #require((listed["items"] as? [[String: Any]])?.first, "\(listed.text)")
        return (order, exception, try #require(exception["id"] as? String))
    }

    private func act(_ service: Service, _ order: ShippedOrder, _ exception: String, key: String? = nil,
                     _ body: [String: any Sendable]) async throws -> Reply {
        try await service.call(.post, "/v1/orders/\(order.id)/delivery-exceptions/\(exception)/actions", key: key ?? order.token, json: body)
    }

    /// A detector pass over the merchant's due orders at `now`.
    private func detect(_ merchant: TestMerchant, now: Date) async throws -> (checked: Int, changed: Int) {
        try await withDatabase(url: databaseURL, logger: testLogger) { client in
            try await AlertStore(database: Database(client: client))
                .detectDue(now: now, merchant: MerchantID(try #require(UUID(uuidString: merchant.id))), logger: testLogger)
        }
    }

    /// Moves one of the exception's moments (`escalates_at`, `respond_by`) a second into the
    /// past, and makes its order due for the detector.
    private func backdate(_ exceptionID: String, _ column: String) async throws {
        let id = try #require(UUID(uuidString: exceptionID))
        try await withDatabase(url: databaseURL, logger: testLogger) { client in
            var binds = PostgresBindings()
            try binds.append(id)
            try await client.query(PostgresQuery(unsafeSQL: "UPDATE delivery_exceptions SET \(column) = now() - interval '1 second' WHERE id = $1",
                                                 binds: binds), logger: testLogger)
            try await client.query("""
                UPDATE orders SET disruption_check_at = now() - interval '1 second'
                WHERE id = (SELECT order_id FROM delivery_exceptions WHERE id = \(id))
                """, logger: testLogger)
        }
    }

    @Test func aFailedAttemptOpensOneExceptionAndTheCustomerChoosesOnceTheCarrierConfirms() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let (order, exception, exceptionID) = try await failedAttempt(service, merchant)
            #expect(exception["reason"] as? String == "customer_unavailable" && exception["status"] as? String == "open", "\(exception)")
            let choices = try #require(exception["choices"] as? [String: Any])
            #expect(choices["kinds"] as? [String] == ["reattempt", "instructions", "return_to_sender"], "no pick-up points yet: \(choices)")
            let dates = try #require(choices["dates"] as? [String])
            // Monday to Friday (no carrier service set up), from tomorrow, five days ahead.
            #expect((3...5).contains(dates.count) && dates.allSatisfy { LocalDate($0).map { Weekday.mondayToFriday.contains($0.weekday) } == true },
                    "\(dates)")
            // The same scan again (the carrier's event id) opens nothing more.
            var again = scan("attempted_delivery", isoTime(Date().addingTimeInterval(-30)), id: "attempt-1")
            again["substatus"] = "recipient_unavailable"
            _ = try await service.scans(merchant, shipment: order.shipment, [again])
            let once = try await service.call(.get, "/v1/orders/\(order.id)/delivery-exceptions", key: order.token)
            #expect((once["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [exceptionID], "\(once.text)")

            let today = LocalDate(Date(), in: TimeZone(identifier: "Europe/Bucharest")!).description
            let notOffered = try await act(service, order, exceptionID, ["kind": "reattempt", "date": today])
            #expect(notOffered.status == .unprocessableContent && notOffered.errorFields == ["date"], "today is not a reattempt day: \(notOffered.text)")
            let mixed = try await act(service, order, exceptionID, ["kind": "reattempt", "date": dates[0], "instructions": "Ring twice"])
            #expect(mixed.status == .unprocessableContent && mixed.errorFields == ["instructions"], "\(mixed.text)")
            let notADate = try await act(service, order, exceptionID, ["kind": "reattempt", "date": "2026-02-30"])
            #expect(notADate.status == .unprocessableContent || notADate.status == .badRequest, "\(notADate.text)")
            let pickup = try await act(service, order, exceptionID, ["kind": "pickup_point", "pickup_point_id": "NOPE"])
            #expect(pickup.status == .unprocessableContent && pickup.errorFields.contains("kind"), "no pick-up point is open: \(pickup.text)")

            // Two different choices at once: one wins, the other is a conflict; the winner again answers as before.
            let race = try await withThrowingTaskGroup(of: Reply.self) { group in
                group.addTask { try await act(service, order, exceptionID, ["kind": "reattempt", "date": dates[0]]) }
                group.addTask { try await act(service, order, exceptionID, ["kind": "instructions", "instructions": "Gate code 4512"]) }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(race.map(\.status.code).sorted() == [200, 409], "\(race.map(\.text))")
            let winner = try #require(race.first { $0.status == .ok })
            let action = try #require((winner["actions"] as? [[String: Any]])?.last, "\(winner.text)")
            #expect(winner["status"] as? String == "action_requested" && action["status"] as? String == "requested" && action["source"] as? String == "customer")
            #expect((winner["choices"] as? [String: Any])?["kinds"] as? [String] == [], "nothing more to choose while an action is in force")
            let kind = try #require(action["kind"] as? String)
            let replayBody: [String: any Sendable] = kind == "reattempt" ? ["kind": "reattempt", "date": dates[0]] : ["kind": "instructions", "instructions": "Gate code 4512"]
            let replay = try await act(service, order, exceptionID, replayBody)
            #expect(replay.status == .ok && (replay["actions"] as? [[String: Any]])?.count == 1, "the same request again: \(replay.text)")

            // The estimate follows the choice.
            let document = try await service.call(.get, "/v1/orders/\(order.id)", key: merchant.apiKey)
            let estimate = try #require(document["estimate"] as? [String: Any], "\(document.text)")
            #expect(estimate["basis"] as? String == "customer_choice" && (kind != "reattempt" || estimate["latest"] as? String == dates[0]), "\(estimate)")

            // The carrier integration pulls it, acknowledges it once, then fails it: the customer may choose again.
            let pending = try await service.call(.get, "/v1/delivery-actions", key: merchant.apiKey)
            let pulled = try #require((pending["items"] as? [[String: Any]])?.first, "\(pending.text)")
            let actionID = try #require(action["id"] as? String)
            #expect((pulled["action"] as? [String: Any])?["id"] as? String == actionID && pulled["order_id"] as? String == order.id
                    && pulled["tracking_number"] is String, "\(pulled)")
            let ack = try await service.call(.post, "/v1/delivery-actions/\(actionID)/acknowledgement", key: merchant.apiKey, json: ["carrier_reference": "NDR-1"])
            #expect(ack.status == .ok && ack["status"] as? String == "acknowledged" && ack["carrier_reference"] as? String == "NDR-1", "\(ack.text)")
            #expect(try await service.call(.post, "/v1/delivery-actions/\(actionID)/acknowledgement", key: merchant.apiKey,
                                           json: ["carrier_reference": "NDR-1"]).status == .ok, "the same acknowledgement again")
            #expect(try await service.call(.post, "/v1/delivery-actions/\(actionID)/acknowledgement", key: merchant.apiKey,
                                           json: ["carrier_reference": "NDR-2"]).status == .conflict)
            let stillPending = try await service.call(.get, "/v1/delivery-actions", key: merchant.apiKey)
            #expect((stillPending["items"] as? [[String: Any]])?.isEmpty == true, "acknowledged actions leave the queue: \(stillPending.text)")
            let failed = try await service.call(.post, "/v1/delivery-actions/\(actionID)/failure", key: merchant.apiKey, json: ["reason": "No route that day"])
            #expect(failed.status == .ok && failed["status"] as? String == "failed", "\(failed.text)")
            let reopened = try await service.call(.get, "/v1/orders/\(order.id)/delivery-exceptions", key: order.token)
            let open = try #require((reopened["items"] as? [[String: Any]])?.first)
            #expect(open["status"] as? String == "open" && ((open["choices"] as? [String: Any])?["kinds"] as? [String])?.isEmpty == false, "\(open)")
            let second = try await act(service, order, exceptionID, ["kind": "return_to_sender"])
            #expect(second.status == .ok && (second["actions"] as? [[String: Any]])?.count == 2, "\(second.text)")

            // A delivery closes it.
            #expect(try await service.scans(merchant, shipment: order.shipment, [scan("delivered", isoTime(Date()))]).status == .ok)
            let closed = try await service.call(.get, "/v1/orders/\(order.id)/delivery-exceptions", key: merchant.apiKey)
            let done = try #require((closed["items"] as? [[String: Any]])?.first)
            #expect((closed["items"] as? [[String: Any]])?.count == 1, "\(closed.text)")
            #expect(done["status"] as? String == "closed" && done["closure"] as? String == "delivered", "\(done)")
            #expect(((try await service.call(.get, "/v1/delivery-actions", key: merchant.apiKey))["items"] as? [[String: Any]])?.isEmpty == true,
                    "an action not passed on before the delivery is withdrawn, not left in the carrier's queue")
            #expect((done["actions"] as? [[String: Any]])?.last?["status"] as? String == "withdrawn", "\(done)")
            let events = try await service.feedEvents(merchant, typePrefix: "delivery_", order: order.id, atLeast: 6)
            #expect(events.compactMap { $0["type"] as? String } == [
                "delivery_exception.opened", "delivery_action.requested", "delivery_action.acknowledged", "delivery_action.failed",
                "delivery_action.requested", "delivery_exception.closed",
            ])
        }
    }

    @Test func aPostalCodeLookUpMayOnlyAskForAReattemptAndSeesNoAddress() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let (order, exception, exceptionID) = try await failedAttempt(service, merchant, substatus: "access_problem")
            #expect(exception["reason"] as? String == "access_problem")
            let number = try #require(try await service.call(.get, "/v1/orders/\(order.id)", key: merchant.apiKey)["order_number"] as? String)
            let weak = try await service.lookUp(merchant.apiKey, ["order_number": number, "postal_code": "030031"])
            let weakToken = try #require(weak["token"] as? String, "\(weak.text)")
            let seen = try await service.call(.get, "/v1/orders/\(order.id)/delivery-exceptions", key: weakToken)
            let choices = try #require((seen["items"] as? [[String: Any]])?.first?["choices"] as? [String: Any], "\(seen.text)")
            #expect(choices["kinds"] as? [String] == ["reattempt"], "\(choices)")
            let refused = try await act(service, order, exceptionID, key: weakToken, ["kind": "instructions", "instructions": "Gate code 4512"])
            #expect(refused.status == .unprocessableContent && refused.errorFields == ["kind"], "\(refused.text)")
            // The buyer's instructions are theirs: a postal-code look-up does not see them.
            let told = try await act(service, order, exceptionID, ["kind": "instructions", "instructions": "Gate code 4512"])
            #expect(told.status == .ok, "\(told.text)")
            let again = try await service.call(.get, "/v1/orders/\(order.id)/delivery-exceptions", key: weakToken)
            let action = try #require(((again["items"] as? [[String: Any]])?.first?["actions"] as? [[String: Any]])?.first, "\(again.text)")
            #expect(action["kind"] as? String == "instructions" && action["instructions"] == nil, "\(action)")
            // Another merchant's key, and another order's token, find nothing.
            let other = try await service.newMerchant()
            #expect(try await service.call(.get, "/v1/orders/\(order.id)/delivery-exceptions", key: other.apiKey).status == .notFound)
            let actionID = try #require(action["id"] as? String)
            #expect(try await service.call(.post, "/v1/delivery-actions/\(actionID)/failure", key: other.apiKey,
                                           json: ["reason": "x"]).status == .notFound)
        }
    }

    @Test func aWrongAddressIsCorrectedWithinItsCountryOrTheParcelGoesToAPickupPoint() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let point: [String: Any] = ["id": "BUC-1", "name": "Store Bucharest",
                                        "address": ["line1": "Bd. Unirii 1", "city": "Bucharest", "postal_code": "030167", "country": "RO"],
                                        "opening_hours": [["days": ["mon", "tue", "wed", "thu", "fri"], "opens": "09:00", "closes": "19:00"]]]
            let bad = try await service.call(.put, "/v1/delivery-settings", key: merchant.apiKey, json: [
                "action_window_hours": 2, "reattempt_days": 5, "default_action": "reattempt",
                "pickup_points": [point, point.merging(["opening_hours": [["days": ["sat"], "opens": "18:00", "closes": "09:00"]]]) { $1 }]])
            #expect(bad.status == .unprocessableContent
                    && Set(bad.errorFields) == ["action_window_hours", "pickup_points", "pickup_points[1].opening_hours[0].closes"],
                    "\(bad.text)")
            let settings = try await service.call(.put, "/v1/delivery-settings", key: merchant.apiKey, json: [
                "action_window_hours": 24, "reattempt_days": 3, "default_action": "return_to_sender", "pickup_points": [point]])
            #expect(settings.status == .ok, "\(settings.text)")
            #expect(try await service.call(.get, "/v1/delivery-settings", key: merchant.apiKey)["action_window_hours"] as? Int == 24)

            let (order, exception, exceptionID) = try await failedAttempt(service, merchant, substatus: "address_issue")
            let choices = try #require(exception["choices"] as? [String: Any])
            #expect(choices["kinds"] as? [String] == ["address_change", "instructions", "pickup_point", "return_to_sender"], "\(choices)")
            #expect((choices["pickup_points"] as? [[String: Any]])?.first?["id"] as? String == "BUC-1")
            let abroad = try await act(service, order, exceptionID, ["kind": "address_change", "address": [
                "line1": "Hauptstraße 1", "city": "Wien", "postal_code": "1010", "country": "AT"]])
            #expect(abroad.status == .unprocessableContent && abroad.errorFields == ["address.country"], "\(abroad.text)")
            let badCode = try await act(service, order, exceptionID, ["kind": "address_change", "address": [
                "line1": "Strada Lipscani 14", "city": "Bucharest", "postal_code": "0300", "country": "RO"]])
            #expect(badCode.status == .unprocessableContent && badCode.errorFields == ["address.postal_code"], "\(badCode.text)")
            let corrected = try await act(service, order, exceptionID, ["kind": "address_change", "address": [
                "line1": "Strada Lipscani 14", "city": "Bucharest", "postal_code": "030031", "country": "RO"]])
            #expect(corrected.status == .ok, "\(corrected.text)")
            let action = try #require((corrected["actions"] as? [[String: Any]])?.first)
            #expect((action["address"] as? [String: Any])?["line1"] as? String == "Strada Lipscani 14")

            // A carrier service that takes only reattempts and returns narrows the choices.
            let service2 = try await service.call(.put, "/v1/carrier-services/fan/standard", key: merchant.apiKey, json: [
                "pickup_days": ["mon"], "delivery_days": ["mon", "tue", "wed", "thu", "fri", "sat"],
                "baseline_transit": [["country": "RO", "min_days": 1, "max_days": 2]], "ndr_actions": ["reattempt", "return_to_sender"]])
            #expect(service2.status == .created || service2.status == .ok, "\(service2.text)")
            #expect(service2["ndr_actions"] as? [String] == ["reattempt", "return_to_sender"], "\(service2.text)")
            let (fanOrder, fanException, fanExceptionID) = try await failedAttempt(service, merchant, carrier: "fan")
            let fanChoices = try #require(fanException["choices"] as? [String: Any])
            #expect(fanChoices["kinds"] as? [String] == ["reattempt", "return_to_sender"], "\(fanChoices)")
            #expect(try await act(service, fanOrder, fanExceptionID, ["kind": "pickup_point", "pickup_point_id": "BUC-1"]).status == .unprocessableContent)
        }
    }

    @Test func anUnansweredExceptionEscalatesItsAlertThenTakesTheDefaultAction() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let (order, exception, exceptionID) = try await failedAttempt(service, merchant)
            let respondBy = try #require((exception["respond_by"] as? String).flatMap(parseTime))
            let opened = try #require((exception["opened_at"] as? String).flatMap(parseTime))
            // 48 working hours, Monday to Friday in Bucharest: at least two days, at most four with a weekend.
            #expect((2 * 86_400...4 * 86_400 + 1).contains(respondBy.timeIntervalSince(opened)), "\(exception)")
            let alert = try await service.call(.get, "/v1/orders/\(order.id)", key: merchant.apiKey)
            #expect((alert["alert"] as? [String: Any])?["severity"] as? String == "delay", "\(alert.text)")

            // Time comes by backdating (the change a pass makes is stamped with the clock's time).
            try await backdate(exceptionID, "escalates_at")
            _ = try await detect(merchant, now: Date())
            let escalated = try await service.call(.get, "/v1/orders/\(order.id)", key: merchant.apiKey)
            #expect((escalated["alert"] as? [String: Any])?["severity"] as? String == "long_delay", "half-way and unanswered: \(escalated.text)")

            try await backdate(exceptionID, "respond_by")
            _ = try await detect(merchant, now: Date())
            let listed = try await service.call(.get, "/v1/orders/\(order.id)/delivery-exceptions", key: merchant.apiKey)
            let expired = try #require((listed["items"] as? [[String: Any]])?.first)
            let action = try #require((expired["actions"] as? [[String: Any]])?.first, "\(expired)")
            #expect(action["source"] as? String == "default" && action["kind"] as? String == "return_to_sender", "\(action)")
            #expect(try await act(service, order, exceptionID, ["kind": "return_to_sender"]).status == .ok, "the same as in force")
            let late = try await act(service, order, exceptionID, ["kind": "instructions", "instructions": "too late"])
            #expect(late.status == .conflict, "\(late.text)")
            // The parcel comes back as asked: a claim that refunds, not one that sends the items again.
            #expect(try await service.scans(merchant, shipment: order.shipment, [scan("returned_to_sender", isoTime(Date()))]).status == .ok)
            let back = try await service.call(.get, "/v1/orders/\(order.id)", key: merchant.apiKey)
            let claim = try #require((back["returns"] as? [[String: Any]])?.first, "\(back.text)")
            #expect(claim["kind"] as? String == "returned_to_sender" && claim["resolution"] as? String == "refund", "\(claim)")
        }
    }
    @Test func aLaterFailedAttemptOpensItsOwnExceptionAndBadActionsAreClientErrors() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let (order, _, first) = try await failedAttempt(service, merchant)
            var second = scan("attempted_delivery", isoTime(Date().addingTimeInterval(-20)), id: "attempt-2")
            second["substatus"] = "access_problem"
            #expect(try await service.scans(merchant, shipment: order.shipment, [second]).status == .ok)
            let listed = try await service.call(.get, "/v1/orders/\(order.id)/delivery-exceptions", key: order.token)
            let items = try #require(listed["items"] as? [[String: Any]], "\(listed.text)")
            #expect(items.count == 2 && items[0]["id"] as? String == first && items[0]["closure"] as? String == "next_attempt"
                    && items[1]["status"] as? String == "open" && items[1]["reason"] as? String == "access_problem", "\(items)")
            let latest = try #require(items[1]["id"] as? String)
            #expect(try await act(service, order, first, ["kind": "return_to_sender"]).status == .conflict, "the first is closed")
            let long = try await act(service, order, latest, ["kind": "instructions", "instructions": String(repeating: "x", count: 251)])
            #expect(long.status == .unprocessableContent && long.errorFields == ["instructions"], "\(long.text)")
            let other = try await service.shippedOrder(merchant)
            #expect(try await act(service, order, latest, key: other.token, ["kind": "return_to_sender"]).status == .notFound, "another order's token")
            let stranger = try await service.newMerchant()
            #expect(try await act(service, order, latest, key: stranger.apiKey, ["kind": "return_to_sender"]).status == .notFound, "another merchant")
            #expect(try await service.call(.get, "/v1/delivery-actions?cursor=nonsense", key: merchant.apiKey).status == .badRequest)
            let badReference = try await service.call(.post, "/v1/delivery-actions/\(UUID())/acknowledgement", key: merchant.apiKey,
                                                      json: ["carrier_reference": String(repeating: "r", count: 101)])
            #expect(badReference.status == .unprocessableContent || badReference.status == .notFound, "\(badReference.text)")
        }
    }

    @Test func aCustomerMayCancelTheirOwnOrderWithinTheShopsMinutesUntilHandOff() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            func link(_ order: String) async throws -> String {
                let link = try await service.call(.post, "/v1/orders/\(order)/customer-links", key: merchant.apiKey, json: [:])
                return try #require(link["token"] as? String, "\(link.text)")
            }
            func placed(_ secondsAgo: Double) async throws -> String {
                var order = sampleOrder()
                order["placed_at"] = isoTime(Date().addingTimeInterval(-secondsAgo))
                return try await service.createOrder(merchant, order)
            }
            let early = try await placed(60)
            let earlyToken = try await link(early)
            let notAllowed = try await service.call(.post, "/v1/orders/\(early)/cancellations", key: earlyToken, json: ["reason": "fraud"])
            #expect(notAllowed.status == .conflict && (notAllowed["detail"] as? String)?.contains("does not let customers") == true, "\(notAllowed.text)")

            let settings = try await service.call(.put, "/v1/delivery-settings", key: merchant.apiKey, json: [
                "action_window_hours": 48, "reattempt_days": 5, "default_action": "return_to_sender", "pickup_points": [Any](),
                "self_cancel_minutes": 30])
            #expect(settings.status == .ok && settings["self_cancel_minutes"] as? Int == 30, "\(settings.text)")
            // A postal-code look-up cannot speak for the buyer.
            let number = try #require(try await service.call(.get, "/v1/orders/\(early)", key: merchant.apiKey)["order_number"] as? String)
            let weak = try #require(try await service.lookUp(merchant.apiKey, ["order_number": number, "postal_code": "030031"])["token"] as? String)
            #expect(try await service.call(.post, "/v1/orders/\(early)/cancellations", key: weak, json: ["reason": "customer_request"]).status == .forbidden)
            let cancelled = try await service.call(.post, "/v1/orders/\(early)/cancellations", key: earlyToken, json: ["reason": "fraud"])
            #expect(cancelled.status == .ok && cancelled["status"] as? String == "cancelled" && cancelled["cancellation_reason"] as? String == "customer_request",
                    "the customer's reason is their own request: \(cancelled.text)")

            let late = try await placed(31 * 60)
            let tooLate = try await service.call(.post, "/v1/orders/\(late)/cancellations", key: try await link(late), json: ["reason": "customer_request"])
            #expect(tooLate.status == .conflict && (tooLate["detail"] as? String)?.contains("ended at") == true, "\(tooLate.text)")

            // Once a parcel is with the carrier, it is a return, not a cancellation; before that a label alone does not stop it.
            let labelled = try await placed(60)
            var halfShipped = try await service.ship(merchant, order: labelled, tracking: "L1", lines: [["sku": "TEE", "quantity": 2]])
            let labelledToken = try await link(labelled)
            let partly = try await service.call(.post, "/v1/orders/\(labelled)/cancellations", key: labelledToken, json: ["reason": "customer_request"])
            #expect(partly.status == .ok && (partly["lines"] as? [[String: Any]])?.first { $0["sku"] as? String == "MUG" }?["cancelled_quantity"] as? Int == 1,
                    "\(partly.text)")
            let handedOff = try await placed(60)
            halfShipped = try await service.ship(merchant, order: handedOff, tracking: "L2", lines: [["sku": "TEE", "quantity": 1]])
            let shipmentID = try #require(halfShipped["id"] as? String)
            #expect(try await service.scans(merchant, shipment: shipmentID, [scan("in_transit", isoTime(Date().addingTimeInterval(-10)))]).status == .ok)
            let refused = try await service.call(.post, "/v1/orders/\(handedOff)/cancellations", key: try await link(handedOff), json: ["reason": "customer_request"])
            #expect(refused.status == .conflict && (refused["detail"] as? String)?.contains("already with the carrier") == true, "\(refused.text)")
        }
    }

    @Test func aCashOnDeliveryOrderAsksToBeConfirmedAndIsAtRiskOfGoingBackUntilThen() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var input = sampleOrder()
            input["cash_on_delivery"] = true
            let id = try await service.createOrder(merchant, input)
            let created = try await service.call(.get, "/v1/orders/\(id)", key: merchant.apiKey)
            #expect(created["cash_on_delivery"] as? Bool == true && created["confirmation"] as? String == "awaiting" && created["rto_risk"] as? Bool == true,
                    "\(created.text)")
            let paid = try await service.createOrder(merchant)
            let paidDocument = try await service.call(.get, "/v1/orders/\(paid)", key: merchant.apiKey)
            #expect(paidDocument["confirmation"] == nil && paidDocument["rto_risk"] == nil, "\(paidDocument.text)")
            #expect(try await service.call(.post, "/v1/orders/\(paid)/confirmation", key: merchant.apiKey).status == .conflict, "nothing to confirm")

            let number = try #require(created["order_number"] as? String)
            let weak = try #require(try await service.lookUp(merchant.apiKey, ["order_number": number, "postal_code": "030031"])["token"] as? String)
            #expect(try await service.call(.post, "/v1/orders/\(id)/confirmation", key: weak).status == .forbidden)
            let link = try await service.call(.post, "/v1/orders/\(id)/customer-links", key: merchant.apiKey, json: [:])
            let token = try #require(link["token"] as? String)
            let confirmed = try await service.call(.post, "/v1/orders/\(id)/confirmation", key: token)
            #expect(confirmed.status == .ok && confirmed["confirmation"] as? String == "confirmed", "\(confirmed.text)")
            let again = try await service.call(.post, "/v1/orders/\(id)/confirmation", key: token)
            #expect(again.status == .ok && again["confirmed_at"] as? String == confirmed["confirmed_at"] as? String, "once: \(again.text)")
            let after = try await service.call(.get, "/v1/orders/\(id)", key: merchant.apiKey)
            #expect(after["confirmation"] as? String == "confirmed" && after["rto_risk"] as? Bool == false, "\(after.text)")
            #expect((try await service.call(.get, "/v1/orders/\(id)/customer-view", key: token))["confirmation"] as? String == "confirmed")
            #expect(try await outboxEventTypes(merchant, typePrefix: "order.confirm", order: id) == ["order.confirmation_requested", "order.confirmed"])

            // An unconfirmed order stops being at risk once its parcel is with the carrier: the door decides then.
            let unconfirmed = try await service.createOrder(merchant, input.merging(["order_number": "COD-\(UInt32.random(in: 0...UInt32.max))"]) { $1 })
            let shipment = try await service.ship(merchant, order: unconfirmed, tracking: "COD1", lines: [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]])
            #expect(try await service.scans(merchant, shipment: try #require(shipment["id"] as? String),
                                            [scan("in_transit", isoTime(Date().addingTimeInterval(-10)))]).status == .ok)
            let moving = try await service.call(.get, "/v1/orders/\(unconfirmed)", key: merchant.apiKey)
            #expect(moving["confirmation"] as? String == "awaiting" && moving["rto_risk"] as? Bool == false, "\(moving.text)")
        }
    }

    @Test func deliveryAnalyticsCountFirstAttemptsResolutionsAndReturnsToSender() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            // One delivered at the first attempt, one delivered after the customer chose, one back to the sender.
            _ = try await service.shippedOrder(merchant, scanned: "delivered", at: Date().addingTimeInterval(-30))
            let (chose, _, choseException) = try await failedAttempt(service, merchant)
            let dates = try #require(((try await service.call(.get, "/v1/orders/\(chose.id)/delivery-exceptions", key: chose.token)["items"]
                as? [[String: Any]])?.first?["choices"] as? [String: Any])?["dates"] as? [String])
            let chosen = try await act(service, chose, choseException, ["kind": "reattempt", "date": dates[0]])
            let chosenID = try #require((chosen["actions"] as? [[String: Any]])?.first?["id"] as? String, "\(chosen.text)")
            #expect(try await service.call(.post, "/v1/delivery-actions/\(chosenID)/acknowledgement", key: merchant.apiKey,
                                           json: ["carrier_reference": "R1"]).status == .ok)
            #expect(try await service.scans(merchant, shipment: chose.shipment, [scan("delivered", isoTime(Date().addingTimeInterval(-20)))]).status == .ok)
            let (back, _, _) = try await failedAttempt(service, merchant)
            #expect(try await service.scans(merchant, shipment: back.shipment, [scan("returned_to_sender", isoTime(Date().addingTimeInterval(-10)))]).status == .ok)

            let overall = try await service.call(.get, "/v1/delivery-analytics", key: merchant.apiKey)
            let stats = try #require(overall["overall"] as? [String: Any], "\(overall.text)")
            #expect(stats["finished"] as? Int == 3 && stats["delivered_first_attempt"] as? Int == 1 && stats["failed_attempts"] as? Int == 2
                    && stats["actioned"] as? Int == 1 && stats["delivered_after_action"] as? Int == 1 && stats["returned_to_sender"] as? Int == 1, "\(stats)")
            #expect(stats["first_attempt_rate"] as? Double == 0.3333 && stats["resolution_rate"] as? Double == 1 && stats["rto_rate"] as? Double == 0.3333)
            #expect((overall["groups"] as? [[String: Any]])?.first?["key"] as? String == "dhl/standard", "\(overall.text)")
            let byReason = try await service.call(.get, "/v1/delivery-analytics?group_by=reason", key: merchant.apiKey)
            let groups = try #require(byReason["groups"] as? [[String: Any]], "\(byReason.text)")
            #expect(groups.compactMap { $0["key"] as? String } == ["customer_unavailable", "none"] && groups.first?["rto_rate"] as? Double == 0.5, "\(groups)")
            let empty = try await service.call(.get, "/v1/delivery-analytics?to=2020-01-02T00:00:00Z", key: merchant.apiKey)
            #expect((empty["overall"] as? [String: Any])?["finished"] as? Int == 0 && (empty["overall"] as? [String: Any])?["first_attempt_rate"] == nil,
                    "\(empty.text)")
            let backwards = try await service.call(.get, "/v1/delivery-analytics?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", key: merchant.apiKey)
            #expect(backwards.status == .badRequest && backwards.errorFields == ["from"], "\(backwards.text)")
        }
    }
}

private func parseTime(_ text: String) -> Date? {
    try? Date(text, strategy: .iso8601)
}
