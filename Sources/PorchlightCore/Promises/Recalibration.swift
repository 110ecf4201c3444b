import Foundation

/// Makes stated confidence mean what it says, from how past promises turned out. For each
/// delivered order, its PIT is where the delivery date fell in the forecast made at checkout (the
/// forecast's probability of delivery by that date). If forecasts were honest, PITs would spread
/// evenly over 0…1; when deliveries have been running later than forecast, they bunch high. The
/// share of recent PITs at or below a raw probability is the honest probability.
public struct Recalibration: Sendable, Equatable {
    /// Fewer resolved promises than this say too little; the raw forecast stands.
    public static let minimumSample = 50
    /// Only promises delivered in this many recent days count: the point is to follow drift.
    public static let windowDays = 90.0

    private let sortedPITs: [Double]

    public static let identity = Recalibration(sortedPITs: [])

    private init(sortedPITs: [Double]) {
        self.sortedPITs = sortedPITs
    }

    /// Identity when there are too few outcomes to learn from.
    public init(pits: [Double]) {
        self.init(sortedPITs: pits.count >= Self.minimumSample ? pits.sorted() : [])
    }

    public var isIdentity: Bool { sortedPITs.isEmpty }

    /// The honest probability for a raw one: the share of past outcomes at or below it.
    public func honest(_ raw: Double) -> Double {
        guard !sortedPITs.isEmpty else { return raw }
        var low = 0, high = sortedPITs.count
        while low < high {
            let middle = (low + high) / 2
            if sortedPITs[middle] <= raw + 1e-12 { low = middle + 1 } else { high = middle }
        }
        return Double(low) / Double(sortedPITs.count)
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
