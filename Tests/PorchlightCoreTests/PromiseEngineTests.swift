import Foundation
@testable import PorchlightCore
import Testing

let bucharest = TimeZone(identifier: "Europe/Bucharest")!

func date(_ text: String) -> LocalDate { LocalDate(text)! }

let warehouse = FulfilmentLocation(
    code: "BUC-1", country: "RO", region: "B", timeZone: bucharest, cutoffMinutes: 14 * 60, handlingDays: 1,
    workingDays: WorkCalendar(days: Weekday.mondayToFriday, holidays: [date("2026-12-25")]))

let courier = CarrierService(
    carrier: "fan", serviceLevel: "express",
    pickupDays: WorkCalendar(days: Weekday.mondayToFriday), deliveryDays: WorkCalendar(days: Weekday.mondayToSaturday),
    baselineTransit: [BaselineTransit(country: "RO", days: 1...2), BaselineTransit(country: "RO", region: "CJ", days: 2...3)])

@Suite struct CalendarTests {
    @Test func datesRoundTripAndKnowTheirWeekday() {
        #expect(date("2026-11-26").weekday == .thu)
        #expect(date("2024-02-29").description == "2024-02-29")
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2026-13-01") == nil)
        #expect(date("2026-12-31").adding(days: 1).description == "2027-01-01")
        #expect(LocalDate(instant("2026-11-26T22:30:00Z"), in: bucharest).description == "2026-11-27")
    }

    @Test func workingDaysSkipWeekendsAndHolidays() {
        let days = warehouse.workingDays
        #expect(days.advance(date("2026-11-27"), by: 1).description == "2026-11-30")  // Friday → Monday
        #expect(days.advance(date("2026-12-24"), by: 1).description == "2026-12-28")  // Christmas, then the weekend
        #expect(days.openDays(after: date("2026-11-27"), through: date("2026-11-30")) == 1)
        #expect(days.firstOpen(onOrAfter: date("2026-11-28")).description == "2026-11-30")
    }

    @Test func theCutOffIsLocalTimeAcrossDaylightSavingChanges() {
        // Summer (UTC+3) and winter (UTC+2): the 14:00 cut-off is 11:00Z and 12:00Z.
        #expect(warehouse.handlingStart(forOrderPlacedAt: instant("2026-07-01T10:59:00Z")).description == "2026-07-01")
        #expect(warehouse.handlingStart(forOrderPlacedAt: instant("2026-07-01T11:01:00Z")).description == "2026-07-02")
        #expect(warehouse.handlingStart(forOrderPlacedAt: instant("2026-12-02T11:59:00Z")).description == "2026-12-02")
        #expect(warehouse.handlingStart(forOrderPlacedAt: instant("2026-12-02T12:01:00Z")).description == "2026-12-03")
        // Friday 25 October 2026, the weekend of the change back: after the cut-off, Monday.
        #expect(warehouse.handlingStart(forOrderPlacedAt: instant("2026-10-23T11:30:00Z")).description == "2026-10-26")
        // On the Sunday of the change itself, midnight local is still found correctly.
        #expect(date("2026-10-25").instant(atMinute: 14 * 60, in: bucharest) == instant("2026-10-25T12:00:00Z"))
        #expect(date("2026-03-29").instant(atMinute: 14 * 60, in: bucharest) == instant("2026-03-29T11:00:00Z"))
    }
}

@Suite struct TransitLearningTests {
    @Test func censoredShipmentsStillOnTheRoadLengthenTheEstimate() {
        let finished = (0..<40).map { _ in DurationObservation(days: 2, finished: true) }
        let slowOnesStillGoing = (0..<40).map { _ in DurationObservation(days: 4, finished: false) }
        let withCensoring = DayDistribution.kaplanMeier(finished + slowOnesStillGoing)!
        let ignoringThem = DayDistribution.kaplanMeier(finished)!
        #expect(ignoringThem.quantile(0.9) == 2)
        // Half the mass is known to take more than 4 days: the 90% point is not known yet.
        #expect(withCensoring.quantile(0.9) == nil)
        #expect(abs(withCensoring.cumulative(through: 4) - 0.5) < 1e-9)
        // Where the data runs out, the broader level says how the tail plays out.
        let completed = withCensoring.shrunk(towards: .uniform(3...8), priorWeight: 0)
        #expect(completed.quantile(0.9)! >= 5)
    }

