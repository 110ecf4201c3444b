import Foundation

/// A promise made at checkout, as calibration reads it back: its raw forecast, the latest date it
/// gave, and its delivery so far.
public struct MadePromise: Sendable {
    public var promisedAt: Date
    public var forecastStart: LocalDate
    public var forecast: [Double]
    public var latest: LocalDate
    public var deliveredOn: LocalDate?
    /// The location's, whose calendar "today" is counted in.
    public var timeZone: TimeZone
    /// Whether the engine chose `latest` at the merchant's target: a delivery slot the customer
    /// picked says nothing about the level promises are cut at.
    public var cutAtTarget: Bool

    public init(promisedAt: Date, forecastStart: LocalDate, forecast: [Double], latest: LocalDate, deliveredOn: LocalDate?,
                timeZone: TimeZone, cutAtTarget: Bool) {
        self.promisedAt = promisedAt
        self.forecastStart = forecastStart
        self.forecast = forecast
        self.latest = latest
        self.deliveredOn = deliveredOn
        self.timeZone = timeZone
        self.cutAtTarget = cutAtTarget
    }
}

/// A promise as recalibration sees it: where the delivery fell in the forecast made at checkout
/// (its PIT, the forecast's probability of delivery by that date), or, while it is still under
/// way, the PIT it has already passed (the one it would have if it arrived today).
public struct PromiseStanding: Sendable, Equatable {
    public var pit: Double
    public var delivered: Bool

    public init(pit: Double, delivered: Bool) {
        self.pit = pit
        self.delivered = delivered
    }

    /// The outcome as known at the start of `today`: delivered on `deliveredOn` if that was
    /// before today; otherwise still under way, with at least the PIT a delivery today would have.
    public init(deliveredOn: LocalDate?, today: LocalDate, forecast cumulative: [Double], from start: LocalDate) {
        if let deliveredOn, deliveredOn < today {
            self.init(pit: Recalibration.pit(of: deliveredOn, cumulative: cumulative, from: start), delivered: true)
        } else {
            self.init(pit: Recalibration.pit(of: today, cumulative: cumulative, from: start), delivered: false)
        }
    }
}

/// Makes stated confidence mean what it says, from how recent promises are turning out. If
/// forecasts were honest, PITs would spread evenly over 0…1; when deliveries have been running
/// later than forecast, they bunch high. The share of recent promises' PITs at or below a raw
/// probability is the honest probability. Recent means *made* recently, delivered or not: counting
/// only the promises delivered recently would count the fast ones of a slow spell and miss its
/// slow ones, which have not arrived yet. Those still under way count as censored (Kaplan–Meier).
public struct Recalibration: Sendable, Equatable {
    /// Fewer delivered promises than this say too little; the raw forecast stands.
    public static let minimumSample = 50
    /// Only promises made in this many recent days count: the point is to follow drift.
    public static let windowDays = 90.0

    /// Steps of the honest distribution: at each PIT, the share of promises at or below it.
    private let pits: [Double]
    private let shares: [Double]

    public static let identity = Recalibration(pits: [], shares: [])

    private init(pits: [Double], shares: [Double]) {
        self.pits = pits
        self.shares = shares
    }

    /// Identity when too few promises were delivered to learn from.
    public init(_ outcomes: [PromiseStanding]) {
        guard outcomes.filter(\.delivered).count >= Self.minimumSample else {
            self = .identity
            return
        }
        // At equal PITs a delivery comes before a censoring: the censored one is still at risk then.
        let sorted = outcomes.sorted { ($0.pit, $0.delivered ? 0 : 1) < ($1.pit, $1.delivered ? 0 : 1) }
        var atRisk = Double(sorted.count), survival = 1.0
        var pits: [Double] = [], shares: [Double] = []
        for outcome in sorted {
            if outcome.delivered {
                survival *= 1 - 1 / atRisk
                pits.append(outcome.pit)
                shares.append(1 - survival)
            }
            atRisk -= 1
        }
        self.init(pits: pits, shares: shares)
    }

    /// From the promises made in the last `windowDays` before `now`.
    public init(_ promises: [MadePromise], now: Date) {
        self.init(promises.filter { $0.promisedAt < now && now.timeIntervalSince($0.promisedAt) <= Self.windowDays * 86_400 }.map {
            PromiseStanding(deliveredOn: $0.deliveredOn, today: LocalDate(now, in: $0.timeZone), forecast: $0.forecast, from: $0.forecastStart)
        })
    }

    public var isIdentity: Bool { pits.isEmpty }

