extension Schema {
    /// Version 3: fulfilment locations, carrier services, promise settings, quotes and the ledger
    /// of delivery promises (a trigger keeps a promise from being deleted or its terms rewritten).
    static let deliveryPromises = Migration(version: 3, name: "delivery promises", statements: [
        """
        CREATE TABLE fulfilment_locations (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            code text NOT NULL,
            name text,
            country text NOT NULL,
            region text,
            postal_code text,
            time_zone text NOT NULL,
            cutoff_minutes integer NOT NULL CHECK (cutoff_minutes BETWEEN 0 AND 1439),
            handling_days integer NOT NULL CHECK (handling_days >= 0),
            working_days text[] NOT NULL,
            holidays date[] NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (merchant_id, code)
        )
        """,
        """
        CREATE TABLE carrier_services (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            carrier text NOT NULL,
            service_level text NOT NULL,
            pickup_days text[] NOT NULL,
            delivery_days text[] NOT NULL,
            baseline_transit jsonb NOT NULL,
            scheduled_delivery jsonb,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (merchant_id, carrier, service_level)
        )
        """,
        """
        CREATE TABLE promise_settings (
            merchant_id uuid PRIMARY KEY REFERENCES merchants (id),
            on_time_target double precision NOT NULL CHECK (on_time_target BETWEEN 0.5 AND 0.99),
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        // Quotes are kept for a short while so that an order can turn one option into its promise.
        """
        CREATE TABLE delivery_quotes (
            merchant_id uuid NOT NULL REFERENCES merchants (id),
            id uuid NOT NULL,
            location_code text NOT NULL,
            destination jsonb NOT NULL,
            quoted_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            options jsonb NOT NULL,
            PRIMARY KEY (merchant_id, id)
        )
        """,
        // The promise ledger: one promise per order, written once. Slot bookings are the promises
        // with a slot, so capacity is counted where the promise is.
        """
        CREATE TABLE delivery_promises (
            merchant_id uuid NOT NULL,
            order_id uuid NOT NULL,
            quote_id uuid NOT NULL,
            option_id text NOT NULL,
            slot_id text,
            carrier text NOT NULL,
            service_level text NOT NULL,
            location_code text NOT NULL,
            origin_region text,
            destination_country text NOT NULL,
            destination_region text,
            earliest date NOT NULL,
            latest date NOT NULL,
            slot_date date,
            slot_start text,
            slot_end text,
            confidence double precision NOT NULL,
            basis text NOT NULL,
            engine_version text NOT NULL,
            promised_at timestamptz NOT NULL,
            -- The raw forecast: cumulative probability of delivery by each day from forecast_start.
            forecast_start date NOT NULL,
            forecast double precision[] NOT NULL,
            delivered_on date,
            outcome text CHECK (outcome IN ('kept', 'missed')),
            -- Where the delivery fell in the forecast; recent ones recalibrate new promises.
            pit double precision,
            PRIMARY KEY (merchant_id, order_id),
            FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id)
        )
        """,
        "CREATE INDEX delivery_promises_by_time ON delivery_promises (merchant_id, promised_at)",
        "CREATE INDEX delivery_promises_by_delivery ON delivery_promises (merchant_id, delivered_on) WHERE pit IS NOT NULL",
        """
        CREATE INDEX delivery_promises_by_slot ON delivery_promises (merchant_id, carrier, service_level, slot_date, slot_start)
        WHERE slot_date IS NOT NULL
        """,
        // The ledger's guarantee, enforced where no code path can skip it: a promise is never
        // changed or deleted; only its outcome is written, once.
        """
        CREATE FUNCTION keep_delivery_promises() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'delivery promises are never deleted' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF (NEW.quote_id, NEW.option_id, NEW.slot_id, NEW.carrier, NEW.service_level, NEW.location_code,
                NEW.earliest, NEW.latest, NEW.slot_date, NEW.slot_start, NEW.slot_end, NEW.confidence, NEW.basis,
                NEW.engine_version, NEW.promised_at)
               IS DISTINCT FROM
               (OLD.quote_id, OLD.option_id, OLD.slot_id, OLD.carrier, OLD.service_level, OLD.location_code,
                OLD.earliest, OLD.latest, OLD.slot_date, OLD.slot_start, OLD.slot_end, OLD.confidence, OLD.basis,
                OLD.engine_version, OLD.promised_at)
               OR (NEW.forecast_start, NEW.forecast) IS DISTINCT FROM (OLD.forecast_start, OLD.forecast)
               OR (OLD.outcome IS NOT NULL AND (NEW.outcome, NEW.delivered_on, NEW.pit) IS DISTINCT FROM (OLD.outcome, OLD.delivered_on, OLD.pit)) THEN
                RAISE EXCEPTION 'a delivery promise never changes' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$
        """,
        """
        CREATE TRIGGER delivery_promises_are_kept BEFORE UPDATE OR DELETE ON delivery_promises
        FOR EACH ROW EXECUTE FUNCTION keep_delivery_promises()
        """,
        """
        ALTER TABLE shipments
            ADD COLUMN estimate_earliest date,
            ADD COLUMN estimate_latest date,
            ADD COLUMN estimate_confidence double precision,
            ADD COLUMN estimate_basis text,
            ADD COLUMN estimated_at timestamptz
        """,
        // What the transit model learns from: recent orders' shipments.
        "CREATE INDEX orders_by_placement ON orders (merchant_id, placed_at)",
        """
        CREATE FUNCTION api_date(d date) RETURNS text LANGUAGE sql IMMUTABLE AS
        $$ SELECT to_char(d, 'YYYY-MM-DD') $$
        """,
        """
        CREATE OR REPLACE VIEW shipment_documents AS
        SELECT s.merchant_id, s.id, s.order_id, s.created_at, json_build_object(
            'id', s.id, 'order_id', s.order_id, 'order_number', o.order_number,
            'carrier', s.carrier, 'service_level', s.service_level, 'tracking_number', s.tracking_number,
            'origin_location', s.origin_location, 'status', s.status, 'substatus', s.substatus,
            'shipped_at', api_time(s.shipped_at), 'delivered_at', api_time(s.delivered_at),
            'estimate', CASE WHEN s.estimate_latest IS NOT NULL THEN json_build_object(
                'earliest', api_date(s.estimate_earliest), 'latest', api_date(s.estimate_latest),
                'confidence', s.estimate_confidence, 'basis', s.estimate_basis, 'updated_at', api_time(s.estimated_at)) END,
            'created_at', api_time(s.created_at), 'updated_at', api_time(s.updated_at),
            'lines', (SELECT coalesce(json_agg(json_build_object('sku', sl.sku, 'quantity', sl.quantity) ORDER BY sl.sku), '[]')
                      FROM shipment_lines sl WHERE sl.merchant_id = s.merchant_id AND sl.shipment_id = s.id),
            'events', (SELECT coalesce(json_agg(json_build_object(
                          'id', e.id, 'status', e.status, 'substatus', e.substatus,
                          'carrier_status_code', e.carrier_status_code, 'carrier_status_text', e.carrier_status_text,
                          'location', e.location, 'occurred_at', api_time(e.occurred_at),
                          'carrier_event_id', e.carrier_event_id, 'recorded_at', api_time(e.recorded_at)
                       ) ORDER BY e.occurred_at, e.recorded_at, e.id), '[]')
                       FROM tracking_events e WHERE e.merchant_id = s.merchant_id AND e.shipment_id = s.id)
        ) AS document
        FROM shipments s JOIN orders o ON o.merchant_id = s.merchant_id AND o.id = s.order_id
        """,
        """
        CREATE OR REPLACE VIEW order_documents AS
        SELECT o.merchant_id, o.id, json_build_object(
            'id', o.id, 'order_number', o.order_number, 'status', o.status,
            'channel', json_build_object('type', o.channel_type, 'name', o.channel_name),
            'customer', json_build_object('email', o.customer_email, 'phone', o.customer_phone,
                                          'name', o.customer_name, 'locale', o.customer_locale),
            'destination', o.destination, 'placed_at', api_time(o.placed_at), 'currency', o.currency,
            'subtotal', (SELECT coalesce(sum((l.quantity - l.cancelled_quantity) * l.unit_price), 0)
                         FROM order_lines l WHERE l.merchant_id = o.merchant_id AND l.order_id = o.id),
            'metadata', o.metadata, 'cancelled_at', api_time(o.cancelled_at),
            'cancellation_reason', o.cancellation_reason,
            'promise', CASE WHEN p.order_id IS NOT NULL THEN json_build_object(
                'earliest', api_date(p.earliest), 'latest', api_date(p.latest), 'confidence', p.confidence,
                'carrier', p.carrier, 'service_level', p.service_level, 'location', p.location_code,
                'slot', CASE WHEN p.slot_date IS NOT NULL THEN json_build_object('date', api_date(p.slot_date), 'start', p.slot_start, 'end', p.slot_end) END,
                'quote_id', p.quote_id, 'engine_version', p.engine_version, 'promised_at', api_time(p.promised_at),
                'outcome', p.outcome, 'delivered_on', api_date(p.delivered_on)) END,
            -- The estimate: the last of the undelivered shipments' estimates (the order is
            -- complete when the last parcel arrives), or the promise while none has one.
            'estimate', CASE WHEN o.status NOT IN ('delivered', 'cancelled') AND coalesce(e.latest, p.latest) IS NOT NULL THEN json_build_object(
                'earliest', api_date(coalesce(e.earliest, p.earliest)), 'latest', api_date(coalesce(e.latest, p.latest)),
                'confidence', coalesce(e.confidence, p.confidence), 'basis', coalesce(e.basis, p.basis),
                'updated_at', api_time(coalesce(e.updated_at, p.promised_at))) END,
            -- At risk: that estimate ends after the promise, or a parcel has an exception.
            'promise_at_risk', CASE WHEN p.order_id IS NULL THEN NULL
                WHEN o.status IN ('delivered', 'cancelled') THEN false
                ELSE coalesce(e.latest > p.latest, false) OR coalesce(e.exception, false) END,
            'created_at', api_time(o.created_at), 'updated_at', api_time(o.updated_at),
            'lines', (SELECT coalesce(json_agg(json_build_object(
                         'sku', l.sku, 'name', l.name, 'quantity', l.quantity, 'unit_price', l.unit_price,
                         'category', l.category, 'image_url', l.image_url, 'product_url', l.product_url,
                         'final_sale', l.final_sale, 'cancelled_quantity', l.cancelled_quantity,
                         'shipped_quantity', q.shipped_quantity, 'delivered_quantity', q.delivered_quantity
                      ) ORDER BY l.position), '[]')
                      FROM order_lines l JOIN order_line_quantities q
                        ON q.merchant_id = l.merchant_id AND q.order_id = l.order_id AND q.sku = l.sku
                      WHERE l.merchant_id = o.merchant_id AND l.order_id = o.id),
            'shipments', (SELECT coalesce(json_agg(d.document ORDER BY d.created_at, d.id), '[]')
                          FROM shipment_documents d WHERE d.merchant_id = o.merchant_id AND d.order_id = o.id)
        ) AS document
        FROM orders o
        LEFT JOIN delivery_promises p ON p.merchant_id = o.merchant_id AND p.order_id = o.id
        LEFT JOIN LATERAL (
            SELECT max(x.estimate_earliest) AS earliest, max(x.estimate_latest) AS latest,
                   min(x.estimate_confidence) AS confidence,
                   (array_agg(x.estimate_basis ORDER BY x.estimate_latest DESC NULLS LAST))[1] AS basis,
                   max(x.estimated_at) AS updated_at,
                   bool_or(x.status IN ('exception', 'returned_to_sender')) AS exception
            FROM shipments x
            WHERE x.merchant_id = o.merchant_id AND x.order_id = o.id AND x.status <> 'delivered'
        ) e ON true
        """,
    ])
}