    @Test func recentShipmentsWeighMore() {
        let old = (0..<50).map { _ in DurationObservation(days: 2, finished: true, weight: 0.1) }
        let recent = (0..<50).map { _ in DurationObservation(days: 5, finished: true, weight: 1) }
        let learned = DayDistribution.kaplanMeier(old + recent)!
        #expect(learned.quantile(0.5) == 5)
    }

    @Test func aLaneWithLittleDataLeansOnBroaderLevels() {
        let now = instant("2026-11-20T12:00:00Z")
        func record(_ destinationRegion: String, handedOff: String, delivered: String) -> ShipmentHistoryRecord {
            ShipmentHistoryRecord(service: courier.key, locationCode: "BUC-1", origin: Destination(country: "RO", region: "B"),
                                  destination: Destination(country: "RO", region: destinationRegion),
                                  placedAt: instant(handedOff).addingTimeInterval(-86_400), handedOffAt: instant(handedOff),
                                  deliveredAt: instant(delivered), learningKey: instant(handedOff))
        }
        // 60 shipments to Iași (IS) took 4 delivery days; 3 to Cluj (CJ) took 1.
        let history = (0..<60).map { _ in record("IS", handedOff: "2026-11-02T10:00:00Z", delivered: "2026-11-06T10:00:00Z") }
            + (0..<3).map { _ in record("CJ", handedOff: "2026-11-02T10:00:00Z", delivered: "2026-11-03T10:00:00Z") }
        let model = TransitModel(history: HistorySample(shipments: history, threshold: nil), asOf: now,
                                 locations: ["BUC-1": warehouse], services: [courier.key: courier])
        let origin = Destination(country: "RO", region: "B")
        let (iasi, iasiBasis) = model.transit(courier, from: origin, to: Destination(country: "RO", region: "IS"))!
        #expect(iasiBasis == .lane)
        #expect(iasi.quantile(0.5) == 4)
        // Cluj: three observations are not enough to name the lane; the route (mostly Iași) dominates.
        let (cluj, clujBasis) = model.transit(courier, from: origin, to: Destination(country: "RO", region: "CJ"))!
        #expect(clujBasis == .route)
        #expect(cluj.quantile(0.5)! > 1)
        // No baseline into Hungary: the service does not deliver there, whatever else it learned.
        #expect(model.transit(courier, from: origin, to: Destination(country: "HU", region: nil)) == nil)
        // Handling was one day everywhere: measured, it replaces the configured value.
        #expect(model.handling(at: warehouse).1 == .location)
    }
}

@Suite struct PromiseEngineTests {
    let engine = PromiseEngine(model: TransitModel(history: HistorySample(shipments: [], threshold: nil), asOf: Date(), locations: [:], services: [:]), policy: PromisePolicy())

    @Test func aQuoteCountsHandlingPickupAndDeliveryDays() throws {
        // Thursday 13:00 local: handled Thursday, handed off Friday, delivered Saturday or Monday.
        let option = try #require(engine.quote(courier, from: warehouse, to: Destination(country: "RO", region: nil), at: instant("2026-11-26T11:00:00Z")))
        #expect(option.handlingStartsOn.description == "2026-11-26")
        #expect(option.window.earliest.description == "2026-11-28")
        #expect(option.window.latest.description == "2026-11-30")
        #expect(option.window.confidence >= 0.93)
        #expect(option.transitBasis == .configured && option.handlingBasis == .configured)
        // The region's own baseline wins over the country's.
        let cluj = try #require(engine.quote(courier, from: warehouse, to: Destination(country: "RO", region: "CJ"), at: instant("2026-11-26T11:00:00Z")))
        #expect(cluj.window.latest.description == "2026-12-01")
    }

