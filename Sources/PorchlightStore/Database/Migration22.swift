extension Schema {
    /// Version 22: customer tokens are random references kept here (only their hashes), so they
    /// carry nothing readable and a merchant can revoke a customer link before it expires.
    /// Tokens issued before this version (signed payloads) stop working: customers look their
    /// order up again, and merchants make new links.
    static let customerTokens = Migration(version: 22, name: "customer tokens", statements: [
        """
        CREATE TABLE customer_tokens (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            id uuid NOT NULL,
            order_id uuid NOT NULL,
            token_hash bytea NOT NULL,
            proof text NOT NULL CHECK (proof IN ('postal_code', 'email', 'link')),
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            revoked_at timestamptz,
            PRIMARY KEY (merchant_id, id),
            FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id),
            UNIQUE (merchant_id, token_hash)
        )
        """,
        // A bearer token arrives without its merchant: found by its hash alone.
        "CREATE INDEX customer_tokens_by_hash ON customer_tokens (token_hash)",
        "CREATE INDEX customer_tokens_by_order ON customer_tokens (merchant_id, order_id, created_at)",
        "CREATE INDEX customer_tokens_by_expiry ON customer_tokens (expires_at)",
        // The key that signed the earlier tokens; nothing is signed any more.
        "DROP TABLE service_secrets",
    ])
}
