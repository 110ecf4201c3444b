extension Schema {
    /// Version 10: every webhook query names the merchant as well as the endpoint, so that on a
    /// database distributed by merchant each join stays on one shard; these indexes lead with the
    /// merchant. The indexes by endpoint alone stay while replicas of the previous version may
    /// still use them during a rolling deploy; a later migration drops them.
    static let webhookQueriesByMerchant = Migration(version: 10, name: "webhook indexes by merchant", statements: [
        """
        CREATE INDEX webhook_deliveries_due_by_merchant ON webhook_deliveries (merchant_id, endpoint_id, next_attempt_at)
        WHERE status = 'pending'
        """,
        """
        CREATE INDEX webhook_deliveries_listing_by_merchant
        ON webhook_deliveries (merchant_id, endpoint_id, created_at DESC, event_id DESC)
        """,
        "CREATE INDEX webhook_attempts_by_merchant_delivery ON webhook_attempts (merchant_id, endpoint_id, event_id, attempted_at DESC)",
    ])
}