    @Test func holidaysPushTheWindow() throws {
        // Wednesday 23 December after the cut-off: handling starts Thursday 24, hand-off skips Christmas.
        let option = try #require(engine.quote(courier, from: warehouse, to: Destination(country: "RO", region: nil), at: instant("2026-12-23T13:00:00Z")))
        #expect(option.handlingStartsOn.description == "2026-12-24")
        #expect(option.window.earliest.description == "2026-12-29")
    }

    @Test func estimatesRuleOutWhatTimeOnTheRoadHasRuledOut() throws {
        let handedOff = instant("2026-11-23T09:00:00Z")  // Monday
        let (atHandOff, _) = try #require(engine.estimate(.inTransit(handedOffAt: handedOff), service: courier, from: warehouse,
                                                            to: Destination(country: "RO", region: nil), now: handedOff))
        #expect(atHandOff.earliest.description == "2026-11-24" && atHandOff.latest.description == "2026-11-25")
        let (laterOn, _) = try #require(engine.estimate(.inTransit(handedOffAt: handedOff), service: courier, from: warehouse,
                                                          to: Destination(country: "RO", region: nil), now: instant("2026-11-25T08:00:00Z")))
        #expect(laterOn.earliest.description == "2026-11-25" && laterOn.latest.description == "2026-11-25")
        let (outForDelivery, basis) = try #require(engine.estimate(.outForDelivery(scannedAt: instant("2026-11-24T06:00:00Z")), service: courier,
                                                                   from: warehouse, to: Destination(country: "RO", region: nil), now: instant("2026-11-24T07:00:00Z")))
        #expect(outForDelivery.latest.description == "2026-11-24" && basis == .latestScan)
    }

    /// An estimate's window is the merchant's (as the promise's is), unless a coverage is asked
    /// for: a slow carrier (1 to 10 delivery days, evenly) gives days 1 to 10 at 90%, 3 to 8 at 50%.
    @Test func estimatesUseTheMerchantsWindowOrAskedCoverage() throws {
        var slow = courier
        slow.baselineTransit = [BaselineTransit(country: "RO", days: 1...10)]
        let handedOff = instant("2026-11-23T09:00:00Z")  // Monday; delivery days Monday to Saturday
        let romania = Destination(country: "RO", region: nil)
        func window(target: Double, coverage: Double?) throws -> DeliveryWindow {
            let engine = PromiseEngine(model: engine.model, policy: PromisePolicy(onTimeTarget: target))
            return try #require(engine.estimate(.inTransit(handedOffAt: handedOff), service: slow, from: warehouse,
                                                to: romania, now: handedOff, coverage: coverage)).0
        }
        for target in [0.5, 0.93] {
            let ninety = try window(target: target, coverage: 0.9)
            #expect(ninety.earliest.description == "2026-11-24" && ninety.latest.description == "2026-12-04", "target \(target)")
            let half = try window(target: target, coverage: 0.5)
            #expect(half.earliest.description == "2026-11-26" && half.latest.description == "2026-12-02", "target \(target)")
        }
        // The merchant's 0.5: the median day (day 5, Saturday 28th) at both ends.
        let merchants = try window(target: 0.5, coverage: nil)
        #expect(merchants.earliest.description == "2026-11-28" && merchants.latest.description == "2026-11-28")
    }

    @Test func trackingDecidesWhatIsLeftToEstimate() {
        let placed = instant("2026-11-20T09:00:00Z"), pickedUp = instant("2026-11-21T09:00:00Z"), out = instant("2026-11-23T07:00:00Z")
        func stage(_ events: [TimelineEntry]) -> PromiseEngine.Progress? {
            PromiseEngine.Progress(TrackingRules.progress(of: events), orderPlacedAt: placed)
        }
        guard case .awaitingHandOff(placed)? = stage([TimelineEntry(status: .infoReceived, substatus: nil, occurredAt: pickedUp)]) else { Issue.record("label only"); return }
        guard case .inTransit(pickedUp)? = stage([TimelineEntry(status: .inTransit, substatus: nil, occurredAt: pickedUp)]) else { Issue.record("in transit"); return }
        guard case .outForDelivery(out)? = stage([TimelineEntry(status: .inTransit, substatus: nil, occurredAt: pickedUp),
                                                  TimelineEntry(status: .outForDelivery, substatus: nil, occurredAt: out)]) else { Issue.record("out"); return }
        #expect(stage([TimelineEntry(status: .returnedToSender, substatus: nil, occurredAt: out)]) == nil)
        #expect(stage([TimelineEntry(status: .delivered, substatus: nil, occurredAt: out)]) == nil)
    }

    @Test func slotsStartFarEnoughAheadAndAfterTheWindow() {
        let scheduled = ScheduledDelivery(minimumLeadDays: 3, horizonDays: 3, slots: [.init(startMinutes: 540, endMinutes: 660, capacity: 5)])
        let window = DeliveryWindow(earliest: date("2026-11-25"), latest: date("2026-11-26"), confidence: 0.95)
        let days = scheduled.slotDays(after: window, orderedOn: date("2026-11-23"), deliveryDays: courier.deliveryDays)
        #expect(days.map(\.description) == ["2026-11-26", "2026-11-27", "2026-11-28"])
        #expect(ScheduledDelivery.slotID(day: days[0], slot: scheduled.slots[0]) == "2026-11-26/09:00")
    }
}

