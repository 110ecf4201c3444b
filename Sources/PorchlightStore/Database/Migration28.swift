extension Schema {
    /// Version 28: a product's review tallies are moved by the change to a review that moves them
    /// (`ReviewTallyMoves` in Core, `ReviewStore.tally` in its transaction) rather than by
    /// triggers: the rule of what a review counts for lives once, in Core, and a distributed
    /// database (Citus) refuses tables with triggers.
    /// SQL written by hand that publishes or hides reviews (a bulk load) must now move the
    /// tallies itself, or go through the API.
    /// Stop the replicas of version 27 and older first: their review writes rely on the triggers.
    static let reviewTalliesInTheWritePath = Migration(version: 28, name: "review tallies moved by the write path", statements: [
        "DROP TRIGGER reviews_are_tallied ON reviews",
        "DROP TRIGGER reviews_are_retallied ON reviews",
        "DROP FUNCTION tally_published_reviews()",
    ])
}
