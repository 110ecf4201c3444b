extension Schema {
    /// Version 7, customer views: lookup misses are counted per subject (an order number, or a
    /// client address), so one table throttles both (the old per-order-number counts only lived
    /// 15 minutes); merchants choose fields to hide from every customer view.
    static let customerViews = Migration(version: 7, name: "customer views", statements: [
        "DROP TABLE order_lookup_failures",
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
