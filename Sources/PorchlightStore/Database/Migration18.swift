extension Schema {
    /// Version 18: disruption alerts, at most one open per order; the event feed learns
    /// `alert.opened`, `alert.escalated` and `alert.resolved`.
    static let disruptionAlerts = Migration(version: 18, name: "disruption alerts", statements: [
        """
        CREATE TABLE disruption_alerts (
            merchant_id uuid NOT NULL,
            id uuid NOT NULL,
            order_id uuid NOT NULL,
            shipment_id uuid,
            reason text NOT NULL CHECK (reason IN ('forgotten_parcel', 'no_scan', 'promise_at_risk', 'promise_breached', 'exception',
                'failed_attempt', 'returned_to_sender')),
            severity text NOT NULL CHECK (severity IN ('delay', 'long_delay', 'critical')),
            opened_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            resolved_at timestamptz,
            PRIMARY KEY (merchant_id, id),
            FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id)
        )
        """,
        "CREATE UNIQUE INDEX disruption_alerts_one_open_per_order ON disruption_alerts (merchant_id, order_id) WHERE resolved_at IS NULL",
        "CREATE INDEX disruption_alerts_by_opening ON disruption_alerts (merchant_id, opened_at DESC, id DESC)",
        // Core's DisruptionRules.nextCheck, stored on every write: the detector pass asks for the
        // orders due. (Orders stored before get theirs on their next change.)
        "ALTER TABLE orders ADD COLUMN disruption_check_at timestamptz",
        "CREATE INDEX orders_by_disruption_check ON orders (disruption_check_at) WHERE disruption_check_at IS NOT NULL",
        // NOT VALID: the rows already there were checked by the constraint this one widens, and
        // validating would scan the whole feed under lock.
        "ALTER TABLE events DROP CONSTRAINT events_type_check",
        """
        ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('order.created', 'order.updated', 'order.cancelled',
            'order.status_changed', 'shipment.created', 'shipment.status_changed', 'promise.recorded', 'promise.kept', 'promise.missed',
            'estimate.changed', 'promise.at_risk', 'review.submitted', 'review.help_requested', 'review.published',
            'review.requested', 'return.requested', 'return.approved', 'return.declined', 'return.received', 'return.resolved',
            'return.cancelled', 'return.lost', 'return.expired', 'alert.opened', 'alert.escalated', 'alert.resolved')) NOT VALID
        """,
    ])
}
