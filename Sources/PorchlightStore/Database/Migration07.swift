extension Schema {
    /// Version 7, customer views: lookup attempts are counted per subject (an order number, or a
    /// client address), so one table throttles both; merchants choose fields to hide from every
    /// customer view. `order_lookup_failures` stays for replicas still running the previous
    /// version during a rolling deploy; a later migration drops it.
    static let customerViews = Migration(version: 7, name: "customer views", statements: [
        """
        CREATE TABLE order_lookup_misses (
            merchant_id uuid NOT NULL,
            subject text NOT NULL,
            window_started_at timestamptz NOT NULL,
            misses integer NOT NULL,
            PRIMARY KEY (merchant_id, subject)
        )
        """,
        "CREATE INDEX order_lookup_misses_by_window ON order_lookup_misses (window_started_at)",
        "ALTER TABLE merchants ADD COLUMN customer_view_hidden text[] NOT NULL DEFAULT '{}'",
    ])
}
