import Foundation

/// Where a return's money is: one of a return's three state machines (with `ReturnDecision`
/// and `ReturnLogistics`), each moved only as its table allows.
public enum ReturnMoney: String, Sendable, CaseIterable, StateMachine {
    case pending, refunded, credited, exchanged, kept
    /// A carrier claim settled by sending the items again.
    case reshipped
    /// Nothing to settle: the return was declined, cancelled or expired.
    case none

    /// Pending money is settled once, as the resolution says, or comes to nothing (declined,
    /// cancelled, expired); an expired return revived by its parcel's scans owes it again. A
    /// settlement is final.
    public static let allowed: [ReturnMoney: Set<ReturnMoney>] = [
        .pending: [.refunded, .credited, .exchanged, .kept, .reshipped, .none],
        .none: [.pending],
        .refunded: [], .credited: [], .exchanged: [], .kept: [], .reshipped: [],
    ]

    public static let subject = "The return's money"
}
