import Foundation

/// Whether the merchant agreed to the return: one of a return's three state machines (with
/// `ReturnLogistics` and `ReturnMoney`), each moved only as its table allows.
public enum ReturnDecision: String, Sendable, CaseIterable, StateMachine {
    /// Waiting for the merchant (approval `on_request`).
    case requested, approved, declined, cancelled

    /// The merchant approves or declines a requested return; the customer or the merchant calls
    /// off one not declined (a claim is called off when the carrier delivers after all).
    /// Declined and cancelled are final.
    public static let allowed: [ReturnDecision: Set<ReturnDecision>] = [
        .requested: [.approved, .declined, .cancelled],
        .approved: [.cancelled],
        .declined: [],
        .cancelled: [],
    ]

    public static let subject = "The return"

    /// A return so decided holds its units: they cannot be returned again, and they count as returned.
    public var holdsUnits: Bool { self == .requested || self == .approved }
}
