extension Schema {
    /// Version 29, for Citus:
    /// - a webhook attempt has no key of its own (a delivery's attempts are a log), so its rows
    ///   are identified by all their columns for logical replication, which is how Citus moves a
    ///   shard to another worker while writes go on (`citus_rebalance_start`); every other table
    ///   has a primary key;
    /// - messages are claimed merchant by merchant (on Citus a query locks rows only within one
    ///   merchant's shard), so a merchant's due messages are found by merchant;
    /// - the fields a merchant hides from customers move from `merchants` to a table of their
    ///   own: on Citus `merchants` is a reference table, and a write to it waits on every
    ///   transaction writing rows that reference it, which deadlocked with them.
    /// Stop the replicas of version 28 and older first: they read the hidden fields from
    /// `merchants`.
    static let readyToMoveShards = Migration(version: 29, name: "ready to move shards, claim messages by merchant, hide fields apart", statements: [
        "ALTER TABLE webhook_attempts REPLICA IDENTITY FULL",
        """
        CREATE INDEX notifications_due_by_merchant ON notifications (merchant_id, next_attempt_at)
            WHERE status IN ('scheduled', 'sending')
        """,
        """
        CREATE TABLE customer_view_settings (
            merchant_id uuid PRIMARY KEY REFERENCES merchants (id),
            hidden text[] NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        INSERT INTO customer_view_settings (merchant_id, hidden)
        SELECT id, customer_view_hidden FROM merchants WHERE customer_view_hidden <> '{}'
        """,
        "ALTER TABLE merchants DROP COLUMN customer_view_hidden",
    ])
}
