import Foundation

/// How a merchant's deliveries ended, in a period: how many arrived at the first attempt, how
/// many failed attempts someone acted on and then arrived, and how many went back (RTO).
public struct DeliveryStats: Sendable, Equatable {
    /// Parcels delivered or returned to the sender in the period.
    public var finished: Int
    /// Delivered without a failed attempt before.
    public var deliveredFirstAttempt: Int
    /// With at least one failed attempt.
    public var failedAttempts: Int
    /// With an action after a failed attempt (asked by the customer, the merchant or the default)
    /// that the carrier acknowledged.
    public var actioned: Int
    /// Of those, delivered.
    public var deliveredAfterAction: Int
    public var returnedToSender: Int

    public var firstAttemptRate: Double? { Self.rate(deliveredFirstAttempt, of: finished) }
    public var resolutionRate: Double? { Self.rate(deliveredAfterAction, of: actioned) }
    public var rtoRate: Double? { Self.rate(returnedToSender, of: finished) }

    static func rate(_ count: Int, of total: Int) -> Double? {
        total == 0 ? nil : (Double(count) / Double(total) * 10_000).rounded() / 10_000
    }

    public static let zero = DeliveryStats(finished: 0, deliveredFirstAttempt: 0, failedAttempts: 0, actioned: 0, deliveredAfterAction: 0,
                                           returnedToSender: 0)
}

/// What the figures are grouped by.
public enum DeliveryAnalyticsGrouping: String, Sendable, CaseIterable {
    /// `carrier/service_level`.
    case carrierService = "carrier_service"
    /// `country` or `country/region` of the destination.
    case region
    /// The reason of the parcel's first failed attempt (`none` without one).
    case reason
    /// The week (its Monday, UTC) the parcel finished in.
    case week
}

public struct DeliveryAnalytics: Sendable, Equatable {
    public var overall: DeliveryStats
    /// By the chosen grouping's key, most parcels first.
    public var groups: [(key: String, stats: DeliveryStats)]

    public static func == (a: DeliveryAnalytics, b: DeliveryAnalytics) -> Bool {
        a.overall == b.overall && a.groups.map(\.key) == b.groups.map(\.key) && a.groups.map(\.stats) == b.groups.map(\.stats)
    }

    /// How some finished parcels ended, as the store counts them per group.
    public struct FinishedParcels: Sendable {
        public var key: String
        public var delivered: Bool
        public var failedAttempt: Bool
        public var actioned: Bool
        public var count: Int

        public init(key: String, delivered: Bool, failedAttempt: Bool, actioned: Bool, count: Int) {
            (self.key, self.delivered, self.failedAttempt, self.actioned, self.count) = (key, delivered, failedAttempt, actioned, count)
        }
    }

    public init(_ counts: [FinishedParcels]) {
        func stats(_ counts: [FinishedParcels]) -> DeliveryStats {
            counts.reduce(into: .zero) { stats, parcels in
                stats.finished += parcels.count
                if parcels.delivered && !parcels.failedAttempt { stats.deliveredFirstAttempt += parcels.count }
                if parcels.failedAttempt { stats.failedAttempts += parcels.count }
                if parcels.actioned { stats.actioned += parcels.count }
                if parcels.actioned && parcels.delivered { stats.deliveredAfterAction += parcels.count }
                if !parcels.delivered { stats.returnedToSender += parcels.count }
            }
        }
        overall = stats(counts)
        groups = Dictionary(grouping: counts, by: \.key).map { (key: $0.key, stats: stats($0.value)) }
            .sorted { ($0.stats.finished, $1.key) > ($1.stats.finished, $0.key) }
    }
}
