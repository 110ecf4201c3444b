extension Schema {
    /// Version 25: failed deliveries. An exception per failed attempt, the actions asked of the
    /// carrier (at most one in force per exception), the merchant's settings and what each
    /// carrier service takes; two more substatuses a failed attempt can have, the estimate basis
    /// of a day the customer chose, and the feed's `delivery_exception.*` and `delivery_action.*`.
    static let deliveryExceptions = Migration(version: 25, name: "delivery exceptions", statements: [
        """
        CREATE TABLE delivery_settings (
            merchant_id uuid PRIMARY KEY REFERENCES merchants (id),
            settings jsonb NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
            updated_at timestamptz NOT NULL
        )
        """,
        // Nil: the service takes every action (until the merchant says otherwise).
        """
        ALTER TABLE carrier_services ADD COLUMN ndr_actions text[]
            CHECK (ndr_actions <@ ARRAY['reattempt', 'instructions', 'address_change', 'pickup_point', 'return_to_sender'])
        """,
        """
        CREATE TABLE delivery_exceptions (
            merchant_id uuid NOT NULL,
            id uuid NOT NULL,
            order_id uuid NOT NULL,
            shipment_id uuid NOT NULL,
            attempt_event_id uuid NOT NULL,
            reason text NOT NULL CHECK (reason IN ('customer_unavailable', 'address_problem', 'refused', 'payment_or_id',
                'access_problem', 'carrier_problem')),
            attempted_at timestamptz NOT NULL,
            opened_at timestamptz NOT NULL,
            respond_by timestamptz NOT NULL,
            escalates_at timestamptz NOT NULL,
            closed_at timestamptz,
            closure text CHECK (closure IN ('delivered', 'returned_to_sender', 'next_attempt')),
            PRIMARY KEY (merchant_id, id),
            UNIQUE (merchant_id, attempt_event_id),
            FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id),
            FOREIGN KEY (merchant_id, shipment_id) REFERENCES shipments (merchant_id, id)
        )
        """,
        // Cash on delivery, and its customer's confirmation before it ships.
        "ALTER TABLE orders ADD COLUMN cash_on_delivery boolean NOT NULL DEFAULT false, ADD COLUMN confirmed_at timestamptz",
        // The promise ledger says what a promise missed after a failed attempt followed.
        "ALTER TABLE delivery_promises ADD COLUMN missed_after text CHECK (missed_after IN ('customer_choice', 'carrier_failure'))",
        "CREATE INDEX delivery_exceptions_by_order ON delivery_exceptions (merchant_id, order_id)",
        """
        CREATE TABLE delivery_actions (
            merchant_id uuid NOT NULL,
            id uuid NOT NULL,
            exception_id uuid NOT NULL,
            order_id uuid NOT NULL,
            kind text NOT NULL CHECK (kind IN ('reattempt', 'instructions', 'address_change', 'pickup_point', 'return_to_sender')),
            reattempt_on date,
            instructions text,
            address jsonb,
            pickup_point_id text,
            source text NOT NULL CHECK (source IN ('customer', 'merchant', 'default')),
            requested_at timestamptz NOT NULL,
            status text NOT NULL CHECK (status IN ('requested', 'acknowledged', 'failed', 'withdrawn')),
            carrier_reference text,
            failure_reason text,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (merchant_id, id),
            FOREIGN KEY (merchant_id, exception_id) REFERENCES delivery_exceptions (merchant_id, id),
            FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id)
        )
        """,
        // Core allows one action in force per exception; this makes a second one impossible.
        "CREATE UNIQUE INDEX delivery_actions_one_in_force ON delivery_actions (merchant_id, exception_id) WHERE status IN ('requested', 'acknowledged')",
        // An order's actions load with it; a parcel's exceptions are counted by the analytics.
        "CREATE INDEX delivery_actions_by_order ON delivery_actions (merchant_id, order_id)",
        "CREATE INDEX delivery_exceptions_by_shipment ON delivery_exceptions (merchant_id, shipment_id)",
        // What the carrier integration pulls: the merchant's requested actions, oldest first.
        "CREATE INDEX delivery_actions_requested ON delivery_actions (merchant_id, requested_at, id) WHERE status = 'requested'",
        "ALTER TABLE shipments DROP CONSTRAINT shipments_substatus_known",
        "ALTER TABLE tracking_events DROP CONSTRAINT tracking_events_substatus_known",
        "ALTER TABLE shipments DROP CONSTRAINT shipments_estimate_basis_known",
        "ALTER TABLE delivery_promises DROP CONSTRAINT delivery_promises_basis_known",
        // NOT VALID: the rows already there were checked by the constraints these widen.
        """
        ALTER TABLE shipments
            ADD CONSTRAINT shipments_substatus_known CHECK (substatus IN ('weather_delay', 'carrier_delay', 'customs_hold',
                'held_at_facility', 'address_issue', 'damaged', 'lost', 'refused', 'recipient_unavailable', 'payment_due',
                'access_problem', 'id_required', 'delivered_to_neighbour', 'delivered_to_safe_place', 'delivered_to_pickup_point',
                'signed_for', 'other')) NOT VALID,
            ADD CONSTRAINT shipments_estimate_basis_known CHECK (estimate_basis IN ('lane', 'destination_region', 'route',
                'carrier_service', 'location', 'merchant', 'configured', 'latest_scan', 'customer_choice')) NOT VALID
        """,
        """
        ALTER TABLE tracking_events
            ADD CONSTRAINT tracking_events_substatus_known CHECK (substatus IN ('weather_delay', 'carrier_delay', 'customs_hold',
                'held_at_facility', 'address_issue', 'damaged', 'lost', 'refused', 'recipient_unavailable', 'payment_due',
                'access_problem', 'id_required', 'delivered_to_neighbour', 'delivered_to_safe_place', 'delivered_to_pickup_point',
                'signed_for', 'other')) NOT VALID
        """,
        """
        ALTER TABLE delivery_promises
            ADD CONSTRAINT delivery_promises_basis_known CHECK (basis IN ('lane', 'destination_region', 'route',
                'carrier_service', 'location', 'merchant', 'configured', 'latest_scan', 'customer_choice')) NOT VALID
        """,
        // The page counts the choices customers make there.
        "ALTER TABLE tracking_page_counts DROP CONSTRAINT tracking_page_counts_metric_check",
        """
        ALTER TABLE tracking_page_counts ADD CONSTRAINT tracking_page_counts_metric_check CHECK (metric IN ('page_view', 'lookup',
            'remedy_chosen', 'return_opened', 'review_sent', 'delivery_rated', 'recommendation_click', 'delivery_action_sent', 'order_confirmed'))
        """,
        "ALTER TABLE events DROP CONSTRAINT events_type_check",
        """
        ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('order.created', 'order.updated', 'order.cancelled',
            'order.status_changed', 'shipment.created', 'shipment.status_changed', 'promise.recorded', 'promise.kept', 'promise.missed',
            'estimate.changed', 'promise.at_risk', 'review.submitted', 'review.help_requested', 'review.published',
            'review.requested', 'return.requested', 'return.approved', 'return.declined', 'return.received', 'return.resolved',
            'return.cancelled', 'return.lost', 'return.expired', 'alert.opened', 'alert.escalated', 'alert.resolved',
            'disruption.declared', 'disruption.resolved', 'remedy.offered', 'remedy.chosen', 'remedy.applied',
            'order.confirmation_requested', 'order.confirmed', 'delivery_exception.opened', 'delivery_exception.closed', 'delivery_action.requested', 'delivery_action.acknowledged',
            'delivery_action.failed')) NOT VALID
        """,
    ])
}
