extension Schema {
    /// Version 15: the merchant's return policy, one row per version.
    static let returnPolicies = Migration(version: 15, name: "return policies", statements: [
        """
        CREATE TABLE return_policies (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            version integer NOT NULL CHECK (version > 0),
            policy jsonb NOT NULL,
            effective_at timestamptz NOT NULL,
            PRIMARY KEY (merchant_id, version)
        )
        """,
    ])
}
