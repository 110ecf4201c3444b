import Foundation

/// One measured duration in whole (working) days. A censored observation is one still under way:
/// it is known to have lasted at least through `days` without finishing.
public struct DurationObservation: Sendable, Equatable {
    public var days: Int
    public var finished: Bool
    public var weight: Double
    /// What it counts for as evidence: its weight, unless the weight was scaled up to stand for
    /// shipments left out of a sample; one sampled shipment is still one shipment's information.
    public var evidence: Double

    public init(days: Int, finished: Bool, weight: Double = 1, evidence: Double? = nil) {
        self.days = days
        self.finished = finished
        self.weight = weight
        self.evidence = evidence ?? weight
    }
}

/// A probability distribution over whole days `0...maxDays`; whatever mass is left beyond
/// `maxDays` is the tail, so quantiles past it are unknown rather than invented.
public struct DayDistribution: Sendable, Equatable {
    public static let maxDays = 90

    /// `probabilities[d]` is the chance the duration is exactly `d` days.
    public private(set) var probabilities: [Double]
    /// The weight of evidence behind it: the summed evidence of the observations it was learned
    /// from (recent ones count fully, old ones less); 0 for configured ones.
    public let evidence: Double
    /// The longest duration the data reached; the mass left past it (durations still running when
    /// the data ended) is unknown.
    let lastObservedDay: Int

    init(probabilities: [Double], evidence: Double, lastObservedDay: Int = DayDistribution.maxDays) {
        self.probabilities = probabilities
        self.evidence = evidence
        self.lastObservedDay = lastObservedDay
    }

    /// Always exactly `days`.
    public static func fixed(_ days: Int) -> DayDistribution {
        uniform(days...days)
    }

    /// Equally likely anywhere in `range`: what a configured "2–4 days" says.
    public static func uniform(_ range: ClosedRange<Int>) -> DayDistribution {
        let lower = min(max(range.lowerBound, 0), maxDays)
        let upper = min(max(range.upperBound, lower), maxDays)
        var probabilities = [Double](repeating: 0, count: maxDays + 1)
        for day in lower...upper { probabilities[day] = 1 / Double(upper - lower + 1) }
        return DayDistribution(probabilities: probabilities, evidence: 0)
    }

    /// The weighted Kaplan–Meier estimate: observations still under way count as "at risk" up to
    /// the day they have reached, so a slow week in progress is not mistaken for a fast one.
    /// Nil when nothing has finished.
    public static func kaplanMeier(_ observations: [DurationObservation]) -> DayDistribution? {
        DurationTally(observations).kaplanMeier
    }

    /// Learned data shrunk towards a broader prior: with little evidence the prior dominates, with
    /// much the data does (`priorWeight` is how many observations the prior is worth).
    /// Where the data ran out with durations still running, the prior says how that tail plays out.
    public func shrunk(towards prior: DayDistribution, priorWeight: Double) -> DayDistribution {
        var completed = probabilities
        let tail = 1 - probabilities.reduce(0, +)
        if tail > 1e-9 && lastObservedDay < Self.maxDays {
            let after = prior.given(atLeast: lastObservedDay + 1)
            for day in completed.indices { completed[day] += tail * after.probabilities[day] }
        }
        let share = evidence / (evidence + priorWeight)
        let blended = zip(completed, prior.probabilities).map { share * $0 + (1 - share) * $1 }
        return DayDistribution(probabilities: blended, evidence: evidence + prior.evidence)
    }

    /// P(duration ≤ day).
    public func cumulative(through day: Int) -> Double {
        guard day >= 0 else { return 0 }
        return probabilities[...min(day, Self.maxDays)].reduce(0, +)
    }

    /// The smallest day by which at least `level` of the mass has finished; nil if that lies in
    /// the unknown tail.
    public func quantile(_ level: Double) -> Int? {
        var sum = 0.0
        for (day, probability) in probabilities.enumerated() {
            sum += probability
            if sum >= level - 1e-9 { return day }
        }
        return nil
    }

    /// The distribution of the duration given that it has already lasted `elapsed` days without
    /// finishing: what is left of a parcel's journey after `elapsed` days on the road.
    public func given(atLeast elapsed: Int) -> DayDistribution {
        let start = max(0, elapsed)
        let remaining = probabilities.indices.reduce(0.0) { $1 >= start ? $0 + probabilities[$1] : $0 }
        var conditioned = [Double](repeating: 0, count: probabilities.count)
        if remaining > 1e-9 {
            for day in start..<probabilities.count { conditioned[day] = probabilities[day] / remaining }
        } else {
            // Longer than anything seen: the best honest guess is "any day now".
            conditioned[min(start, Self.maxDays)] = 1
        }
        return DayDistribution(probabilities: conditioned, evidence: evidence)
    }
}

/// Observations summed by day: all that the Kaplan–Meier estimate reads of them. Tallies add up,
/// so the estimate for several groups together needs no second pass over their observations.
struct DurationTally: Sendable {
    /// Weight finishing on each day, and leaving the risk set after each day (finished or still
    /// under way); the last slot holds durations past `maxDays`.
    private var finished = [Double](repeating: 0, count: DayDistribution.maxDays + 2)
    private var leaving = [Double](repeating: 0, count: DayDistribution.maxDays + 2)
    private var evidence = 0.0

    init() {}

    init(_ observations: some Sequence<DurationObservation>) {
        for observation in observations { add(observation) }
    }

    mutating func add(_ observation: DurationObservation) {
        guard observation.days >= 0 && observation.weight > 0 else { return }
        let day = min(observation.days, DayDistribution.maxDays + 1)
        leaving[day] += observation.weight
        if observation.finished { finished[day] += observation.weight }
        evidence += observation.evidence
    }

    static func + (lhs: DurationTally, rhs: DurationTally) -> DurationTally {
        var sum = lhs
        for day in sum.leaving.indices {
            sum.finished[day] += rhs.finished[day]
            sum.leaving[day] += rhs.leaving[day]
        }
        sum.evidence += rhs.evidence
        return sum
    }

    /// Nil when nothing finished within `maxDays`.
    var kaplanMeier: DayDistribution? {
        let maxDays = DayDistribution.maxDays
        guard finished[...maxDays].contains(where: { $0 > 0 }) else { return nil }
        var probabilities = [Double](repeating: 0, count: maxDays + 1)
        var atRisk = leaving.reduce(0, +)
        var survival = 1.0
        for day in 0...maxDays where atRisk > 0 {
            let hazard = finished[day] / atRisk
            probabilities[day] = survival * hazard
            survival *= 1 - hazard
            atRisk -= leaving[day]
        }
        let lastDay = min(leaving.lastIndex { $0 > 0 } ?? 0, maxDays)
        return DayDistribution(probabilities: probabilities, evidence: evidence, lastObservedDay: lastDay)
    }
}
