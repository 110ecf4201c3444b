extension Schema {
    /// Version 8, ready to distribute by merchant (e.g. Citus): the webhook tables that were keyed
    /// by endpoint alone carry `merchant_id`, and every key and reference includes it (`merchants`
    /// is keyed by the merchant id itself). The global tables, small, would be reference tables
    /// (see `distributionExceptions`). Not safe to roll: replicas of the previous version write
    /// webhook rows without `merchant_id`, so stop them first.
    static let distributableSchema = Migration(version: 8, name: "merchant in every webhook key", statements: [
        "ALTER TABLE webhook_secrets ADD COLUMN merchant_id uuid",
        "UPDATE webhook_secrets s SET merchant_id = e.merchant_id FROM webhook_endpoints e WHERE e.id = s.endpoint_id",
        "ALTER TABLE webhook_secrets ALTER COLUMN merchant_id SET NOT NULL",
        "ALTER TABLE webhook_attempts ADD COLUMN merchant_id uuid",
        "UPDATE webhook_attempts a SET merchant_id = d.merchant_id FROM webhook_deliveries d WHERE d.endpoint_id = a.endpoint_id AND d.event_id = a.event_id",
        "ALTER TABLE webhook_attempts ALTER COLUMN merchant_id SET NOT NULL",
        // References first, then the keys they lean on, then both again with the merchant.
        "ALTER TABLE webhook_secrets DROP CONSTRAINT webhook_secrets_endpoint_id_fkey, DROP CONSTRAINT webhook_secrets_pkey",
        "ALTER TABLE webhook_attempts DROP CONSTRAINT webhook_attempts_endpoint_id_event_id_fkey",
        "ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_merchant_id_endpoint_id_fkey, DROP CONSTRAINT webhook_deliveries_pkey",
        "ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_merchant_id_id_key, DROP CONSTRAINT webhook_endpoints_pkey",
        "ALTER TABLE webhook_endpoints ADD PRIMARY KEY (merchant_id, id)",
        """
        ALTER TABLE webhook_secrets ADD PRIMARY KEY (merchant_id, endpoint_id, created_at),
            ADD FOREIGN KEY (merchant_id, endpoint_id) REFERENCES webhook_endpoints (merchant_id, id) ON DELETE CASCADE
        """,
        """
        ALTER TABLE webhook_deliveries ADD PRIMARY KEY (merchant_id, endpoint_id, event_id),
            ADD FOREIGN KEY (merchant_id, endpoint_id) REFERENCES webhook_endpoints (merchant_id, id) ON DELETE CASCADE
        """,
        """
        ALTER TABLE webhook_attempts
            ADD FOREIGN KEY (merchant_id, endpoint_id, event_id) REFERENCES webhook_deliveries (merchant_id, endpoint_id, event_id) ON DELETE CASCADE
        """,
        // Lookups by endpoint alone (the dispatcher's claim, secrets, attempts) keep their indexes.
        "CREATE INDEX webhook_endpoints_by_id ON webhook_endpoints (id)",
        "CREATE INDEX webhook_secrets_by_endpoint ON webhook_secrets (endpoint_id, created_at)",
        "CREATE INDEX webhook_deliveries_by_endpoint_event ON webhook_deliveries (endpoint_id, event_id)",
    ])
}