    /// The honest probability for a raw one: the share of recent promises at or below it. Past
    /// the last delivered PIT, the share still under way there (lost parcels, a slow spell) is
    /// spread evenly up to a raw 1, so every level stays reachable and a quote always has a window.
    public func honest(_ raw: Double) -> Double {
        guard let lastPIT = pits.last, let lastShare = shares.last else { return raw }
        if raw > lastPIT + 1e-12 {
            return lastPIT >= 1 ? 1 : min(1, lastShare + (1 - lastShare) * (raw - lastPIT) / (1 - lastPIT))
        }
        var low = 0, high = pits.count
        while low < high {
            let middle = (low + high) / 2
            if pits[middle] <= raw + 1e-12 { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? 0 : shares[low - 1]
    }

    /// Where `date` fell in a forecast given as cumulative probabilities by day from `start`: the
    /// midpoint of the step at that date, so that a discrete forecast still yields even PITs.
    public static func pit(of date: LocalDate, cumulative: [Double], from start: LocalDate) -> Double {
        let offset = date.days(since: start)
        func at(_ index: Int) -> Double {
            index < 0 ? 0 : index < cumulative.count ? cumulative[index] : 1
        }
        return (at(offset - 1) + at(offset)) / 2
    }
}

/// A promise's outcome once it is known: kept on the day it was delivered, or missed on the day
/// after its latest date passed without a delivery.
public struct PromiseResolution: Sendable, Equatable {
    public var knownOn: LocalDate
    public var kept: Bool

    public init(knownOn: LocalDate, kept: Bool) {
        self.knownOn = knownOn
        self.kept = kept
    }

    /// The resolution known by the start of `today`; nil while the promise is still open.
    public init?(latest: LocalDate, deliveredOn: LocalDate?, today: LocalDate) {
        if let deliveredOn, deliveredOn <= latest {
            guard deliveredOn < today else { return nil }
            self.init(knownOn: deliveredOn, kept: true)
        } else {
            guard latest < today else { return nil }
            self.init(knownOn: latest.adding(days: 1), kept: false)
        }
    }
}

/// Adaptive conformal inference (Gibbs & Candès, 2021) after `Recalibration`: the level a
/// promise is cut at moves each day by how far that day's resolved promises strayed from the
/// target, so the share kept returns to the target whatever the drift. Recalibration follows
/// drift with a lag of its window; this catches what it has not caught yet. A day is one step
/// whatever the merchant's volume, and a day with few resolutions moves it less. Resolutions
/// count by the day they became known, not by when the promise was made: among recent promises
/// the kept ones are known early and the missed ones late, so counting by promise would lean
/// towards "kept" exactly when deliveries slow down.
public struct AdaptiveLevel: Sendable, Equatable {
    /// Days of resolutions the level is built from, starting from no offset.
    public static let windowDays = 90
    /// Promises made this many days back may still resolve inside the window; older ones rarely do.
    public static let candidateDays = 180.0
    /// How far one day's full miss rate moves the level: memory of about 1 / step days.
    public static let stepPerDay = 0.02
    /// Resolutions at which a day counts half.
    public static let halfWeightResolutions = 10.0
    public static let none = AdaptiveLevel(offset: 0)

    /// Added to the target to find the honest level to cut at; taken from the honest
    /// probability to state the confidence.
    public let offset: Double

    init(offset: Double) {
        self.offset = offset
    }

    /// From the promises cut at `target` whose outcome became known in the last `windowDays`.
    public init(target: Double, promises: [MadePromise], now: Date) {
        self.init(target: target, resolutions: promises.compactMap { promise in
            let today = LocalDate(now, in: promise.timeZone)
            guard promise.cutAtTarget, promise.promisedAt < now,
                  let resolution = PromiseResolution(latest: promise.latest, deliveredOn: promise.deliveredOn, today: today),
                  resolution.knownOn >= today.adding(days: -Self.windowDays) else { return nil }
            return resolution
        })
    }

    /// Steps through the days in order, from no offset.
    public init(target: Double, resolutions: [PromiseResolution]) {
        var offset = 0.0
        for day in Dictionary(grouping: resolutions, by: \.knownOn).sorted(by: { $0.key < $1.key }) {
            let count = Double(day.value.count)
            let missRate = Double(day.value.filter { !$0.kept }.count) / count
            offset += Self.stepPerDay * (missRate - (1 - target)) * count / (count + Self.halfWeightResolutions)
            // A level past 1 asks for a window no forecast can give; below the window's opening
            // quantile, for one that closes before it opens.
            offset = min(max(offset, 1 - 2 * target), 0.999 - target)
        }
        self.init(offset: offset)
    }
}
