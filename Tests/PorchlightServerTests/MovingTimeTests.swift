import Foundation
import PorchlightCore
import PorchlightServer
import PorchlightStore
import Testing

/// Rules about days passing, tested by moving the service's clock (`TestClock`) instead of
/// backdating rows: silence across a weekend and a holiday, a return's expiry at its edge, the
/// review edit windows, review requests falling due and going stale.
@Suite struct MovingTimeTests {
    static let bucharest = TimeZone(identifier: "Europe/Bucharest")!

    /// `days` after `start`, at `hour`:`minute` in Bucharest (a calendar day, whatever the offset).
    static func bucharestTime(_ days: Int, after start: Date, at hour: Int, _ minute: Int = 0) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = bucharest
        let day = try #require(calendar.date(byAdding: .day, value: days, to: start))
        return try #require(calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day))
    }

    /// The stores as a replica at the test's time sees them.
    func withStores<Result: Sendable>(_ clock: TestClock, _ body: @escaping @Sendable (Database) async throws -> Result) async throws -> Result {
        try await withDatabase(url: databaseURL, logger: testLogger) { client in try await body(Database(client: client, clock: clock.wallClock)) }
    }

    @Test func aSilentParcelWaitsOutTheWeekendAndAHoliday() async throws {
        let clock = TestClock(weekday: 6, hour: 9, in: Self.bucharest)
        let friday = clock.now
        let monday = try Self.bucharestTime(3, after: friday, at: 12)
        try await withService(clock: clock) { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant, holidays: [LocalDate(monday, in: Self.bucharest).description])
            let quoted = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey,
                                                json: ["location": "BUC-1", "destination": ["country": "RO", "region": "CJ"]])
            var order = sampleOrder()
            order["placed_at"] = isoTime(friday.addingTimeInterval(-3600))
            order["delivery"] = ["quote_id": try #require(quoted["id"] as? String, "\(quoted.text)"), "option_id": "fan_courier:express"]
            let orderID = try await service.createOrder(merchant, order)
            let shipment = try await service.ship(merchant, order: orderID, carrier: "fan_courier", serviceLevel: "express", tracking: "MT\(UInt32.random(in: 0...UInt32.max))",
                                                  lines: [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]])
            clock.advance(seconds: 60)
            let scanned = try await service.scans(merchant, shipment: try #require(shipment["id"] as? String, "\(shipment.text)"),
                                                  [scan("in_transit", isoTime(friday))])
            #expect(scanned.status == .ok, "\(scanned.text)")

            // 48 working hours on the way, counted on the courier's delivery days (Monday to
            // Saturday) less the warehouse's holidays: Friday from 09:00 and Saturday give 39,
            // Sunday and the holiday Monday none, so the last 9 run out on Tuesday at 09:00.
            let merchantID = MerchantID(try #require(UUID(uuidString: merchant.id)))
            func detect(at time: Date) async throws -> Int {
                clock.set(time)
                return try await withStores(clock) { try await AlertStore(database: $0).detectDue(now: clock.now, merchant: merchantID, logger: testLogger).changed }
            }
            #expect(try await detect(at: Self.bucharestTime(3, after: friday, at: 23)) == 0, "Monday night: the holiday did not count")
            #expect(try await detect(at: Self.bucharestTime(4, after: friday, at: 8, 30)) == 0, "Tuesday 08:30: 47.5 working hours")
            #expect(try await detect(at: Self.bucharestTime(4, after: friday, at: 9, 30)) == 1, "Tuesday 09:30: silent too long")
            let alerted = try await service.call(.get, "/v1/orders/\(orderID)", key: merchant.apiKey)
            let alert = try #require(alerted["alert"] as? [String: Any], "\(alerted.text)")
            #expect(alert["reason"] as? String == "no_scan" && alert["severity"] as? String == "delay", "\(alert)")
        }
    }

    @Test func aReturnExpiresAtItsDeadlineAndNotASecondBefore() async throws {
        let clock = TestClock(weekday: 4, hour: 10, in: .gmt)
        try await withService(clock: clock) { service in
            let merchant = try await merchantWithPolicy(service) { $0["ship_back_days"] = 1 }
            clock.advance(seconds: 60)  // the order comes after the policy it is placed under
            let order = try await service.shippedOrder(merchant, placedAt: isoTime(clock.now.addingTimeInterval(-30)),
                                                       at: clock.now.addingTimeInterval(-10))
            let opened = try await service.call(.post, "/v1/returns", key: order.token, json: [
                "order_id": order.id, "resolution": "refund", "method": "mail", "lines": [["sku": "TEE", "quantity": 2, "reason": "too_small"]],
            ])
            let id = try #require(opened["id"] as? String, "\(opened.text)")
            let expiresAt = try #require((opened["expires_at"] as? String).flatMap(APITime.instant), "\(opened.text)")
            #expect(expiresAt == clock.now.addingTimeInterval(86_400), "a day from approval, which was at once")

            let merchantID = MerchantID(try #require(UUID(uuidString: merchant.id)))
            func expire(at time: Date) async throws -> (expired: Int, logistics: String?) {
                clock.set(time)
                let expired = try await withStores(clock) { try await ReturnStore(database: $0).expireDue(now: clock.now, merchant: merchantID, logger: testLogger) }
                return (expired, try await service.call(.get, "/v1/returns/\(id)", key: merchant.apiKey)["logistics"] as? String)
            }
            let before = try await expire(at: expiresAt.addingTimeInterval(-1))
            #expect(before.expired == 0 && before.logistics == "awaiting", "\(before)")
            let at = try await expire(at: expiresAt)
            #expect(at.expired == 1 && at.logistics == "expired", "\(at)")
        }
    }

    @Test func wordsAreEditableForFourteenDaysAndAHelpedRatingRevisableForSixty() async throws {
        let clock = TestClock(weekday: 2, hour: 12, in: .gmt)
        try await withService(clock: clock) { service in
            let merchant = try await service.newMerchant()
            /// A delivered order and a customer link to it that outlasts the windows.
            func delivered() async throws -> (id: String, token: String) {
                let order = try await service.shippedOrder(merchant, placedAt: isoTime(clock.now.addingTimeInterval(-3600)),
                                                           at: clock.now.addingTimeInterval(-60))
                let link = try await service.call(.post, "/v1/orders/\(order.id)/customer-links", key: merchant.apiKey, json: ["expires_in_days": 90])
                return (order.id, try #require(link["token"] as? String, "\(link.text)"))
            }
            func review(_ order: (id: String, token: String), _ sku: String, rating: Int) async throws -> String {
                let created = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                                     json: ["sku": sku, "rating": rating, "text": "Veio assim.", "display_name": "Ana"])
                #expect(created.status == .created && created["help_requested"] as? Bool == (rating <= 2), "\(created.text)")
                return try #require(created["id"] as? String)
            }
            let first = try await delivered(), second = try await delivered()
            let praised = try await review(first, "TEE", rating: 4)
            let complained = try await review(first, "MUG", rating: 2)
            let alsoComplained = try await review(second, "MUG", rating: 1)
            let submitted = clock.now
            func edit(_ id: String, by order: (id: String, token: String), _ body: [String: Any], daysAfter days: Double, plus seconds: Double = 0)
                async throws -> Reply {
                clock.set(submitted.addingTimeInterval(days * 86_400 + seconds))
                return try await service.call(.patch, "/v1/reviews/\(id)", key: order.token, json: body)
            }
            #expect(try await edit(praised, by: first, ["text": "Still good after a wash."], daysAfter: 14).status == .ok)
            let late = try await edit(praised, by: first, ["text": "Shrank after two washes."], daysAfter: 14, plus: 1)
            #expect(late.status == .conflict && (late["detail"] as? String)?.contains("14 days") == true, "\(late.text)")

            let revised = try await edit(complained, by: first, ["rating": 4], daysAfter: 60)
            #expect(revised.status == .ok && revised["rating"] as? Int == 4, "\(revised.text)")
            let tooLate = try await edit(alsoComplained, by: second, ["rating": 4], daysAfter: 60, plus: 1)
            #expect(tooLate.status == .conflict && (tooLate["detail"] as? String)?.contains("60 days") == true, "\(tooLate.text)")
        }
    }

    @Test func aReviewRequestIsAnnouncedWhenDueAndNeverOnceStale() async throws {
        let clock = TestClock(weekday: 2, hour: 12, in: Self.bucharest)
        try await withService(clock: clock) { service in
            let merchant = try await service.newMerchant()
            func delivered() async throws -> ShippedOrder {
                try await service.shippedOrder(merchant, placedAt: isoTime(clock.now.addingTimeInterval(-3600)), at: clock.now.addingTimeInterval(-60))
            }
            func dueAt(_ order: ShippedOrder) async throws -> Date {
                let page = try await service.call(.get, "/v1/review-requests?due_before=\(isoTime(clock.now.addingTimeInterval(30 * 86_400)))",
                                                  key: merchant.apiKey)
                let request = try #require((page["items"] as? [[String: Any]])?.first { $0["shipment_id"] as? String == order.shipment }, "\(page.text)")
                return try #require((request["due_at"] as? String).flatMap(APITime.instant))
            }
            let early = try await delivered()
            let earlyDue = try await dueAt(early)
            clock.set(earlyDue.addingTimeInterval(5 * 86_400))
            let late = try await delivered()
            let lateDue = try await dueAt(late)
            #expect(lateDue.timeIntervalSince(earlyDue) > Double(ReviewRequests.staleAfterDays) * 86_400, "the early one is stale when the late one falls due")

            let merchantID = MerchantID(try #require(UUID(uuidString: merchant.id)))
            func sendDue(at time: Date) async throws -> Int {
                clock.set(time)
                return try await withStores(clock) { try await ReviewStore(database: $0).sendDueRequests(merchant: merchantID, now: clock.now, logger: testLogger) }
            }
            #expect(try await sendDue(at: lateDue.addingTimeInterval(-60)) == 0, "a minute early for the late one; the early one is stale")
            #expect(try await sendDue(at: lateDue) == 1)
            #expect(try await sendDue(at: lateDue.addingTimeInterval(3600)) == 0, "sent once")
            #expect(try await outboxEventTypes(merchant, typePrefix: "review.requested", order: early.id).isEmpty)
            #expect(try await outboxEventTypes(merchant, typePrefix: "review.requested", order: late.id) == ["review.requested"])
        }
    }
}
