import Foundation

/// Where a return's items are: one of a return's three state machines (with `ReturnDecision`
/// and `ReturnMoney`), each moved only as its table allows.
public enum ReturnLogistics: String, Sendable, CaseIterable, StateMachine {
    /// Nothing travels back (a returnless method, or a parcel the carrier lost).
    case notRequired = "not_required"
    /// Waiting for the customer to send or bring them.
    case awaiting
    /// The carrier has the parcel (its scans say so).
    case inTransit = "in_transit"
    /// The merchant counted what came back.
    case received
    /// The carrier lost the parcel on its way back, or sent it back to the customer.
    case lost
    /// Nothing was sent within the policy's ship-back days: the units are free again.
    case expired

    /// The parcel's scans move the items between awaited, in transit and lost (a parcel sent back
    /// to the customer is awaited again); the merchant receives them from any of those, even lost
    /// (a lost parcel may turn up). Items never sent expire, and scans that show they were sent in
    /// time revive them. A lost parcel's claim travels back when the carrier returns it after all.
    /// Received is final.
    public static let allowed: [ReturnLogistics: Set<ReturnLogistics>] = [
        .notRequired: [.inTransit],
        .awaiting: [.inTransit, .lost, .received, .expired],
        .inTransit: [.awaiting, .lost, .received],
        .lost: [.awaiting, .inTransit, .received],
        .received: [],
        .expired: [.awaiting, .inTransit, .lost],
    ]

    public static let subject = "The return's logistics"
}
