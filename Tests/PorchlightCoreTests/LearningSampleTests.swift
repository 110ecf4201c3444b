import Foundation
@testable import PorchlightCore
import Testing

struct LearningSampleTests {
    @Test func drawsAreUniformAndFixedPerOrder() {
        let draws = (0..<20_000).map { LearningSample.draw("order-\($0)") }
        #expect(draws.allSatisfy { $0 > 0 && $0 <= 1 })
        #expect(abs(draws.reduce(0, +) / Double(draws.count) - 0.5) < 0.01)
        #expect(draws.filter { $0 < 0.1 }.count > 1_800 && draws.filter { $0 < 0.1 }.count < 2_200)
        #expect(LearningSample.draw("order-7") == draws[7])
        // A learning key never comes before the placement.
        let placedAt = instant("2026-11-20T12:00:00Z")
        #expect(LearningSample.key(orderID: "order-7", placedAt: placedAt) >= placedAt)
    }

    @Test func nothingIsLeftOutWhileTheHistoryFits() {
        let keys = (0..<10).map { Date(timeIntervalSince1970: Double($0)) }
        #expect(LearningSample.threshold(of: keys, size: 10) == nil)
        #expect(LearningSample.threshold(of: keys, size: 3) == Date(timeIntervalSince1970: 6))
        #expect(LearningSample.inverseInclusion(placedAt: Date(), threshold: nil) == 1)
    }

    /// A year of orders, one every 10 minutes (52,560), sampled down to 5,000: the sampled recency
    /// weights add up to the whole year's, where the newest 5,000 orders alone carry far less.
    @Test func aSampleCarriesTheWholeHistorysWeight() {
        let now = instant("2026-11-20T12:00:00Z")
        let orders = (0..<52_560).map { (id: "order-\($0)", placedAt: now.addingTimeInterval(-Double($0) * 600)) }
        func weight(_ placedAt: Date) -> Double { pow(0.5, now.timeIntervalSince(placedAt) / LearningSample.halfLife) }
        let total = orders.map { weight($0.placedAt) }.reduce(0, +)

        let keys = orders.map { LearningSample.key(orderID: $0.id, placedAt: $0.placedAt) }
        let threshold = LearningSample.threshold(of: keys, size: 5_000)!
        let sampled = zip(orders, keys).filter { $0.1 > threshold }.map(\.0)
        #expect(sampled.count == 5_000)
        let estimate = sampled.map { weight($0.placedAt) * LearningSample.inverseInclusion(placedAt: $0.placedAt, threshold: threshold) }
            .reduce(0, +)
        #expect(abs(estimate / total - 1) < 0.03)
        // Orders placed after the threshold are all in, unweighted.
        let sampledIDs = Set(sampled.map(\.id))
        #expect(orders.filter { $0.placedAt > threshold }.allSatisfy { sampledIDs.contains($0.id) })
        // The sample reaches back over months, not only the newest 35 days.
        #expect(sampled.contains { now.timeIntervalSince($0.placedAt) > 120 * 86_400 })
        let newest = orders.prefix(5_000).map { weight($0.placedAt) }.reduce(0, +)
        #expect(newest / total < 0.6)
    }
}
