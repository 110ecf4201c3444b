extension Schema {
    // The Core enums' raw values at version 4, written out: a migration never changes once shipped,
    // so a new case needs a new migration (`storedValueChecksMatchTheCoreEnums` fails until then).
    private static let substatuses = """
        ('weather_delay', 'carrier_delay', 'customs_hold', 'held_at_facility', 'address_issue', 'damaged', 'lost', 'refused',
         'recipient_unavailable', 'payment_due', 'delivered_to_neighbour', 'delivered_to_safe_place', 'delivered_to_pickup_point',
         'signed_for', 'other')
        """
    private static let estimateBases = """
        ('lane', 'destination_region', 'route', 'carrier_service', 'location', 'merchant', 'configured', 'latest_scan')
        """

    /// Version 4: order documents stored on write, the event outbox, and stored values checked.
    /// The views that built documents in SQL go: documents are built once, in Core, by every
    /// change, and `DocumentBackfill` builds them for orders stored before this version.
    static let storedDocumentsAndEvents = Migration(version: 4, name: "stored documents and events", statements: [
        "DROP VIEW order_documents",
        "DROP VIEW shipment_documents",
        "DROP VIEW order_line_quantities",
        "DROP FUNCTION api_time(timestamptz)",
        "DROP FUNCTION api_date(date)",
        // Derived by Core and stored for listing and filtering.
        "ALTER TABLE orders ADD COLUMN subtotal bigint NOT NULL DEFAULT 0, ADD COLUMN item_count bigint NOT NULL DEFAULT 0",
        // Stored values are the Core enums' raw values; anything else is refused on the way in.
        """
        ALTER TABLE orders
            ADD CONSTRAINT orders_status_known CHECK (status IN ('processing', 'partially_shipped', 'shipped', 'in_transit',
                'out_for_delivery', 'available_for_pickup', 'attempted_delivery', 'partially_delivered', 'delivered',
                'exception', 'cancelled')),
            ADD CONSTRAINT orders_channel_known CHECK (channel_type IN ('web', 'app', 'marketplace', 'social', 'pos', 'phone', 'other')),
            ADD CONSTRAINT orders_cancellation_reason_known CHECK (cancellation_reason IN ('customer_request', 'out_of_stock',
                'fraud', 'payment_declined', 'other'))
        """,
        """
        ALTER TABLE shipments
            ADD CONSTRAINT shipments_status_known CHECK (status IN ('pending', 'info_received', 'in_transit', 'out_for_delivery',
                'attempted_delivery', 'available_for_pickup', 'delivered', 'exception', 'returned_to_sender')),
            ADD CONSTRAINT shipments_substatus_known CHECK (substatus IN \(substatuses)),
            ADD CONSTRAINT shipments_estimate_basis_known CHECK (estimate_basis IN \(estimateBases))
        """,
        """
        ALTER TABLE delivery_promises
            ADD CONSTRAINT delivery_promises_basis_known CHECK (basis IN \(estimateBases))
        """,
        """
        ALTER TABLE tracking_events
            ADD CONSTRAINT tracking_events_status_known CHECK (status IN ('info_received', 'in_transit', 'out_for_delivery',
                'attempted_delivery', 'available_for_pickup', 'delivered', 'exception', 'returned_to_sender')),
            ADD CONSTRAINT tracking_events_substatus_known CHECK (substatus IN \(substatuses))
        """,
        // The order and its shipments exactly as the API shows them, as Core built them at the
        // last change (json keeps the text as written: a read sends it unchanged).
        """
        CREATE TABLE order_documents (
            merchant_id uuid NOT NULL,
            order_id uuid NOT NULL,
            version bigint NOT NULL CHECK (version > 0),
            document json NOT NULL,
            PRIMARY KEY (merchant_id, order_id),
            FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id)
        )
        """,
        """
        CREATE TABLE shipment_documents (
            merchant_id uuid NOT NULL,
            shipment_id uuid NOT NULL,
            document json NOT NULL,
            PRIMARY KEY (merchant_id, shipment_id),
            FOREIGN KEY (merchant_id, shipment_id) REFERENCES shipments (merchant_id, id)
        )
        """,
        // The outbox: each change's events, written in its transaction. `sequence` is the
        // merchant's feed position, given only once the writing transaction has finished (see
        // EventFeed), so that positions appear in the order consumers can see them.
        """
        CREATE TABLE events (
            merchant_id uuid NOT NULL,
            id uuid NOT NULL,
            position bigint GENERATED ALWAYS AS IDENTITY,
            transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
            sequence bigint,
            type text NOT NULL CHECK (type IN ('order.created', 'order.updated', 'order.cancelled', 'order.status_changed',
                'shipment.created', 'shipment.status_changed', 'promise.recorded', 'promise.kept', 'promise.missed',
                'estimate.changed', 'promise.at_risk')),
            order_id uuid NOT NULL,
            document_version bigint NOT NULL,
            occurred_at timestamptz NOT NULL,
            data json NOT NULL,
            PRIMARY KEY (merchant_id, id),
            UNIQUE (merchant_id, sequence),
            -- The order's row, which the writing transaction has locked anyway.
            FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id)
        )
        """,
        "CREATE INDEX events_unsequenced ON events (merchant_id, transaction_id, position) WHERE sequence IS NULL",
        "CREATE INDEX events_by_order ON events (merchant_id, order_id, sequence)",
        // Each claim of an Idempotency-Key gets its own token; only its holder records a response.
        "ALTER TABLE idempotency_keys ADD COLUMN claim uuid",
    ])
}
