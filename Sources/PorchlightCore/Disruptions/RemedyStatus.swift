import Foundation

/// A remedy's states follow from what happened to it (`RemedyRecord.status(at:)`); the moves
/// that make them happen are checked against this table.
extension RemedyRecord.Status: StateMachine {
    /// An offer is chosen once, or expires unchosen (time alone moves it there); the merchant
    /// applies a chosen one. Applied and expired are final.
    public static let allowed: [RemedyRecord.Status: Set<RemedyRecord.Status>] = [
        .offered: [.chosen, .expired],
        .chosen: [.applied],
        .applied: [],
        .expired: [],
    ]

    public static let subject = "The remedy"
}