@Suite struct ArrivalMessageTests {
    @Test func acceptLanguagePicksTheBestSupportedLanguage() {
        #expect(CustomerLanguage.negotiate(nil) == .en)
        #expect(CustomerLanguage.negotiate("ro-RO,ro;q=0.9,en;q=0.8") == .ro)
        #expect(CustomerLanguage.negotiate("ja-JP, es;q=0.5, en;q=0.4") == .es)
        #expect(CustomerLanguage.negotiate("fr-FR, es;q=0.5, en;q=0.4") == .fr)
        #expect(CustomerLanguage.negotiate("en;q=0.2, ru;q=0.9") == .ru)
        #expect(CustomerLanguage.negotiate("zh-CN") == .zhHans)
        #expect(CustomerLanguage.negotiate("zh-Hans-SG") == .zhHans)
        #expect(CustomerLanguage.negotiate("zh-TW") == .en)
        #expect(CustomerLanguage.negotiate("id-ID") == .id)
        #expect(CustomerLanguage.negotiate("es;q=0, ja") == .en)
        #expect(CustomerLanguage.negotiate("es;q=0, de") == .de)
        #expect(CustomerLanguage.negotiate(";;,,") == .en)
    }

    @Test func eachLanguageWritesDatesItsOwnWay() {
        let thursday = date("2026-11-26")
        #expect(CustomerLanguage.en.format(thursday) == "Thursday 26 November")
        #expect(CustomerLanguage.es.format(thursday) == "jueves, 26 de noviembre")
        #expect(CustomerLanguage.ro.format(thursday) == "joi, 26 noiembrie")
        #expect(CustomerLanguage.id.format(thursday) == "Kamis, 26 November")
        #expect(CustomerLanguage.ru.format(thursday) == "26 ноября")
        #expect(CustomerLanguage.zhHans.format(thursday) == "11月26日星期四")
        #expect(CustomerLanguage.ptBR.format(thursday) == "quinta-feira, 26 de novembro")
        #expect(CustomerLanguage.de.format(thursday) == "Donnerstag, 26. November")
        #expect(CustomerLanguage.fr.format(thursday) == "jeudi 26 novembre")
        #expect(CustomerLanguage.it.format(thursday) == "giovedì 26 novembre")
        #expect(CustomerLanguage.pl.format(thursday) == "26 listopada", "like Russian: the month's genitive, no weekday")
        #expect(CustomerLanguage.pl.format(date("2027-01-04")) == "4 stycznia")
        #expect(CustomerLanguage.pl.format(date("2026-05-02")) == "2 maja")
        #expect(CustomerLanguage.tr.format(thursday) == "26 Kasım Perşembe")
        #expect(CustomerLanguage.nl.format(thursday) == "donderdag 26 november")
        // Read again, each language's text comes from the memo: still its own.
        #expect(CustomerLanguage.allCases.map { $0.format(thursday) } == CustomerLanguage.allCases.map { $0.formatWithoutMemo(thursday) })
    }

