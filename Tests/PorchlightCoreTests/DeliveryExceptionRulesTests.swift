import Foundation
import PorchlightCore
import Testing

@Suite struct DeliveryExceptionRulesTests {
    private let bucharest = TimeZone(identifier: "Europe/Bucharest")!

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

@Suite struct DeliveryActionEdgeTests {
    /// An order to Bucharest whose parcel failed its attempt at `attempt` (the exception opened then).
    private func failed(at attempt: Date, context: MerchantContext = .standard) throws -> (OrderRecord, DeliveryExceptionRecord) {
        let placed = attempt.addingTimeInterval(-3 * 86_400)
        var order = placedOrder(orderDraft(placedAt: placed))
        try order.ship(at: placed, scans: [scan(.attemptedDelivery, at: attempt, substatus: .recipientUnavailable, id: "a1")])
        order.keepDeliveryExceptionsInStep(now: attempt, newID: UUID.init, context: context)
        return (order, try #require(order.deliveryExceptions.first))
    }

    /// A merchant whose carrier delivers on these days.
    private func delivering(on days: Set<Weekday>) -> MerchantContext {
        MerchantContext(silenceCalendars: SilenceCalendars(location: nil, deliveryDays: [SilenceCalendars.key(carrier: "dhl", serviceLevel: ""): days]))
    }

    @Test func theWindowEndsAfterItsWorkingHoursInTheDestinationAndNotASecondLater() throws {
        // Friday 10:00 in Bucharest: 14 hours on Friday, 24 on Monday, 10 on Tuesday.
        var (order, exception) = try failed(at: instant("2026-12-04T08:00:00Z"))
        #expect(exception.respondBy == instant("2026-12-08T08:00:00Z") && exception.escalatesAt == instant("2026-12-07T08:00:00Z"))
        var late = order
        #expect(throws: DomainError.conflict("The time to choose ended at 2026-12-08T08:00:00.000Z.")) {
            try late.requestDeliveryAction(DeliveryActionRequest(kind: .returnToSender), exception: exception.id, source: .customer, proof: .email,
                                           now: exception.respondBy, id: UUID(), context: .standard)
        }
        try order.requestDeliveryAction(DeliveryActionRequest(kind: .returnToSender), exception: exception.id, source: .customer, proof: .email,
                                        now: exception.respondBy.addingTimeInterval(-1), id: UUID(), context: .standard)
        exception = try #require(order.deliveryExceptions.first)
        #expect(exception.status == .actionRequested)
    }

    @Test func aReattemptIsOnADayTheCarrierDeliversFromTomorrow() throws {
        let friday = instant("2026-12-04T08:00:00Z")
        var (order, exception) = try failed(at: friday)
        let weekdays = MerchantContext.standard
        #expect(order.deliveryChoices(exception.id, proof: .email, now: friday, context: weekdays)?.dates.map(\.description)
                == ["2026-12-07", "2026-12-08", "2026-12-09"])
        #expect(throws: DomainError.self) {
            try order.requestDeliveryAction(DeliveryActionRequest(kind: .reattempt, date: LocalDate("2026-12-05")!), exception: exception.id,
                                            source: .customer, proof: .email, now: friday, id: UUID(), context: weekdays)
        }
        let mondayToSaturday = delivering(on: Weekday.mondayToSaturday)
        let (saturdays, saturdayException) = try failed(at: friday, context: mondayToSaturday)
        #expect(saturdays.deliveryChoices(saturdayException.id, proof: .email, now: friday, context: mondayToSaturday)?.dates.first?.description
                == "2026-12-05")
        // The estimate moves to the chosen day.
        try order.requestDeliveryAction(DeliveryActionRequest(kind: .reattempt, date: LocalDate("2026-12-08")!), exception: exception.id,
                                        source: .customer, proof: .email, now: friday, id: UUID(), context: weekdays)
        #expect(order.shipments[0].estimate?.window.latest.description == "2026-12-08" && order.shipments[0].estimate?.basis == .customerChoice)
        exception = try #require(order.deliveryExceptions.first)
        #expect(order.deliveryChoices(exception.id, proof: .email, now: friday, context: weekdays) == DeliveryChoices.nothing,
                "nothing more while an action is in force")
    }

    @Test func theDefaultIsTakenOnceAndAFailureAfterTheWindowGivesTheCustomerANewOne() throws {
        var (order, exception) = try failed(at: instant("2026-12-04T08:00:00Z"))
        let expiry = exception.respondBy.addingTimeInterval(60)
        order.keepDeliveryExceptionsInStep(now: expiry, newID: UUID.init, context: .standard)
        let taken = try #require(order.deliveryExceptions.first?.actions.first)
        #expect(taken.source == .default && taken.request.kind == .returnToSender)
        try order.failDeliveryAction(taken.id, reason: "Depot closed", now: expiry, context: .standard)
        exception = try #require(order.deliveryExceptions.first)
        #expect(exception.status == .open && exception.respondBy > expiry, "a new window from the failure")
        order.keepDeliveryExceptionsInStep(now: exception.respondBy.addingTimeInterval(60), newID: UUID.init, context: .standard)
        #expect(order.deliveryExceptions.first?.actions.count == 1, "the default is taken once: after that the merchant decides")
    }

    @Test func theDefaultIsOnlyWhatTheReasonAndTheCarrierAllow() throws {
        var (order, exception) = try failed(at: instant("2026-12-04T08:00:00Z"))
        var context = MerchantContext(
            deliverySettings: DeliverySettings(actionWindowHours: 48, reattemptDays: 5, defaultAction: .reattempt, pickupPoints: []))
        // The carrier takes only instructions: no default can be taken, the merchant decides.
        context.carrierDeliveryActions = [SilenceCalendars.key(carrier: "dhl", serviceLevel: ""): [.instructions]]
        var restricted = order
        restricted.keepDeliveryExceptionsInStep(now: exception.respondBy.addingTimeInterval(60), newID: UUID.init, context: context)
        #expect(restricted.deliveryExceptions.first?.actions.isEmpty == true)
        // Every kind taken: the merchant's reattempt, on the first day offered after the window.
        context.carrierDeliveryActions = [:]
        order.keepDeliveryExceptionsInStep(now: exception.respondBy.addingTimeInterval(60), newID: UUID.init, context: context)
        let taken = try #require(order.deliveryExceptions.first?.actions.first)
        #expect(taken.request.kind == .reattempt && taken.request.date?.description == "2026-12-09", "\(taken)")
        exception = try #require(order.deliveryExceptions.first)
        #expect(exception.status == .actionRequested)
    }
}
