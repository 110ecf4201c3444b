import Foundation
import PorchlightCore
import Testing

@Suite struct SlotSharesTests {
    let a = MerchantID(UUID()), b = MerchantID(UUID()), c = MerchantID(UUID())
    let noon = Date(timeIntervalSince1970: 1_764_072_000)

    func shares(_ slots: Int, _ candidates: [(MerchantID, inFlight: Int, waited: TimeInterval)]) -> [String] {
        let names = [a: "a", b: "b", c: "c"]
        return SlotShares.split(slots, among: candidates.map {
            SlotShares.Candidate(merchant: $0.0, inFlight: $0.inFlight, oldestDue: noon.addingTimeInterval(-$0.waited))
        }).map { "\(names[$0.merchant] ?? "?")\($0.slots)" }
    }

    @Test func slotsGoToTheLeastLoadedUntilTheLoadsMeet() {
        // a has 5 in flight: b and c catch up first, then all three take turns.
        #expect(shares(6, [(a, 5, 60), (b, 0, 10), (c, 1, 30)]) == ["c3", "b3"])
        #expect(shares(12, [(a, 5, 60), (b, 0, 10), (c, 1, 30)]) == ["a1", "c5", "b6"])
    }

    @Test func betweenEqualLoadsTheLongestWaitingGoesFirstAndClaimsFirst() {
        #expect(shares(1, [(a, 0, 10), (b, 0, 60)]) == ["b1"])
        #expect(shares(3, [(a, 2, 10), (b, 2, 60), (c, 2, 30)]) == ["b1", "c1", "a1"])
        #expect(shares(5, [(a, 0, 10), (b, 0, 60)]) == ["b3", "a2"])
    }

    @Test func nothingToShareOrNoOneToShareWithGivesNothing() {
        #expect(shares(0, [(a, 0, 10)]) == [])
        #expect(shares(4, []) == [])
    }
}