    @Test func everySituationHasASentenceInEveryLanguage() {
        let window = DeliveryWindow(earliest: date("2026-11-25"), latest: date("2026-11-26"), confidence: 0.93)
        let situations: [ArrivalSituation] = [
            .delivered(on: date("2026-11-24")), .outForDelivery(today: date("2026-11-24")), .onItsWay(window), .onItsWay(nil),
            .runningLate(window), .beingPrepared(window), .beingPrepared(nil), .deliveryProblem, .cancelled,
        ]
        for language in CustomerLanguage.allCases {
            let sentences = situations.map { ArrivalMessage.sentence($0, in: language) }
            #expect(Set(sentences).count == situations.count, "\(language): every situation reads differently")
        }
        #expect(ArrivalMessage.sentence(.onItsWay(window), in: .en) == "Your order is on its way and should arrive between Wednesday 25 November and Thursday 26 November.")
        #expect(ArrivalMessage.sentence(.runningLate(window), in: .es) == "Tu pedido lleva retraso y ahora debería llegar entre el miércoles, 25 de noviembre y el jueves, 26 de noviembre.")
        #expect(ArrivalMessage.sentence(.onItsWay(window), in: .zhHans) == "您的订单正在运输途中，预计11月25日星期三至11月26日星期四送达。")
    }
}

/// Recent promises that were all delivered, with these PITs.
func delivered(_ pits: [Double]) -> [PromiseStanding] { pits.map { PromiseStanding(pit: $0, delivered: true) } }

@Suite struct RecalibrationTests {
    @Test func lateRunningDeliveriesMakeStatedConfidenceHonest() {
        // Deliveries have been landing late: every PIT in the top half of the forecast.
        let late = Recalibration(delivered((0..<100).map { 0.5 + Double($0) / 200 }))
        #expect(late.honest(0.5) < 0.02)
        #expect(abs(late.honest(0.9) - 0.8) < 0.02)
        #expect(Recalibration(delivered([0.9, 0.95])).isIdentity, "two outcomes are too few to learn from")
        #expect(Recalibration.identity.honest(0.93) == 0.93)
    }

