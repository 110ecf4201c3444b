/// The schema, as numbered migrations. Every table carries `merchant_id` first in its primary key:
/// it is the tenant boundary and the distribution key should one PostgreSQL not be enough.
public enum Schema {
    /// Global tables, reference tables when distributed: `api_keys` (found by the key's hash
    /// before the merchant is known), `tracking_pages` (found by the page's address likewise) and
    /// `schema_migrations`.
    public static let distributionExceptions: Set<String> = ["api_keys", "tracking_pages", "schema_migrations"]

    static let migrations: [Migration] = [
        Migration(version: 1, name: "merchants and orders", statements: [
            """
            CREATE TABLE merchants (
                id uuid PRIMARY KEY,
                name text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE api_keys (
                id uuid PRIMARY KEY,
                merchant_id uuid NOT NULL REFERENCES merchants (id),
                key_hash bytea NOT NULL UNIQUE,
                scopes text[] NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                revoked_at timestamptz
            )
            """,
            """
            CREATE TABLE service_secrets (
                name text PRIMARY KEY,
                secret bytea NOT NULL
            )
            """,
            """
            CREATE TABLE orders (
                merchant_id uuid NOT NULL REFERENCES merchants (id),
                id uuid NOT NULL,
                order_number text NOT NULL,
                status text NOT NULL,
                channel_type text NOT NULL,
                channel_name text,
                customer_email text NOT NULL,
                customer_phone text,
                customer_name text,
                customer_locale text,
                destination jsonb NOT NULL,
                destination_postal_code text,
                placed_at timestamptz NOT NULL,
                currency text NOT NULL,
                metadata jsonb NOT NULL,
                cancelled_at timestamptz,
                cancellation_reason text,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (merchant_id, id),
                UNIQUE (merchant_id, order_number)
            )
            """,
            "CREATE INDEX orders_by_update ON orders (merchant_id, updated_at DESC, id DESC)",
            "CREATE INDEX orders_by_email ON orders (merchant_id, customer_email, updated_at DESC, id DESC)",
            "CREATE INDEX orders_by_status ON orders (merchant_id, status, updated_at DESC, id DESC)",
            """
            CREATE TABLE order_lines (
                merchant_id uuid NOT NULL,
                order_id uuid NOT NULL,
                sku text NOT NULL,
                position integer NOT NULL,
                name text NOT NULL,
                quantity integer NOT NULL CHECK (quantity > 0),
                unit_price bigint NOT NULL CHECK (unit_price >= 0),
                category text,
                image_url text,
                product_url text,
                final_sale boolean NOT NULL,
                cancelled_quantity integer NOT NULL DEFAULT 0 CHECK (cancelled_quantity BETWEEN 0 AND quantity),
                PRIMARY KEY (merchant_id, order_id, sku),
                FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id)
            )
            """,
            """
            CREATE TABLE shipments (
                merchant_id uuid NOT NULL,
                id uuid NOT NULL,
                order_id uuid NOT NULL,
                carrier text NOT NULL,
                service_level text,
                tracking_number text NOT NULL,
                origin_location text,
                status text NOT NULL DEFAULT 'pending',
                substatus text,
                shipped_at timestamptz,
                delivered_at timestamptz,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (merchant_id, id),
                UNIQUE (merchant_id, carrier, tracking_number),
                FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id)
            )
            """,
            "CREATE INDEX shipments_by_order ON shipments (merchant_id, order_id)",
            """
            CREATE TABLE shipment_lines (
                merchant_id uuid NOT NULL,
                shipment_id uuid NOT NULL,
                sku text NOT NULL,
                quantity integer NOT NULL CHECK (quantity > 0),
                PRIMARY KEY (merchant_id, shipment_id, sku),
                FOREIGN KEY (merchant_id, shipment_id) REFERENCES shipments (merchant_id, id)
            )
            """,
            """
            CREATE TABLE tracking_events (
                merchant_id uuid NOT NULL,
                id uuid NOT NULL,
                shipment_id uuid NOT NULL,
                deduplication_key text NOT NULL,
                status text NOT NULL,
                substatus text,
                carrier_status_code text,
                carrier_status_text text,
                location jsonb,
                occurred_at timestamptz NOT NULL,
                carrier_event_id text,
                recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (merchant_id, id),
                UNIQUE (merchant_id, shipment_id, deduplication_key),
                FOREIGN KEY (merchant_id, shipment_id) REFERENCES shipments (merchant_id, id)
            )
            """,
            """
            CREATE TABLE order_lookup_failures (
                merchant_id uuid NOT NULL,
                order_number text NOT NULL,
                window_started_at timestamptz NOT NULL,
                failures integer NOT NULL,
                PRIMARY KEY (merchant_id, order_number)
            )
            """,
            // Times in the API's format: RFC 3339, UTC, milliseconds.
            """
            CREATE FUNCTION api_time(t timestamptz) RETURNS text LANGUAGE sql STABLE AS
            $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$
            """,
            // A shipment and an order exactly as the API shows them, each built in one query (json,
            // not jsonb: building jsonb costs half again as much and nothing here needs it).
            """
            CREATE VIEW shipment_documents AS
            SELECT s.merchant_id, s.id, s.order_id, s.created_at, json_build_object(
                'id', s.id, 'order_id', s.order_id, 'order_number', o.order_number,
                'carrier', s.carrier, 'service_level', s.service_level, 'tracking_number', s.tracking_number,
                'origin_location', s.origin_location, 'status', s.status, 'substatus', s.substatus,
                'shipped_at', api_time(s.shipped_at), 'delivered_at', api_time(s.delivered_at),
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
            CREATE VIEW order_line_quantities AS
            SELECT l.merchant_id, l.order_id, l.sku, l.position, l.quantity, l.cancelled_quantity,
                   coalesce(sum(sl.quantity), 0)::int8 AS shipped_quantity,
                   coalesce(sum(sl.quantity) FILTER (WHERE s.status = 'delivered'), 0)::int8 AS delivered_quantity
            FROM order_lines l
            LEFT JOIN shipments s ON s.merchant_id = l.merchant_id AND s.order_id = l.order_id
            LEFT JOIN shipment_lines sl ON sl.merchant_id = s.merchant_id AND sl.shipment_id = s.id AND sl.sku = l.sku
            GROUP BY l.merchant_id, l.order_id, l.sku
            """,
            """
            CREATE VIEW order_documents AS
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
            """,
        ]),
        Migration(version: 2, name: "idempotency keys", statements: [
            // The first response to a POST with an Idempotency-Key, replayed for retries.
            // status is NULL while the first request is still running.
            """
            CREATE TABLE idempotency_keys (
                merchant_id uuid NOT NULL REFERENCES merchants (id),
                key text NOT NULL,
                request_hash bytea NOT NULL,
                status integer,
                content_type text,
                body bytea,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (merchant_id, key)
            )
            """,
        ]),
        Migration(version: 3, name: "delivery promises", statements: [
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
        ]),
        storedDocumentsAndEvents,
        webhooks,
        apiKeyManagement,
        customerViews,
        distributableSchema,
        learningSample,
        webhookQueriesByMerchant,
        unusedIndexesDropped,
        adaptiveLevels,
        reviews,
        reviewRequestsAndVotes,
        returnPolicies,
        returns,
        returnParcelsAndClaims,
        disruptionAlerts,
        declaredDisruptions,
        remedies,
        disruptionSettings,
        customerTokens,
        disruptionMessageLanguages,
        trackingPages,
        deliveryExceptions,
        messages,
    ]
}
