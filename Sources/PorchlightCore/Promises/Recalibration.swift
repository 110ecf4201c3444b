import Foundation

/// A promise made at checkout, as calibration reads it back: its raw forecast, the latest date it
/// gave, and its delivery so far.
public struct MadePromise: Sendable {
    public var promisedAt: Date
    public var forecastStart: LocalDate
    public var forecast: [Double]
    public var latest: LocalDate
    public var deliveredOn: LocalDate?
    /// When the order was cancelled, if it was: a parcel never sent is neither kept nor missed,
    /// but one lost and refunded after its latest date was missed.
    public var cancelledAt: Date?
    /// The location's, whose calendar "today" is counted in.
    public var timeZone: TimeZone
    /// A delivery slot the customer picked: its latest date was not cut at the merchant's target.
    public var hasSlot: Bool

    public init(promisedAt: Date, forecastStart: LocalDate, forecast: [Double], latest: LocalDate, deliveredOn: LocalDate?,
                cancelledAt: Date? = nil, timeZone: TimeZone, hasSlot: Bool = false) {
        self.promisedAt = promisedAt
        self.forecastStart = forecastStart
        self.forecast = forecast
        self.latest = latest
        self.deliveredOn = deliveredOn
        self.cancelledAt = cancelledAt
        self.timeZone = timeZone
        self.hasSlot = hasSlot
    }

    /// The day the order was cancelled on, in the location's calendar.
    var cancelledOn: LocalDate? { cancelledAt.map { LocalDate($0, in: timeZone) } }

    /// Whether the order was cancelled before its promise could be missed.
    var withdrawn: Bool { cancelledOn.map { $0 <= latest && deliveredOn == nil } ?? false }
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

    /// From the promises made in the last `windowDays` before `now`. One cancelled after its
    /// latest date stays under way where it stood on the cancellation day.
    public init(_ promises: [MadePromise], now: Date) {
        self.init(promises.filter { $0.promisedAt < now && now.timeIntervalSince($0.promisedAt) <= Self.windowDays * 86_400 && !$0.withdrawn }.map {
            let today = LocalDate(now, in: $0.timeZone)
            return PromiseStanding(deliveredOn: $0.deliveredOn, today: $0.cancelledOn.map { min($0.adding(days: 1), today) } ?? today,
                                   forecast: $0.forecast, from: $0.forecastStart)
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
