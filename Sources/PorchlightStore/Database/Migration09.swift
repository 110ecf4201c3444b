extension Schema {
    /// Version 9, learning from a sample: each order's learning key (`LearningSample`), which the
    /// write path sets and `LearningKeyBackfill` fills in for orders stored before (found by the
    /// second index, empty once they are keyed), and an index that reads the latest keys first. `orders_by_placement` stays for replicas of the previous
    /// version during a rolling deploy; a later migration drops it.
    static let learningSample = Migration(version: 9, name: "learning keys", statements: [
        "ALTER TABLE orders ADD COLUMN learning_key timestamptz",
        "CREATE INDEX orders_by_learning_key ON orders (merchant_id, learning_key DESC) WHERE learning_key IS NOT NULL",
        "CREATE INDEX orders_without_learning_key ON orders (merchant_id, id) WHERE learning_key IS NULL",
    ])
}
