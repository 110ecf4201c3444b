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
        // Pinned: every stored key depends on these draws, so the hash must never change.
        #expect(LearningSample.draw("order-0") == 0x1.0da6187dd7a60p-1)
        #expect(LearningSample.draw("order-1") == 0x1.dbe47f85c0ff6p-1)
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

    /// Deliveries slowed: shipments handed off over 45 days ago took 5 days, recent ones 1. A model
    /// learned from a sample of 500 of the year's 6,000 shipments sees what the whole year shows;
    /// one learned from the newest 500 alone (a month) knows only the fast ones.
    @Test func aSampledModelLearnsWhatTheWholeHistoryTeaches() throws {
        let now = instant("2026-11-20T00:00:00Z")
        let records = (0..<6_000).map { index -> ShipmentHistoryRecord in
            let handedOff = now.addingTimeInterval(-Double(index) * 5_256 - 86_400)  // one every 1.46 hours
            let days = now.timeIntervalSince(handedOff) > 45 * 86_400 ? 5.0 : 1.0
            let placedAt = handedOff.addingTimeInterval(-86_400)
            return ShipmentHistoryRecord(service: courier.key, locationCode: "BUC-1", origin: Destination(country: "RO", region: "B"),
                                         destination: Destination(country: "RO", region: "IS"), placedAt: placedAt,
                                         handedOffAt: handedOff, deliveredAt: handedOff.addingTimeInterval(days * 86_400),
                                         learningKey: LearningSample.key(orderID: "order-\(index)", placedAt: placedAt))
        }
        let prepared = PreparedHistory(records, locations: ["BUC-1": warehouse], services: [courier.key: courier])
        let origin = Destination(country: "RO", region: "B"), iasi = Destination(country: "RO", region: "IS")
        func transit(_ model: TransitModel) throws -> DayDistribution { try #require(model.transit(courier, from: origin, to: iasi)?.0) }

        let whole = try transit(TransitModel(history: prepared, asOf: now, threshold: nil))
        let sampled = try transit(TransitModel.sampling(prepared, asOf: now, sampleSize: 500))
        let newest = try transit(TransitModel(
            history: PreparedHistory(Array(records.prefix(500)), locations: ["BUC-1": warehouse], services: [courier.key: courier]),
            asOf: now, threshold: nil))
        // About a third of the year's weight is in the slow months: the 90% point is slow.
        #expect(whole.quantile(0.5)! <= 2)
        #expect(whole.quantile(0.9)! >= 4)
        #expect(sampled.quantile(0.5) == whole.quantile(0.5))
        #expect(sampled.quantile(0.9) == whole.quantile(0.9))
        #expect(newest.quantile(0.9)! <= 2)
        // Evidence counts the shipments read, not the ones they stand for.
        #expect(sampled.evidence < whole.evidence)
    }
}
