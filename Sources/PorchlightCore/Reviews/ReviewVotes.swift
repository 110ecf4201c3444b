import Foundation

/// How many shoppers found a review helpful, and how many did not.
public struct ReviewVotes: Sendable, Equatable {
    public var helpful: Int
    public var unhelpful: Int

    public init(helpful: Int, unhelpful: Int) {
        self.helpful = helpful
        self.unhelpful = unhelpful
    }
}

/// One shopper's vote on a published review. The voter is the storefront's own opaque id for
/// the shopper (a hashed session or account id): each voter counts once, and may change its mind.
public struct ReviewVote: Sendable, Equatable {
    public var voter: String
    public var helpful: Bool

    public static func validated(voter: String, helpful: Bool) throws(DomainError) -> ReviewVote {
        var v = Validator()
        v.text(voter, "voter_id", min: 1, max: 100)
        v.check(voter.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._:-".unicodeScalars.contains($0)) },
                "voter_id", "must be letters, digits and . _ : - only")
        try v.finish()
        return ReviewVote(voter: voter, helpful: helpful)
    }

    /// Only a published review takes votes: what shoppers see is what they vote on.
    public static func check(_ status: ReviewStatus) throws(DomainError) {
        guard status == .published else {
            throw .conflict("The review is \(status.rawValue); only published reviews take votes.")
        }
    }
}

/// The orders a product's published reviews can be read in. Ties go to the newer review.
public enum ReviewSort: String, Sendable, CaseIterable {
    case newest
    case highestRating = "highest_rating"
    case lowestRating = "lowest_rating"
    /// Most helpful votes first.
    case mostHelpful = "most_helpful"
}
