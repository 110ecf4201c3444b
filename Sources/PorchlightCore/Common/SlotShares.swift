import Foundation

/// How a dispatcher shares its free slots among the merchants with work due, so that one
/// merchant's burst cannot starve another's: each slot goes to the merchant whose load (its
/// work in flight plus the slots given so far) is lowest, and between equal loads to the one
/// whose oldest due work is oldest. A merchant with much in flight gets nothing until the others
/// catch up; merchants alike take turns, oldest first.
public enum SlotShares {
    public struct Candidate: Sendable, Equatable {
        public var merchant: MerchantID
        /// Its work in flight here now.
        public var inFlight: Int
        /// When its oldest due work became due.
        public var oldestDue: Date

        public init(merchant: MerchantID, inFlight: Int, oldestDue: Date) {
            (self.merchant, self.inFlight, self.oldestDue) = (merchant, inFlight, oldestDue)
        }
    }

    /// The merchants that get slots, each with how many, in the order they should claim: the
    /// one that waited longest first.
    public static func split(_ slots: Int, among candidates: [Candidate]) -> [(merchant: MerchantID, slots: Int)] {
        guard slots > 0, !candidates.isEmpty else { return [] }
        let ordered = candidates.sorted { $0.oldestDue < $1.oldestDue }
        var given = Array(repeating: 0, count: ordered.count)
        for _ in 0..<slots {
            // The lowest load; between equal loads the first, which waited longest.
            var next = 0
            for index in ordered.indices where ordered[index].inFlight + given[index] < ordered[next].inFlight + given[next] {
                next = index
            }
            given[next] += 1
        }
        return zip(ordered, given).filter { $0.1 > 0 }.map { ($0.0.merchant, $0.1) }
    }
}
