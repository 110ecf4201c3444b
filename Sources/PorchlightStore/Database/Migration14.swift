extension Schema {
    /// Version 14: helpful votes and a rating revised after help; review requests sent as
    /// events; delivery-experience ratings per shipment. Summary tallies now change only when
    /// what they count changes, so votes and replies do not touch a SKU's tally rows.
    static let reviewRequestsAndVotes = Migration(version: 14, name: "review requests, votes and delivery ratings", statements: [
        """
        ALTER TABLE reviews
            ADD COLUMN helpful_votes integer NOT NULL DEFAULT 0,
            ADD COLUMN unhelpful_votes integer NOT NULL DEFAULT 0,
            ADD COLUMN first_rating smallint CHECK (first_rating BETWEEN 1 AND 5)
        """,
        """
        CREATE TABLE review_votes (
            merchant_id uuid NOT NULL,
            review_id uuid NOT NULL,
            voter text NOT NULL,
            helpful boolean NOT NULL,
            voted_at timestamptz NOT NULL,
            PRIMARY KEY (merchant_id, review_id, voter),
            FOREIGN KEY (merchant_id, review_id) REFERENCES reviews (merchant_id, id)
        )
        """,
        "DROP TRIGGER reviews_are_tallied ON reviews",
        """
        CREATE TRIGGER reviews_are_tallied AFTER INSERT OR DELETE ON reviews
        FOR EACH ROW EXECUTE FUNCTION tally_published_reviews()
        """,
        """
        CREATE TRIGGER reviews_are_retallied AFTER UPDATE ON reviews
        FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.rating IS DISTINCT FROM NEW.rating
                           OR OLD.sku IS DISTINCT FROM NEW.sku OR OLD.attributes IS DISTINCT FROM NEW.attributes)
        EXECUTE FUNCTION tally_published_reviews()
        """,
        // One row per shipment asked about: the scheduler's claim (a replica that loses the
        // insert sends nothing) and the answer to "was this one asked for already?".
        """
        CREATE TABLE review_requests (
            merchant_id uuid NOT NULL,
            shipment_id uuid NOT NULL,
            order_id uuid NOT NULL,
            due_at timestamptz NOT NULL,
            requested_at timestamptz NOT NULL,
            PRIMARY KEY (merchant_id, shipment_id),
            FOREIGN KEY (merchant_id, shipment_id) REFERENCES shipments (merchant_id, id)
        )
        """,
        """
        CREATE TABLE delivery_ratings (
            merchant_id uuid NOT NULL,
            shipment_id uuid NOT NULL,
            order_id uuid NOT NULL,
            carrier text NOT NULL,
            service_level text,
            rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
            comment text,
            submitted_by text NOT NULL CHECK (submitted_by IN ('customer', 'merchant')),
            created_at timestamptz NOT NULL,
            PRIMARY KEY (merchant_id, shipment_id),
            FOREIGN KEY (merchant_id, shipment_id) REFERENCES shipments (merchant_id, id)
        )
        """,
        "ALTER TABLE review_settings ADD COLUMN announce_requests boolean NOT NULL DEFAULT true",
        "CREATE INDEX delivery_ratings_by_time ON delivery_ratings (merchant_id, created_at)",
        // The review feed walks a merchant's published reviews by when they last changed.
        "CREATE INDEX reviews_published_by_change ON reviews (merchant_id, updated_at, id) WHERE status = 'published'",
        "ALTER TABLE events DROP CONSTRAINT events_type_check",
        """
        ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('order.created', 'order.updated', 'order.cancelled',
            'order.status_changed', 'shipment.created', 'shipment.status_changed', 'promise.recorded', 'promise.kept', 'promise.missed',
            'estimate.changed', 'promise.at_risk', 'review.submitted', 'review.help_requested', 'review.published',
            'review.requested')) NOT VALID
        """,
    ])
}
