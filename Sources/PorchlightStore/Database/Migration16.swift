extension Schema {
    /// Version 16: returns and their lines, each with its decision, logistics and money states;
    /// the event feed learns the return events.
    static let returns = Migration(version: 16, name: "returns", statements: [
        """
        CREATE TABLE returns (
            merchant_id uuid NOT NULL,
            id uuid NOT NULL,
            order_id uuid NOT NULL,
            policy_version integer NOT NULL,
            resolution text NOT NULL CHECK (resolution IN ('refund', 'store_credit', 'exchange', 'keep_item')),
            method text NOT NULL CHECK (method IN ('mail', 'in_store', 'returnless')),
            gift boolean NOT NULL,
            decision text NOT NULL CHECK (decision IN ('requested', 'approved', 'declined', 'cancelled')),
            decision_reason text,
            logistics text NOT NULL CHECK (logistics IN ('not_required', 'awaiting', 'received')),
            money text NOT NULL CHECK (money IN ('pending', 'refunded', 'credited', 'exchanged', 'kept', 'none')),
            -- Core's ReturnRecord.isOpen, stored so that other capabilities' queries (review
            -- requests) can ask it without restating the rule.
            open boolean NOT NULL,
            currency text NOT NULL,
            subtotal bigint NOT NULL,
            restocking_fee_percent integer NOT NULL,
            restocking_fee bigint NOT NULL,
            return_shipping_fee bigint NOT NULL,
            refund_total bigint,
            store_credit bigint,
            exchange_difference bigint,
            store_token text,
            label_reference text,
            submitted_by text NOT NULL CHECK (submitted_by IN ('customer', 'merchant')),
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (merchant_id, id),
            FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id)
        )
        """,
        "CREATE INDEX returns_by_order ON returns (merchant_id, order_id)",
        "CREATE INDEX returns_open_by_order ON returns (merchant_id, order_id) WHERE open",
        "CREATE INDEX returns_by_creation ON returns (merchant_id, created_at DESC, id DESC)",
        """
        CREATE TABLE return_lines (
            merchant_id uuid NOT NULL,
            return_id uuid NOT NULL,
            position integer NOT NULL,
            sku text NOT NULL,
            quantity integer NOT NULL CHECK (quantity > 0),
            reason text NOT NULL CHECK (reason IN ('damaged', 'defective', 'wrong_item', 'not_as_described', 'too_small', 'too_large',
                'changed_mind', 'arrived_late', 'other')),
            note text,
            unit_price bigint NOT NULL,
            exchange_sku text,
            exchange_unit_price bigint,
            received integer,
            damaged integer,
            missing integer,
            disposition text CHECK (disposition IN ('restock', 'do_not_restock', 'inspect')),
            restock_location text,
            -- Core's ReturnRecord.unitsTakenBack, stored likewise (review requests leave lines
            -- returned in full out).
            taken_back integer NOT NULL,
            PRIMARY KEY (merchant_id, return_id, position),
            UNIQUE (merchant_id, return_id, sku),
            FOREIGN KEY (merchant_id, return_id) REFERENCES returns (merchant_id, id)
        )
        """,
        "ALTER TABLE events DROP CONSTRAINT events_type_check",
        """
        ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('order.created', 'order.updated', 'order.cancelled',
            'order.status_changed', 'shipment.created', 'shipment.status_changed', 'promise.recorded', 'promise.kept', 'promise.missed',
            'estimate.changed', 'promise.at_risk', 'review.submitted', 'review.help_requested', 'review.published',
            'review.requested', 'return.requested', 'return.approved', 'return.declined', 'return.received', 'return.resolved',
            'return.cancelled')) NOT VALID
        """,
    ])
}
