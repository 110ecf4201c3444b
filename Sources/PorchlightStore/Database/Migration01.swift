extension Schema {
    /// Version 1: merchants and their API keys, orders with their lines, shipments and tracking
    /// events, and the views that built order documents in SQL (gone since version 4).
    static let merchantsAndOrders = Migration(version: 1, name: "merchants and orders", statements: [
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
    ])
}
