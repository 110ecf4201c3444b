extension Schema {
    /// Version 26: messages to customers. The merchant's settings and own templates; the
    /// notifications outbox (one row per message, scheduled until its time, then sent, failed or
    /// held back); the addresses that opted out, kept only as hashes; each merchant's place in the
    /// event feed for the message planner; and the feed's `notification.requested`.
    static let messages = Migration(version: 26, name: "messages to customers", statements: [
        """
        CREATE TABLE message_settings (
            merchant_id uuid PRIMARY KEY REFERENCES merchants (id),
            settings jsonb NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
            -- The last event the planner has read.
            feed_position bigint NOT NULL DEFAULT 0,
            -- When kinds were last switched on after none were: events before are not messaged about.
            switched_on_at timestamptz,
            updated_at timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE message_templates (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            kind text NOT NULL CONSTRAINT message_templates_kind_known CHECK (kind IN ('order_confirmed', 'shipped', 'out_for_delivery',
                'delivered', 'review_requested', 'running_late', 'delivery_failed', 'return_approved', 'return_received', 'return_settled',
                'store_credit_issued')),
            language text NOT NULL,
            subject text NOT NULL,
            text_body text NOT NULL,
            html_body text,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (merchant_id, kind, language)
        )
        """,
        """
        CREATE TABLE notifications (
            merchant_id uuid NOT NULL,
            id uuid NOT NULL,
            order_id uuid NOT NULL,
            topic text NOT NULL,
            kind text NOT NULL CONSTRAINT notifications_kind_known CHECK (kind IN ('order_confirmed', 'shipped', 'out_for_delivery',
                'delivered', 'review_requested', 'running_late', 'delivery_failed', 'return_approved', 'return_received', 'return_settled',
                'store_credit_issued')),
            channel text NOT NULL CONSTRAINT notifications_channel_known CHECK (channel IN ('email', 'webhook')),
            recipient text NOT NULL,
            language text NOT NULL,
            -- 'sending' while a dispatcher holds its lease: the planner leaves it alone and plans anew.
            status text NOT NULL CONSTRAINT notifications_status_known CHECK (status IN ('scheduled', 'sending', 'sent', 'failed',
                'suppressed')),
            reason text CONSTRAINT notifications_reason_known CHECK (reason IN ('opted_out', 'daily_cap', 'order_cancelled',
                'no_longer_relevant', 'page_missing', 'switched_off')),
            send_after timestamptz NOT NULL,
            -- A claim moves it past the longest attempt, like a webhook delivery's lease.
            next_attempt_at timestamptz NOT NULL,
            lease uuid,
            attempts integer NOT NULL DEFAULT 0,
            last_error text,
            document_version bigint NOT NULL,
            -- What the templates are rendered with, as Core built it from the order.
            variables jsonb NOT NULL CHECK (jsonb_typeof(variables) = 'object'),
            subject text,
            -- Lets its holder unsubscribe the address from the kind, nothing else; it names its merchant
            -- (`UnsubscribeToken`), so it is unique per merchant.
            unsubscribe_token text NOT NULL,
            sent_at timestamptz,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (merchant_id, id),
            UNIQUE (merchant_id, unsubscribe_token),
            -- An address is kept as long as its order.
            FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id) ON DELETE CASCADE
        )
        """,
        // One scheduled message per order, channel and topic: the next event replaces it.
        """
        CREATE UNIQUE INDEX notifications_one_scheduled ON notifications (merchant_id, order_id, channel, topic)
            WHERE status = 'scheduled'
        """,
        "CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status IN ('scheduled', 'sending')",
        "CREATE INDEX notifications_by_order ON notifications (merchant_id, order_id, created_at)",
        "CREATE INDEX notifications_newest ON notifications (merchant_id, created_at DESC, id DESC)",
        """
        CREATE TABLE message_opt_outs (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            address_hash bytea NOT NULL,
            -- Empty: every kind.
            kind text NOT NULL CONSTRAINT message_opt_outs_kind_known CHECK (kind IN ('', 'order_confirmed', 'shipped',
                'out_for_delivery', 'delivered', 'review_requested', 'running_late', 'delivery_failed', 'return_approved',
                'return_received', 'return_settled', 'store_credit_issued')),
            reason text NOT NULL CONSTRAINT message_opt_outs_reason_known CHECK (reason IN ('complaint', 'bounce', 'customer_request',
                'unsubscribed')),
            created_at timestamptz NOT NULL,
            PRIMARY KEY (merchant_id, address_hash, kind)
        )
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
            'delivery_action.failed', 'notification.requested')) NOT VALID
        """,
    ])
}
