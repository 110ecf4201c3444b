extension Schema {
    /// Version 19: disruptions the merchant declares. The event feed learns `disruption.declared`
    /// and `disruption.resolved`, events about the merchant rather than one order (no order, no
    /// document version); alerts learn `declared_disruption`; an order keeps the declared delay
    /// holding it up (Core's `OrderRecord.declared`, stored on every write like the next check).
    static let declaredDisruptions = Migration(version: 19, name: "declared disruptions", statements: [
        """
        CREATE TABLE declared_disruptions (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            id uuid NOT NULL,
            cause text NOT NULL CHECK (cause IN ('weather', 'carrier_delay', 'warehouse_backlog', 'customs', 'strike', 'other')),
            scope jsonb NOT NULL,
            starts_at timestamptz NOT NULL,
            expected_end_at timestamptz,
            extra_days int NOT NULL CHECK (extra_days >= 0),
            customer_message text,
            resolved_at timestamptz,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (merchant_id, id),
            CHECK (expected_end_at > starts_at)
        )
        """,
        // What every order's load reads: the merchant's disruptions not yet resolved.
        "CREATE INDEX declared_disruptions_unresolved ON declared_disruptions (merchant_id) WHERE resolved_at IS NULL",
        "CREATE INDEX declared_disruptions_by_creation ON declared_disruptions (merchant_id, created_at DESC, id DESC)",
        "ALTER TABLE orders ADD COLUMN declared_delay jsonb",
        "ALTER TABLE disruption_alerts DROP CONSTRAINT disruption_alerts_reason_check",
        """
        ALTER TABLE disruption_alerts ADD CONSTRAINT disruption_alerts_reason_check CHECK (reason IN ('forgotten_parcel', 'no_scan',
            'promise_at_risk', 'promise_breached', 'exception', 'failed_attempt', 'returned_to_sender', 'declared_disruption')) NOT VALID
        """,
        "ALTER TABLE events ALTER COLUMN order_id DROP NOT NULL, ALTER COLUMN document_version DROP NOT NULL",
        "ALTER TABLE events DROP CONSTRAINT events_type_check",
        // NOT VALID: the rows already there were checked by the constraint this one widens.
        """
        ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('order.created', 'order.updated', 'order.cancelled',
            'order.status_changed', 'shipment.created', 'shipment.status_changed', 'promise.recorded', 'promise.kept', 'promise.missed',
            'estimate.changed', 'promise.at_risk', 'review.submitted', 'review.help_requested', 'review.published',
            'review.requested', 'return.requested', 'return.approved', 'return.declined', 'return.received', 'return.resolved',
            'return.cancelled', 'return.lost', 'return.expired', 'alert.opened', 'alert.escalated', 'alert.resolved',
            'disruption.declared', 'disruption.resolved')) NOT VALID
        """,
        // An order's event has its order and version; a merchant's has neither.
        """
        ALTER TABLE events ADD CONSTRAINT events_order_or_merchant CHECK (
            (type LIKE 'disruption.%') = (order_id IS NULL) AND (order_id IS NULL) = (document_version IS NULL)) NOT VALID
        """,
    ])
}
