import Foundation

/// Learning reads at most `size` shipments however long the history, and the sample keeps the
/// meaning of the recency weights. Each order has a fixed learning key: its placement moved later
/// by a random number of half-lives (exponentially distributed, drawn from a hash of the order id,
/// so every replica and every pass agrees). The shipments with the latest keys form the sample:
/// an order placed at t is in it with probability min(1, 2^((t − x) / half-life)), where x is the
/// first key left out. Each sampled weight is divided by that probability, so the sample's
/// weights add up, in expectation, to the whole history's; orders placed after x are always in.
/// A year of a large merchant's orders costs what 50,000 shipments do.
public enum LearningSample {
    /// Shipments learned from at most.
    public static let size = 50_000

    /// How fast an order's chance of being sampled falls with its age. Stored keys depend on it:
    /// changing it means keying every order again. It matches `TransitModel.halfLifeDays`, where a
    /// sample is most efficient; the weights are right whatever it is.
    static let halfLife: TimeInterval = 30 * 86_400

    /// The order's learning key: the store reads shipments in descending key order.
    public static func key(order id: UUID, placedAt: Date) -> Date {
        key(orderID: id.uuidString, placedAt: placedAt)
    }

    /// The same for an order known by any string id (the backtest's history files).
    public static func key(orderID: String, placedAt: Date) -> Date {
        placedAt.addingTimeInterval(halfLife * -log2(draw(orderID)))
    }

    /// What an order's weights are multiplied by when keys from `threshold` down were left out:
    /// the inverse of the chance that it made the sample. 1 without a threshold (nothing left out).
    static func inverseInclusion(placedAt: Date, threshold: Date?) -> Double {
        guard let threshold else { return 1 }
        return max(1, pow(2, threshold.timeIntervalSince(placedAt) / halfLife))
    }

    /// The first key left out when at most `size` of `keys` are kept (equal keys are kept or left
    /// out together, as the shipments of one order are); nil when all of them fit.
    static func threshold(of keys: [Date], size: Int) -> Date? {
        guard keys.count > size else { return nil }
        return keys.sorted(by: >)[size]
    }

    /// A number in (0, 1], uniform over order ids: FNV-1a of the id's UTF-8, then SplitMix64's
    /// finaliser so that ids differing in one character land far apart.
    static func draw(_ orderID: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in orderID.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        return (Double(hash >> 11) + 1) / 9_007_199_254_740_992  // 2^53
    }
}

/// What learning reads: shipments in descending learning key, and the first key that reading
/// left out (nil when it read them all).
public struct HistorySample: Sendable {
    public var shipments: [ShipmentHistoryRecord]
    public var threshold: Date?

    public init(shipments: [ShipmentHistoryRecord], threshold: Date?) {
        self.shipments = shipments
        self.threshold = threshold
    }
}

extension OrderRecord {
    public var learningKey: Date { LearningSample.key(order: id, placedAt: placedAt) }
}
