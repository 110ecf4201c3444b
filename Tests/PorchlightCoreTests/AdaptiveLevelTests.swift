import Foundation
import Testing
@testable import PorchlightCore

/// A month of days from 1 October 2026, `count` resolutions a day of which the first `missed`
/// were missed.
private func month(_ count: Int, missed: Int) -> [PromiseResolution] {
    (0..<30).flatMap { day in
        (0..<count).map { PromiseResolution(decidedOn: date("2026-10-01").adding(days: day), outcome: $0 < missed ? .missed : .kept) }
    }
}

/// The first day on which all of October has been stepped: its last day ended, and the grace
/// for late reports has passed.
private let octoberStepped = date("2026-11-01").adding(days: AdaptiveLevel.reportingGraceDays)

private func fresh(_ target: Double) -> AdaptiveLevel {
    AdaptiveLevel(target: target, offset: 0, steppedThrough: date("2026-09-30"))
}

@Suite struct AdaptiveLevelTests {
    @Test func aPromiseIsDecidedByTheEndOfItsDeliveryDayOrOfItsLatestDate() {
        let latest = date("2026-11-27")
        // Delivered on the latest date: kept, known once that day is over.
        #expect(PromiseResolution(latest: latest, deliveredOn: latest, today: date("2026-11-27")) == nil)
        #expect(PromiseResolution(latest: latest, deliveredOn: latest, today: date("2026-11-28")) == PromiseResolution(decidedOn: latest, outcome: .kept))
        // Not delivered by the end of the latest date: missed, dated that day, whether it came later or not at all.
        #expect(PromiseResolution(latest: latest, deliveredOn: nil, today: date("2026-11-27")) == nil)
        #expect(PromiseResolution(latest: latest, deliveredOn: nil, today: date("2026-11-28")) == PromiseResolution(decidedOn: latest, outcome: .missed))
        #expect(PromiseResolution(latest: latest, deliveredOn: date("2026-12-02"), today: date("2026-11-28"))
                == PromiseResolution(decidedOn: latest, outcome: .missed))
        #expect(PromiseResolution(latest: latest, deliveredOn: date("2026-11-25"), today: date("2026-11-26"))
                == PromiseResolution(decidedOn: date("2026-11-25"), outcome: .kept))
    }

    @Test func theLevelRisesAfterMissesAndFallsAfterKeptPromises() {
        // A month in which 3 of every 10 promises were missed, against a target that allows 0.7.
        let missing = fresh(0.93).advanced(to: octoberStepped, resolutions: month(10, missed: 3))
        let step = AdaptiveLevel.stepPerDay * (0.3 - 0.07) * 10 / (10 + AdaptiveLevel.halfWeightResolutions)
        #expect(abs(missing.offset - 30 * step) < 1e-9)
        #expect(missing.steppedThrough == date("2026-10-31"))
        // Before the grace has passed, the last days wait.
        #expect(fresh(0.93).advanced(to: date("2026-11-01"), resolutions: month(10, missed: 3)).offset < missing.offset)
        // All kept: it falls, but never below the window's opening quantile.
        #expect(fresh(0.93).advanced(to: octoberStepped, resolutions: month(10, missed: 0)).offset < 0)
        #expect(fresh(0.6).advanced(to: octoberStepped, resolutions: month(400, missed: 0)).offset >= 1 - 2 * 0.6 - 1e-12)
        // Exactly on target: no move. A thin day moves it less than a full one.
        #expect(abs(fresh(0.9).advanced(to: octoberStepped, resolutions: month(10, missed: 1)).offset) < 1e-12)
        let oneDay = date("2026-10-01")
        let thin = fresh(0.93).advanced(to: octoberStepped, resolutions: [PromiseResolution(decidedOn: oneDay, outcome: .missed)])
        let full = fresh(0.93).advanced(to: octoberStepped, resolutions: Array(repeating: PromiseResolution(decidedOn: oneDay, outcome: .missed), count: 100))
        #expect(thin.offset > 0 && thin.offset < full.offset)
    }

    /// The state carries on: each day is stepped once, however often the level is advanced, and
    /// never before the grace for late reports after its end has passed.
    @Test func eachDayIsSteppedOnceAndOnlyOnceItsReportsAreIn() {
        let resolutions = month(10, missed: 3)
        let inOneGo = fresh(0.93).advanced(to: octoberStepped, resolutions: resolutions)
        var dayByDay = fresh(0.93)
        for day in 1...(31 + AdaptiveLevel.reportingGraceDays) {
            dayByDay = dayByDay.advanced(to: date("2026-10-01").adding(days: day), resolutions: resolutions)
            dayByDay = dayByDay.advanced(to: date("2026-10-01").adding(days: day), resolutions: resolutions)
        }
        #expect(abs(dayByDay.offset - inOneGo.offset) < 1e-12)
        #expect(dayByDay.steppedThrough == date("2026-10-31"))
        // A miss decided on 31 October waits until the grace has passed.
        let missed = [PromiseResolution(decidedOn: date("2026-10-31"), outcome: .missed)]
        #expect(fresh(0.93).advanced(to: octoberStepped.adding(days: -1), resolutions: missed).offset == 0)
        #expect(fresh(0.93).advanced(to: octoberStepped, resolutions: missed).offset > 0)
    }

    @Test func aNewTargetStartsAfreshAndCountsOnlyPromisesCutAtIt() {
        let stored = AdaptiveLevel(target: 0.93, offset: 0.04, steppedThrough: date("2026-11-20"))
        let today = date("2026-11-26")
        #expect(AdaptiveLevel.start(from: stored, target: 0.93, today: today) == stored)
        let changed = AdaptiveLevel.start(from: stored, target: 0.8, today: today)
        #expect(changed == AdaptiveLevel(target: 0.8, offset: 0, steppedThrough: today.adding(days: -AdaptiveLevel.warmUpDays - 1)))
        // A promise made before the target changed was cut at the old one: it does not count.
        let zone = TimeZone(identifier: "Europe/Bucharest")!
        let missedBefore = MadePromise(promisedAt: instant("2026-11-01T10:00:00Z"), forecastStart: date("2026-11-01"), forecast: [1],
                                       latest: date("2026-11-05"), deliveredOn: nil, timeZone: zone)
        var missedAfter = missedBefore
        missedAfter.promisedAt = instant("2026-11-02T10:00:00Z")
        let now = instant("2026-11-26T11:00:00Z"), setAt = instant("2026-11-01T12:00:00Z")
        #expect(changed.advanced(to: today, now: now, promises: [missedBefore], targetSetAt: setAt).offset == 0)
        #expect(changed.advanced(to: today, now: now, promises: [missedAfter], targetSetAt: setAt).offset > 0)
    }

    @Test func promisesAreCutAtTheAdaptiveLevelAndStateWhatItMeans() throws {
        let model = TransitModel(history: HistorySample(shipments: [], threshold: nil), asOf: Date(), locations: [:], services: [:])
        let at = instant("2026-11-26T11:00:00Z")
        let destination = Destination(country: "RO", region: nil)
        // The courier's configured 1–2 days: half the forecast on each day. Eight of ten missed
        // against a target of one half.
        let missing = fresh(0.5).advanced(to: octoberStepped, resolutions: month(10, missed: 8))
        #expect(missing.offset > 0.05)
        let plain = try #require(PromiseEngine(model: model, policy: PromisePolicy(onTimeTarget: 0.5)).quote(courier, from: warehouse, to: destination, at: at))
        let adapted = try #require(PromiseEngine(model: model, policy: PromisePolicy(onTimeTarget: 0.5), levelOffset: missing.offset)
            .quote(courier, from: warehouse, to: destination, at: at))
        #expect(adapted.window.latest > plain.window.latest)
        // The stated confidence is the forecast's (no recalibration here) less the offset: what
        // recent promises bear out.
        let raw = adapted.forecast[adapted.window.latest.days(since: adapted.handlingStartsOn)]
        #expect(abs(adapted.window.confidence - (raw - missing.offset)) < 1e-3)
    }

    /// The estimate compares its latest date with the promise's, so it is cut at the same
    /// calibrated level: an order just placed is not at risk however far calibration moved both.
    @Test func anEstimateIsCutWhereThePromiseIs() throws {
        let model = TransitModel(history: HistorySample(shipments: [], threshold: nil), asOf: Date(), locations: [:], services: [:])
        let at = instant("2026-11-26T11:00:00Z")
        let destination = Destination(country: "RO", region: nil)
        let offset = fresh(0.5).advanced(to: octoberStepped, resolutions: month(10, missed: 8)).offset
        let engine = PromiseEngine(model: model, policy: PromisePolicy(onTimeTarget: 0.5), levelOffset: offset)
        let promise = try #require(engine.quote(courier, from: warehouse, to: destination, at: at))
        let (estimate, _) = try #require(engine.estimate(.awaitingHandOff(placedAt: at), service: courier, from: warehouse, to: destination, now: at))
        #expect(estimate == promise.window)
        let (raw, _) = try #require(PromiseEngine(model: model, policy: PromisePolicy(onTimeTarget: 0.5))
            .estimate(.awaitingHandOff(placedAt: at), service: courier, from: warehouse, to: destination, now: at))
        #expect(raw.latest < estimate.latest)
    }

    @Test func slotsAndOrdersCancelledInTimeDoNotCount() {
        let now = instant("2026-11-26T11:00:00Z")
        let zone = TimeZone(identifier: "Europe/Bucharest")!
        func promise(latest: String, deliveredOn: String? = nil, cancelledAt: String? = nil, hasSlot: Bool = false) -> MadePromise {
            MadePromise(promisedAt: instant("2026-11-01T10:00:00Z"), forecastStart: date("2026-11-01"), forecast: [0.5, 1],
                        latest: date(latest), deliveredOn: deliveredOn.map(date), cancelledAt: cancelledAt.map(instant),
                        timeZone: zone, hasSlot: hasSlot)
        }
        let today = date("2026-11-26")
        let level = fresh(0.93).advanced(to: today, now: now, promises: [
            promise(latest: "2026-11-20"),  // missed
            promise(latest: "2026-11-20", hasSlot: true),  // a slot the customer chose
            promise(latest: "2026-11-20", cancelledAt: "2026-11-18T09:00:00Z"),  // cancelled before it could be late
            promise(latest: "2026-11-20", cancelledAt: "2026-11-23T09:00:00Z"),  // lost, refunded after its latest date: missed
            promise(latest: "2026-11-19", deliveredOn: "2026-11-18"),  // kept
            promise(latest: "2026-11-30"),  // still open
        ], targetSetAt: nil)
        let expected = fresh(0.93).advanced(to: today, resolutions: [
            PromiseResolution(decidedOn: date("2026-11-20"), outcome: .missed), PromiseResolution(decidedOn: date("2026-11-20"), outcome: .missed),
            PromiseResolution(decidedOn: date("2026-11-18"), outcome: .kept),
        ])
        #expect(level == expected)
        #expect(level.offset > 0)
    }
}
