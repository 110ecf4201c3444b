extension Schema {
    /// Version 21: the merchant's silence thresholds for disruption alerts (one document per
    /// merchant; the standard ones until set).
    static let disruptionSettings = Migration(version: 21, name: "disruption settings", statements: [
        """
        CREATE TABLE disruption_settings (
            merchant_id uuid PRIMARY KEY REFERENCES merchants (id),
            settings jsonb NOT NULL,
            updated_at timestamptz NOT NULL
        )
        """,
    ])
}
