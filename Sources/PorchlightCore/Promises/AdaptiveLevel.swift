import Foundation

extension PromiseOutcome {
    /// Kept when delivered on or before the latest date.
    public init(deliveredOn: LocalDate, latest: LocalDate) {
        self = deliveredOn <= latest ? .kept : .missed
    }
}

/// A promise's outcome, dated by the day whose end decided it: its delivery day when delivered
/// by its latest date, otherwise its latest date (by that day's end it could no longer be kept).
public struct PromiseResolution: Sendable, Equatable {
    public var decidedOn: LocalDate
    public var outcome: PromiseOutcome

    public init(decidedOn: LocalDate, outcome: PromiseOutcome) {
        self.decidedOn = decidedOn
        self.outcome = outcome
    }

    /// The resolution known at the start of `today`; nil while the promise can still be kept.
    public init?(latest: LocalDate, deliveredOn: LocalDate?, today: LocalDate) {
        let decidedOn = deliveredOn.map { min($0, latest) } ?? latest
        guard decidedOn < today else { return nil }
        self.init(decidedOn: decidedOn, outcome: deliveredOn.map { PromiseOutcome(deliveredOn: $0, latest: latest) } ?? .missed)
    }

    /// The resolution of a promise as calibration reads it back; nil while it can still be kept,
    /// for a slot the customer picked (not cut at the target), or for an order cancelled before
    /// its promise could be missed.
    public init?(_ promise: MadePromise, today: LocalDate) {
        guard !promise.hasSlot, !promise.withdrawn else { return nil }
        self.init(latest: promise.latest, deliveredOn: promise.deliveredOn, today: today)
    }
}

/// Adaptive conformal inference (Gibbs & Candès, 2021) after `Recalibration`: the level promises
/// are cut at moves after each day by how far that day's resolved promises strayed from the
/// target (+`stepPerDay` × (miss rate − (1 − target)), a day with n resolutions weighing
/// n / (n + `halfWeightResolutions`)), so the long-run share kept returns to the target whatever
/// the drift. Recalibration follows drift with the lag of its window; this catches the rest.
/// Resolutions count by the day that decided them, not by when the promise was made: among
/// recent promises the kept ones are decided early and the missed ones late, so counting by
/// promise would lean towards "kept" exactly when deliveries slow down.
///
/// The state is the offset and the last day stepped through; the store keeps it per merchant so
/// that it accumulates beyond any window and every replica starts from the same one. A day is
/// stepped once, `reportingGraceDays` after it ended, so that deliveries reported a little late
/// still count (a delivery reported later than that counts in recalibration, not here).
public struct AdaptiveLevel: Sendable, Equatable {
    /// A merchant without a state starts this many days back, so its first level already
    /// reflects its recent promises.
    public static let warmUpDays = 90
    /// How far one day's full miss rate moves the level: memory of about 1 / step days.
    public static let stepPerDay = 0.02
    /// Resolutions at which a day counts half.
    public static let halfWeightResolutions = 10.0
    /// Days a day's deliveries may take to be reported before the day is stepped.
    public static let reportingGraceDays = 3

    public var target: Double
    /// Added to the target to find the honest level to cut at; taken from the honest
    /// probability to state the confidence.
    public var offset: Double
    /// The last day whose resolutions have moved the offset.
    public var steppedThrough: LocalDate

    public init(target: Double, offset: Double, steppedThrough: LocalDate) {
        self.target = target
        self.offset = offset
        self.steppedThrough = steppedThrough
    }

    /// No offset: promises are cut at the recalibrated target.
    public static func none(target: Double) -> AdaptiveLevel {
        AdaptiveLevel(target: target, offset: 0, steppedThrough: LocalDate(daysSinceEpoch: 0))
    }

    /// Where a merchant with this stored state (nil: none, or kept for another target) starts:
    /// the stored state, or no offset from `warmUpDays` before today.
    public static func start(from stored: AdaptiveLevel?, target: Double, today: LocalDate) -> AdaptiveLevel {
        if let stored, stored.target == target { return stored }
        return AdaptiveLevel(target: target, offset: 0, steppedThrough: today.adding(days: -warmUpDays - 1))
    }

    /// Steps through each day after `steppedThrough` that ended at least `reportingGraceDays`
    /// before `today`, in order.
    public func advanced(to today: LocalDate, resolutions: [PromiseResolution]) -> AdaptiveLevel {
        var level = self
        let through = today.adding(days: -1 - Self.reportingGraceDays)
        let days = Dictionary(grouping: resolutions.filter { $0.decidedOn > steppedThrough && $0.decidedOn <= through }, by: \.decidedOn)
        for (_, resolved) in days.sorted(by: { $0.key < $1.key }) {
            let count = Double(resolved.count)
            let missRate = Double(resolved.filter { $0.outcome == .missed }.count) / count
            level.offset += Self.stepPerDay * (missRate - (1 - target)) * count / (count + Self.halfWeightResolutions)
            // A level past 1 asks for a window no forecast can give; below the window's opening
            // quantile, for one that closes before it opens.
            level.offset = min(max(level.offset, 1 - 2 * target), 0.999 - target)
        }
        level.steppedThrough = max(steppedThrough, through)
        return level
    }

    /// The state after stepping through the resolutions of the promises made since the target
    /// was set (`targetSetAt`; those cut at another target say nothing about this one), up to
    /// `today`, the earliest of the merchant's locations' dates (`today(_:timeZones:)`): a day
    /// is stepped once it has ended everywhere.
    public func advanced(to today: LocalDate, now: Date, promises: [MadePromise], targetSetAt: Date?) -> AdaptiveLevel {
        advanced(to: today, resolutions: promises.compactMap { promise in
            if let targetSetAt, promise.promisedAt < targetSetAt { return nil }
            return PromiseResolution(promise, today: LocalDate(now, in: promise.timeZone))
        })
    }

    /// The earliest of the dates at `now` in these time zones; nil without any.
    public static func today(_ now: Date, timeZones: some Sequence<TimeZone>) -> LocalDate? {
        timeZones.map { LocalDate(now, in: $0) }.min()
    }
}
