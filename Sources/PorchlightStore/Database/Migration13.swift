extension Schema {
    /// Version 13: reviews of order lines, one per line, with their moderation trail; the
    /// merchant's review settings; the event feed learns the review events.
    static let reviews = Migration(version: 13, name: "reviews", statements: [
        """
        CREATE TABLE reviews (
            merchant_id uuid NOT NULL,
            id uuid NOT NULL,
            order_id uuid NOT NULL,
            sku text NOT NULL,
            rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
            title text,
            body text,
            display_name text NOT NULL,
            photo_urls text[] NOT NULL,
            attributes jsonb NOT NULL,
            incentivised boolean NOT NULL,
            verified_by text NOT NULL CHECK (verified_by IN ('delivered_order')),
            submitted_by text NOT NULL CHECK (submitted_by IN ('customer', 'merchant')),
            delivered_at timestamptz NOT NULL,
            status text NOT NULL CHECK (status IN ('pending', 'published', 'rejected', 'spam', 'hidden')),
            status_reason text,
            help_requested boolean NOT NULL,
            reply_text text,
            reply_public boolean,
            replied_at timestamptz,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (merchant_id, id),
            -- One review per line: a second submission, even a concurrent one, is a conflict.
            UNIQUE (merchant_id, order_id, sku),
            FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id)
        )
        """,
        """
        CREATE TABLE review_settings (
            merchant_id uuid PRIMARY KEY REFERENCES merchants (id),
            request_delay_days integer NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        // A product's summary reads counts kept as reviews enter and leave `published`, not a scan
        // of its reviews: kept by the database, so no write path (moderation, a bulk load) can
        // skip them. Ratings and attributes never change after submission.
        """
        CREATE TABLE review_rating_tallies (
            merchant_id uuid NOT NULL,
            sku text NOT NULL,
            rating smallint NOT NULL,
            reviews integer NOT NULL CHECK (reviews >= 0),
            PRIMARY KEY (merchant_id, sku, rating)
        )
        """,
        """
        CREATE TABLE review_attribute_tallies (
            merchant_id uuid NOT NULL,
            sku text NOT NULL,
            name text NOT NULL,
            value text NOT NULL,
            reviews integer NOT NULL CHECK (reviews >= 0),
            PRIMARY KEY (merchant_id, sku, name, value)
        )
        """,
        """
        CREATE FUNCTION tally_published_reviews() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- The old row's share leaves, the new row's arrives (a change to any column a
            -- tally counts by, or a delete, keeps them true).
            IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published' THEN
                UPDATE review_rating_tallies SET reviews = reviews - 1
                WHERE merchant_id = OLD.merchant_id AND sku = OLD.sku AND rating = OLD.rating;
                UPDATE review_attribute_tallies t SET reviews = t.reviews - 1
                FROM jsonb_each_text(OLD.attributes) a
                WHERE t.merchant_id = OLD.merchant_id AND t.sku = OLD.sku AND t.name = a.key AND t.value = a.value;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'published' THEN
                INSERT INTO review_rating_tallies VALUES (NEW.merchant_id, NEW.sku, NEW.rating, 1)
                ON CONFLICT (merchant_id, sku, rating) DO UPDATE SET reviews = review_rating_tallies.reviews + 1;
                INSERT INTO review_attribute_tallies
                SELECT NEW.merchant_id, NEW.sku, a.key, a.value, 1 FROM jsonb_each_text(NEW.attributes) a
                ON CONFLICT (merchant_id, sku, name, value) DO UPDATE SET reviews = review_attribute_tallies.reviews + 1;
            END IF;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER reviews_are_tallied AFTER INSERT OR UPDATE OR DELETE ON reviews
        FOR EACH ROW EXECUTE FUNCTION tally_published_reviews()
        """,
        // Review requests walk a merchant's deliveries in time order.
        "CREATE INDEX shipments_delivered ON shipments (merchant_id, delivered_at, id) WHERE status = 'delivered'",
        "CREATE INDEX reviews_published_by_sku ON reviews (merchant_id, sku, created_at DESC, id DESC) WHERE status = 'published'",
        """
        CREATE TABLE review_moderations (
            merchant_id uuid NOT NULL,
            review_id uuid NOT NULL,
            position bigint GENERATED ALWAYS AS IDENTITY,
            moderated_at timestamptz NOT NULL,
            from_status text NOT NULL,
            to_status text NOT NULL,
            reason text,
            PRIMARY KEY (merchant_id, review_id, position),
            FOREIGN KEY (merchant_id, review_id) REFERENCES reviews (merchant_id, id)
        )
        """,
        // The wider check is added unchecked: every stored event passed the narrower one, so
        // there is nothing to scan while the feed's writes wait for this migration's lock.
        "ALTER TABLE events DROP CONSTRAINT events_type_check",
        """
        ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('order.created', 'order.updated', 'order.cancelled',
            'order.status_changed', 'shipment.created', 'shipment.status_changed', 'promise.recorded', 'promise.kept', 'promise.missed',
            'estimate.changed', 'promise.at_risk', 'review.submitted', 'review.help_requested', 'review.published')) NOT VALID
        """,
    ])
}
