extension Schema {
    /// Version 2: idempotency keys.
    static let idempotencyKeys = Migration(version: 2, name: "idempotency keys", statements: [
        // The first response to a POST with an Idempotency-Key, replayed for retries.
        // status is NULL while the first request is still running.
        """
        CREATE TABLE idempotency_keys (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            key text NOT NULL,
            request_hash bytea NOT NULL,
            status integer,
            content_type text,
            body bytea,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (merchant_id, key)
        )
        """,
    ])
}
