extension Schema {
    /// Version 24: the customer page. `tracking_pages` holds each merchant's branding, found by
    /// the page's address (`slug`) before the merchant is known, so the slug alone is unique: a
    /// global table (a reference table when distributed). `tracking_page_counts` counts page views,
    /// look-ups, actions and recommendation clicks per day, with nothing about who.
    static let trackingPages = Migration(version: 24, name: "tracking pages", statements: [
        """
        CREATE TABLE tracking_pages (
            merchant_id uuid NOT NULL UNIQUE REFERENCES merchants (id),
            slug text PRIMARY KEY,
            branding jsonb NOT NULL CHECK (jsonb_typeof(branding) = 'object'),
            updated_at timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE tracking_page_counts (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            day date NOT NULL,
            metric text NOT NULL CHECK (metric IN ('page_view', 'lookup', 'remedy_chosen', 'return_opened', 'review_sent',
                                                   'delivery_rated', 'recommendation_click')),
            sku text NOT NULL DEFAULT '',
            count bigint NOT NULL CHECK (count > 0),
            PRIMARY KEY (merchant_id, day, metric, sku)
        )
        """,
    ])
}
