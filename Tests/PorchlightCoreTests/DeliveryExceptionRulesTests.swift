import Foundation
import PorchlightCore
import Testing

@Suite struct DeliveryExceptionRulesTests {
    private let bucharest = TimeZone(identifier: "Europe/Bucharest")!

    private func instant(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    @Test func openHoursAddUpAcrossAWeekendAndAHoliday() {
        let weekdays = WorkCalendar(days: Weekday.mondayToFriday)
        // Friday 2026-12-04 08:00 local: 16 hours on Friday, 24 on Monday, 8 on Tuesday.
        let friday = instant("2026-12-04T06:00:00Z")
        #expect(weekdays.instant(afterOpenHours: 48, from: friday, in: bucharest) == instant("2026-12-08T06:00:00Z"))
        #expect(weekdays.openHours(from: friday, to: instant("2026-12-08T06:00:00Z"), in: bucharest) == 48)
        // With Monday a holiday, the window runs into Wednesday.
        let holiday = WorkCalendar(days: Weekday.mondayToFriday, holidays: [LocalDate(year: 2026, month: 12, day: 7)])
        #expect(holiday.instant(afterOpenHours: 48, from: friday, in: bucharest) == instant("2026-12-09T06:00:00Z"))
        // Starting on a Saturday counts from Monday's midnight.
        #expect(weekdays.instant(afterOpenHours: 24, from: instant("2026-12-05T10:00:00Z"), in: bucharest) == instant("2026-12-07T22:00:00Z"))
    }

    @Test func reasonsComeFromTheScansSubstatus() {
        #expect(DeliveryExceptionReason(.recipientUnavailable) == .customerUnavailable)
        #expect(DeliveryExceptionReason(.addressIssue) == .addressProblem)
        #expect(DeliveryExceptionReason(.idRequired) == .paymentOrID)
        #expect(DeliveryExceptionReason(.paymentDue) == .paymentOrID)
        #expect(DeliveryExceptionReason(.accessProblem) == .accessProblem)
        #expect(DeliveryExceptionReason(nil) == .carrierProblem)
        #expect(DeliveryExceptionReason(.weatherDelay) == .carrierProblem)
        // A wrong address is not fixed by coming again to it.
        #expect(!DeliveryExceptionReason.addressProblem.remedies.contains(.reattempt))
        #expect(DeliveryExceptionReason.allCases.allSatisfy { $0.remedies.contains(.returnToSender) })
    }

    @Test func onlyTheBuyerMayAskForMoreThanAReattempt() {
        #expect(DeliveryActionKind.allCases.filter { $0.allowed(for: .postalCode) } == [.reattempt])
        #expect(DeliveryActionKind.allCases.allSatisfy { $0.allowed(for: .email) && $0.allowed(for: .link) })
    }

    @Test func postalCodesFollowTheirCountrysFormat() {
        #expect(Countries.hasPostalFormat("030031", country: "RO"))
        #expect(!Countries.hasPostalFormat("0300", country: "RO"))
        #expect(Countries.hasPostalFormat("sw1a 1aa", country: "GB"))
        #expect(Countries.hasPostalFormat("1012 AB", country: "NL"))
        #expect(!Countries.hasPostalFormat("1012", country: "NL"))
        #expect(Countries.hasPostalFormat("00-001", country: "PL"))
        #expect(Countries.hasPostalFormat("12345", country: "ZZ"), "a country without a table takes any postal code")
        #expect(!Countries.hasPostalFormat("1", country: "ZZ"))
        #expect(Countries.timeZone(of: "RO").identifier == "Europe/Bucharest")
        #expect(Countries.timeZone(of: "ZZ").secondsFromGMT(for: Date()) == 0)
    }

    @Test func settingsNameEveryFieldToFix() {
        let point = PickupPoint(id: "bad id", name: "", address: Address(name: nil, line1: "", line2: nil, city: "Cluj", region: nil, postalCode: "1", country: "RO"),
                                openingHours: [OpeningHours(days: [.mon], opens: "9:00", closes: "08:00")])
        let settings = DeliverySettings(actionWindowHours: 500, reattemptDays: 0, defaultAction: .instructions, pickupPoints: [point])
        #expect(throws: DomainError.self) { try settings.validate() }
        do {
            try settings.validate()
        } catch .validation(let errors) {
            #expect(Set(errors.map(\.field)) == ["action_window_hours", "reattempt_days", "default_action", "pickup_points[0].id",
                                                 "pickup_points[0].name", "pickup_points[0].address.line1", "pickup_points[0].address.postal_code",
                                                 "pickup_points[0].opening_hours[0].opens"])
        } catch {
            Issue.record("\(error)")
        }
        #expect(throws: Never.self) { try DeliverySettings.standard.validate() }
    }
}
