import Foundation
import PorchlightCore
import PorchlightServer
import Testing

@Suite struct DemoPromiseTests {
    /// The quote the `scripts/run` banner prints, after loading the demo as it does: every
    /// courier promises Cluj a window of a few days starting within the week, as the lane is
    /// configured (one handling day, one to three delivery days), and none claims certainty.
    @Test func theDemoQuoteToClujIsAWindowAMerchantWouldRecognise() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant("Demo Shop")
            let merchantID = try #require(UUID(uuidString: merchant.id))
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                try await loadDemoOrders(count: 300, merchant: merchantID, client: client, logger: testLogger)
            }
            let reply = try await service.call(.post, "/v1/delivery-quotes", key: merchant.apiKey, json: [
                "location": "WH-BUCHAREST", "destination": ["country": "RO", "region": "CJ"],
            ])
            #expect(reply.status == .created, "\(reply.text)")
            let options = try #require(reply["options"] as? [[String: Any]], "\(reply.text)")
            #expect(options.compactMap { $0["carrier"] as? String } == ["dhl", "fan_courier", "ups"], "\(reply.text)")
            let quotedAt = try #require((reply["quoted_at"] as? String).flatMap(APITime.instant))
            let today = LocalDate(quotedAt, in: try #require(TimeZone(identifier: "Europe/Bucharest")))
            let deliveryDays = WorkCalendar(days: Weekday.mondayToSaturday)
            let warehouse = try await service.call(.get, "/v1/locations/WH-BUCHAREST", key: merchant.apiKey)
            let holidays = (warehouse["holidays"] as? [String] ?? []).compactMap(LocalDate.init)
            for option in options {
                let window = try #require(option["window"] as? [String: Any], "\(option)")
                let earliest = try #require((window["earliest"] as? String).flatMap(LocalDate.init), "\(option)")
                let latest = try #require((window["latest"] as? String).flatMap(LocalDate.init), "\(option)")
                #expect(earliest.days(since: today) <= 7, "\(option)")
                // Four delivery days at most from the first to the last (a Sunday may fall between),
                // and one more for each day the warehouse closes meanwhile (Christmas, New Year).
                let closed = holidays.filter { $0 >= today && $0 <= latest }.count
                #expect(deliveryDays.openDays(after: earliest, through: latest) <= 4 + closed, "\(option)")
                let confidence = try #require(option["confidence"] as? Double, "\(option)")
                #expect(confidence >= 0.9 && confidence < 1, "\(option)")
                #expect((option["basis"] as? [String: Any])?["handling"] as? String == "location", "\(option)")
            }
        }
    }
}
