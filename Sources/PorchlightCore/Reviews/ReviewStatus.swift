import Foundation

/// Where a review stands. Moderation never looks at the rating: a low one is published like a
/// high one (review feeds and the FTC's rule forbid suppressing by rating).
public enum ReviewStatus: String, Sendable, Codable, CaseIterable, StateMachine {
    case pending, published, rejected, spam, hidden

    /// Moderation publishes, rejects or marks as spam a pending review, and hides a published one
    /// and shows it again; the reviewer's edit sends a published or hidden review back to pending
    /// (what was approved is not what it says any more). Rejected and spam are final.
    public static let allowed: [ReviewStatus: Set<ReviewStatus>] = [
        .pending: [.published, .rejected, .spam],
        .published: [.hidden, .pending],
        .hidden: [.published, .pending],
        .rejected: [],
        .spam: [],
    ]

    public static let subject = "The review"

    /// Every status but publishing needs a reason, kept for the audit trail.
    public var needsReason: Bool { self != .published }
}
