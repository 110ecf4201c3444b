import Foundation
import PorchlightCore
import Testing

@Suite struct StandardReturnPolicyTests {
    @Test func theStandardPolicyCountsDaysWhereTheMerchantsFirstLocationIs() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)  // BUC-1, in Europe/Bucharest
            // A later location, whose code sorts first: "first" is the first set up.
            let later = try await service.call(.put, "/v1/locations/AAA-NYC", key: merchant.apiKey, json: [
                "country": "US", "time_zone": "America/New_York", "cutoff_time": "14:00", "handling_days": 1,
                "working_days": ["mon", "tue", "wed", "thu", "fri"],
            ])
            #expect(later.status == .created, "\(later.text)")
            let standard = try await service.call(.get, "/v1/return-policy", key: merchant.apiKey)
            #expect(standard["version"] as? Int == 0 && standard["time_zone"] as? String == "Europe/Bucharest", "\(standard.text)")

            let order = try await service.shippedOrder(merchant)
            let eligibility = try await service.call(.get, "/v1/orders/\(order.id)/return-eligibility", key: merchant.apiKey)
            #expect(eligibility["policy_version"] as? Int == 0, "\(eligibility.text)")
            let tee = try #require((eligibility["lines"] as? [[String: Any]])?.first { $0["sku"] as? String == "TEE" }, "\(eligibility.text)")
            let bucharest = try #require(TimeZone(identifier: "Europe/Bucharest"))
            let lastDay = LocalDate(order.scannedAt, in: bucharest).adding(days: 30)
            #expect(tee["last_day"] as? String == lastDay.description)
            #expect(tee["deadline"] as? String == APITime.text(lastDay.adding(days: 1).instant(atMinute: 0, in: bucharest)), "midnight in Bucharest")
        }
    }

    @Test func withoutALocationTheStandardPolicyCountsInUTC() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let standard = try await service.call(.get, "/v1/return-policy", key: merchant.apiKey)
            let zone = try #require((standard["time_zone"] as? String).flatMap(TimeZone.init(identifier:)), "\(standard.text)")
            #expect(standard["version"] as? Int == 0 && zone.secondsFromGMT() == 0, "\(standard.text)")
        }
    }
}
