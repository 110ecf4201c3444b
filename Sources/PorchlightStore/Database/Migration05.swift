extension Schema {
    /// Version 5: webhook endpoints, their secrets, and the deliveries the dispatcher works through.
    static let webhooks = Migration(version: 5, name: "webhooks", statements: [
        """
        CREATE TABLE webhook_endpoints (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            id uuid PRIMARY KEY,
            url text NOT NULL,
            description text NOT NULL,
            -- '*' or event types (WebhookEventSelection).
            event_types text[] NOT NULL,
            -- NULL while the endpoint is enabled.
            disabled_reason text CONSTRAINT webhook_endpoints_disabled_reason_known CHECK (disabled_reason IN ('merchant', 'gone', 'failing')),
            disabled_at timestamptz,
            failing_since timestamptz,
            -- The last feed sequence of the merchant's events that fan-out has looked at for it.
            feed_position bigint NOT NULL,
            -- It receives the events that happened from then on (creation, or re-enabling).
            receives_since timestamptz NOT NULL DEFAULT now(),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            CHECK ((disabled_reason IS NULL) = (disabled_at IS NULL)),
            UNIQUE (merchant_id, id)
        )
        """,
        "CREATE INDEX webhook_endpoints_by_merchant ON webhook_endpoints (merchant_id, created_at)",
        // Two live secrets during a rotation; the older one with the time it stops signing.
        """
        CREATE TABLE webhook_secrets (
            endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
            secret text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            expires_at timestamptz,
            PRIMARY KEY (endpoint_id, created_at)
        )
        """,
        // One row per event and endpoint, with the body built once, at fan-out. A dispatcher that
        // claims it sets `lease` and moves `next_attempt_at` past the attempt (see
        // WebhookDeliveries.claim); only the holder of the lease records the outcome.
        """
        CREATE TABLE webhook_deliveries (
            merchant_id uuid NOT NULL,
            endpoint_id uuid NOT NULL,
            event_id uuid NOT NULL,
            event_type text NOT NULL,
            sequence bigint,
            occurred_at timestamptz NOT NULL,
            body text NOT NULL,
            status text NOT NULL CONSTRAINT webhook_deliveries_status_known CHECK (status IN ('pending', 'succeeded', 'failed')),
            attempt_count integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz,
            lease uuid,
            created_at timestamptz NOT NULL DEFAULT now(),
            completed_at timestamptz,
            PRIMARY KEY (endpoint_id, event_id),
            FOREIGN KEY (merchant_id, endpoint_id) REFERENCES webhook_endpoints (merchant_id, id) ON DELETE CASCADE,
            CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
        )
        """,
        "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending'",
        "CREATE INDEX webhook_deliveries_listing ON webhook_deliveries (endpoint_id, created_at DESC, event_id DESC)",
        """
        CREATE TABLE webhook_attempts (
            endpoint_id uuid NOT NULL,
            event_id uuid NOT NULL,
            attempted_at timestamptz NOT NULL,
            status_code integer,
            latency_ms integer NOT NULL,
            response_body text,
            error text,
            FOREIGN KEY (endpoint_id, event_id) REFERENCES webhook_deliveries (endpoint_id, event_id) ON DELETE CASCADE
        )
        """,
        "CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (endpoint_id, event_id, attempted_at DESC)",
    ])
}