    /// A slow spell: of 200 recent promises, the 100 delivered came early in their forecasts
    /// (PITs up to 0.5) and the other 100 are still under way, already past PIT 0.5. Counting the
    /// delivered ones alone would call a raw 0.5 certain; the promises made recently say half.
    @Test func promisesStillUnderWayCountAsLaterThanTheyHaveGot() {
        let arrived = delivered((0..<100).map { Double($0) / 200 })
        let underWay = (0..<100).map { _ in PromiseStanding(pit: 0.5, delivered: false) }
        #expect(Recalibration(arrived).honest(0.5) == 1)
        let honest = Recalibration(arrived + underWay)
        #expect(abs(honest.honest(0.5) - 0.5) < 0.01)
        #expect(abs(honest.honest(0.25) - 0.25) < 0.01)
        // Past the last delivery the half still under way spreads up to a raw 1: every level
        // stays reachable, so promises are still quoted (with a later latest date).
        #expect(abs(honest.honest(0.75) - 0.75) < 0.02)
        #expect(honest.honest(1) == 1)
        let model = TransitModel(history: HistorySample(shipments: [], threshold: nil), asOf: Date(), locations: [:], services: [:])
        let engine = PromiseEngine(model: model, policy: PromisePolicy(), recalibration: honest)
        let quoted = engine.quote(courier, from: warehouse, to: Destination(country: "RO", region: nil), at: instant("2026-11-26T11:00:00Z"))
        #expect(quoted != nil)
        // Still under way today: at least the PIT of a delivery today, whatever happened later.
        let forecast = [0.2, 0.6, 1.0]
        let standing = PromiseStanding(deliveredOn: date("2026-11-30"), today: date("2026-11-26"), forecast: forecast, from: date("2026-11-25"))
        #expect(standing == PromiseStanding(pit: 0.4, delivered: false))
        let done = PromiseStanding(deliveredOn: date("2026-11-25"), today: date("2026-11-26"), forecast: forecast, from: date("2026-11-25"))
        #expect(done == PromiseStanding(pit: 0.1, delivered: true))
        // Delivered today: not yet known at the start of today.
        let today = PromiseStanding(deliveredOn: date("2026-11-26"), today: date("2026-11-26"), forecast: forecast, from: date("2026-11-25"))
        #expect(today == PromiseStanding(pit: 0.4, delivered: false))
    }

    @Test func aPromiseAimsAtTheHonestLevel() throws {
        let model = TransitModel(history: HistorySample(shipments: [], threshold: nil), asOf: Date(), locations: [:], services: [:])
        let raw = PromiseEngine(model: model, policy: PromisePolicy())
        let at = instant("2026-11-26T11:00:00Z")
        let destination = Destination(country: "RO", region: nil)
        // Handling on Thursday, the hand-off on Friday, then one or two delivery days: Saturday
        // (raw 0.5) or Monday (raw 1), and only Monday reaches the target.
        let rawOption = try #require(raw.quote(courier, from: warehouse, to: destination, at: at))
        #expect(rawOption.window.latest == date("2026-11-30"))

        // Deliveries have been landing early, every PIT in the bottom half: a raw 0.5 is in truth
        // certain, and the honest promise ends on Saturday.
        let early = PromiseEngine(model: model, policy: PromisePolicy(), recalibration: Recalibration(delivered((0..<100).map { Double($0) / 200 })))
        let earlyOption = try #require(early.quote(courier, from: warehouse, to: destination, at: at))
        #expect(earlyOption.window.latest == date("2026-11-28"))
        #expect(earlyOption.window.confidence >= 0.93)

        // Landing late, every PIT in the top half: a raw 0.95 is in truth 0.9, so over twenty
        // possible days the honest promise takes one day more than the raw one.
        let slow = CarrierService(carrier: "fan", serviceLevel: "economy", pickupDays: courier.pickupDays, deliveryDays: courier.deliveryDays,
                                  baselineTransit: [BaselineTransit(country: "RO", days: 1...20)])
        let late = PromiseEngine(model: model, policy: PromisePolicy(), recalibration: Recalibration(delivered((0..<100).map { 0.5 + Double($0) / 200 })))
        let rawSlow = try #require(raw.quote(slow, from: warehouse, to: destination, at: at))
        let lateSlow = try #require(late.quote(slow, from: warehouse, to: destination, at: at))
        #expect(lateSlow.window.latest == slow.deliveryDays.advance(rawSlow.window.latest, by: 1), "raw \(rawSlow.window), honest \(lateSlow.window)")
        #expect(lateSlow.window.confidence >= 0.93)
        // The raw forecast is what the ledger keeps: cumulative, ending at certainty.
        #expect(rawOption.forecast.last == 1 && rawOption.forecast == rawOption.forecast.sorted())
        #expect(Recalibration.pit(of: date("2026-11-26"), cumulative: [0.2, 0.6, 1], from: date("2026-11-25")) == 0.4)
        #expect(Recalibration.pit(of: date("2026-12-30"), cumulative: [0.2, 0.6, 1], from: date("2026-11-25")) == 1)
    }
}
