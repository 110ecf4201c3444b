extension Schema {
    /// Version 6: API keys have a name, and the (coarse) time they were last used.
    static let apiKeyManagement = Migration(version: 6, name: "api key management", statements: [
        "ALTER TABLE api_keys ADD COLUMN name text NOT NULL DEFAULT 'API key', ADD COLUMN last_used_at timestamptz",
        "CREATE INDEX api_keys_by_merchant ON api_keys (merchant_id, created_at)",
    ])
}
