extension Schema {
    /// Version 29, for Citus:
    /// - a webhook attempt has no key of its own (a delivery's attempts are a log), so its rows
    ///   are identified by all their columns for logical replication, which is how Citus moves a
    ///   shard to another worker while writes go on (`citus_rebalance_start`); every other table
    ///   has a primary key;
    /// - messages are claimed merchant by merchant (on Citus a query locks rows only within one
    ///   merchant's shard), so a merchant's due messages are found by merchant.
    /// Safe to roll: nothing reads or writes differently.
    static let readyToMoveShards = Migration(version: 29, name: "ready to move shards and claim messages by merchant", statements: [
        "ALTER TABLE webhook_attempts REPLICA IDENTITY FULL",
        """
        CREATE INDEX notifications_due_by_merchant ON notifications (merchant_id, next_attempt_at)
            WHERE status IN ('scheduled', 'sending')
        """,
    ])
}
