import Foundation

/// How much of what sold came back, and why.
public struct ReturnStats: Sendable, Equatable {
    public var unitsSold: Int
    /// Units in the customers' returns that hold them (`ReturnRecord.holdsCustomerUnits`).
    public var unitsReturned: Int
    /// Returned over sold; nil when nothing sold.
    public var returnRate: Double?
    /// The reasons given, most units first (at most three).
    public var topReasons: [(reason: ReturnReason, units: Int)]

    public static func == (a: ReturnStats, b: ReturnStats) -> Bool {
        a.unitsSold == b.unitsSold && a.unitsReturned == b.unitsReturned && a.returnRate == b.returnRate
            && a.topReasons.map(\.reason) == b.topReasons.map(\.reason) && a.topReasons.map(\.units) == b.topReasons.map(\.units)
    }
}

/// Returns of the orders placed in a period, overall, per SKU and per category.
public struct ReturnAnalytics: Sendable, Equatable {
    public var overall: ReturnStats
    /// SKUs with returns, most units returned first (at most `maximumSKUs`).
    public var bySKU: [(sku: String, category: String?, stats: ReturnStats)]
    public var byCategory: [(category: String, stats: ReturnStats)]

    public static let maximumSKUs = 100

    public static func == (a: ReturnAnalytics, b: ReturnAnalytics) -> Bool {
        a.overall == b.overall && a.bySKU.map(\.sku) == b.bySKU.map(\.sku) && a.bySKU.map(\.stats) == b.bySKU.map(\.stats)
            && a.byCategory.map(\.category) == b.byCategory.map(\.category) && a.byCategory.map(\.stats) == b.byCategory.map(\.stats)
    }

    /// One count the store makes: the units of a SKU in returns of one kind, state and reason.
    public struct ReturnedUnits: Sendable {
        public var sku: String
        public var kind: ReturnKind
        public var decision: ReturnDecision
        public var logistics: ReturnLogistics
        public var reason: ReturnReason
        public var units: Int

        public init(sku: String, kind: ReturnKind, decision: ReturnDecision, logistics: ReturnLogistics, reason: ReturnReason, units: Int) {
            (self.sku, self.kind, self.decision, self.logistics, self.reason, self.units) = (sku, kind, decision, logistics, reason, units)
        }
    }

    /// From the units sold per SKU (with its category) and the units in returns, as the store
    /// counts them; only those the customers' returns hold count as returned.
    public init(sold: [(sku: String, category: String?, units: Int)], returned: [ReturnedUnits]) {
        let held = returned.filter { ReturnRecord.holdsCustomerUnits(kind: $0.kind, decision: $0.decision, logistics: $0.logistics) }
        let categoryOf: [String: String] = Dictionary(sold.compactMap { line in line.category.map { (line.sku, $0) } }, uniquingKeysWith: { first, _ in first })
        func stats(sold units: Int, _ returns: [ReturnedUnits]) -> ReturnStats {
            let byReason = Dictionary(returns.map { ($0.reason, $0.units) }, uniquingKeysWith: +)
            let unitsReturned = byReason.values.reduce(0, +)
            return ReturnStats(
                unitsSold: units, unitsReturned: unitsReturned,
                returnRate: units == 0 ? nil : (Double(unitsReturned) / Double(units) * 10_000).rounded() / 10_000,
                topReasons: byReason.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }.prefix(3).map { ($0.key, $0.value) })
        }
        overall = stats(sold: sold.map(\.units).reduce(0, +), held)
        let soldBySKU = Dictionary(sold.map { ($0.sku, $0.units) }, uniquingKeysWith: +)
        bySKU = Dictionary(grouping: held, by: \.sku)
            .map { sku, returns in (sku: sku, category: categoryOf[sku], stats: stats(sold: soldBySKU[sku] ?? 0, returns)) }
            .sorted { ($0.stats.unitsReturned, $1.sku) > ($1.stats.unitsReturned, $0.sku) }
            .prefix(Self.maximumSKUs).map { $0 }
        let soldByCategory = Dictionary(sold.compactMap { line in line.category.map { ($0, line.units) } }, uniquingKeysWith: +)
        let categorised = held.compactMap { line in categoryOf[line.sku].map { (category: $0, line: line) } }
        byCategory = Dictionary(grouping: categorised, by: \.category)
            .mapValues { $0.map(\.line) }
            .map { category, returns in (category: category, stats: stats(sold: soldByCategory[category] ?? 0, returns)) }
            .sorted { ($0.stats.unitsReturned, $1.category) > ($1.stats.unitsReturned, $0.category) }
    }
}
