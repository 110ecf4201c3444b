extension Schema {
    /// Version 20: remedies. The merchant's rules (one document per merchant), its pool of
    /// discount codes (each given once), and the remedy offered for an alert (one per alert);
    /// the event feed learns `remedy.offered`, `remedy.chosen` and `remedy.applied`.
    static let remedies = Migration(version: 20, name: "remedies", statements: [
        """
        CREATE TABLE remedy_rules (
            merchant_id uuid PRIMARY KEY REFERENCES merchants (id),
            rules jsonb NOT NULL,
            updated_at timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE remedies (
            merchant_id uuid NOT NULL,
            id uuid NOT NULL,
            order_id uuid NOT NULL,
            alert_id uuid NOT NULL,
            options jsonb NOT NULL,
            offered_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            choice jsonb,
            chosen_at timestamptz,
            code text,
            applied_at timestamptz,
            PRIMARY KEY (merchant_id, id),
            UNIQUE (merchant_id, alert_id),
            FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id)
        )
        """,
        "CREATE INDEX remedies_by_order ON remedies (merchant_id, order_id)",
        """
        CREATE TABLE remedy_codes (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            code text NOT NULL,
            added_at timestamptz NOT NULL,
            remedy_id uuid,
            given_at timestamptz,
            PRIMARY KEY (merchant_id, code)
        )
        """,
        // The next free code of a merchant, oldest first.
        "CREATE INDEX remedy_codes_free ON remedy_codes (merchant_id, added_at, code) WHERE remedy_id IS NULL",
        "ALTER TABLE events DROP CONSTRAINT events_type_check",
        // NOT VALID: the rows already there were checked by the constraint this one widens.
        """
        ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('order.created', 'order.updated', 'order.cancelled',
            'order.status_changed', 'shipment.created', 'shipment.status_changed', 'promise.recorded', 'promise.kept', 'promise.missed',
            'estimate.changed', 'promise.at_risk', 'review.submitted', 'review.help_requested', 'review.published',
            'review.requested', 'return.requested', 'return.approved', 'return.declined', 'return.received', 'return.resolved',
            'return.cancelled', 'return.lost', 'return.expired', 'alert.opened', 'alert.escalated', 'alert.resolved',
            'disruption.declared', 'disruption.resolved', 'remedy.offered', 'remedy.chosen', 'remedy.applied')) NOT VALID
        """,
    ])
}
