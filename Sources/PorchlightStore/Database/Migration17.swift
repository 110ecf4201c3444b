extension Schema {
    /// Version 17: a return's parcel (carrier, tracking number, scans), its expiry, claims against
    /// the carrier (kind, shipment, the reship resolution), and the logistics of a parcel in
    /// transit, lost or never sent; the event feed learns `return.lost` and `return.expired`.
    static let returnParcelsAndClaims = Migration(version: 17, name: "return parcels and claims", statements: [
        """
        ALTER TABLE returns
            ADD COLUMN kind text NOT NULL DEFAULT 'return' CHECK (kind IN ('return', 'lost_parcel', 'returned_to_sender')),
            ADD COLUMN shipment_id uuid,
            ADD COLUMN parcel_carrier text,
            ADD COLUMN parcel_tracking_number text,
            ADD COLUMN parcel_scans jsonb,
            ADD COLUMN ship_back_days integer NOT NULL DEFAULT 30,
            ADD COLUMN ship_back_by timestamptz,
            -- Core's ReturnRecord.expiresAt, stored so that the expiry pass can find what is due
            -- without restating the rule: set only while the return can expire.
            ADD COLUMN expires_at timestamptz
        """,
        // Returns opened before: their 30 days count from opening (the standard policy's days).
        "UPDATE returns SET ship_back_by = created_at + interval '30 days' WHERE logistics = 'awaiting'",
        "UPDATE returns SET expires_at = ship_back_by WHERE logistics = 'awaiting' AND decision = 'approved' AND money = 'pending'",
        "ALTER TABLE returns DROP CONSTRAINT returns_resolution_check",
        "ALTER TABLE returns ADD CONSTRAINT returns_resolution_check CHECK (resolution IN ('refund', 'store_credit', 'exchange', 'keep_item', 'reship'))",
        "ALTER TABLE returns DROP CONSTRAINT returns_logistics_check",
        """
        ALTER TABLE returns ADD CONSTRAINT returns_logistics_check
            CHECK (logistics IN ('not_required', 'awaiting', 'in_transit', 'received', 'lost', 'expired'))
        """,
        "ALTER TABLE returns DROP CONSTRAINT returns_money_check",
        """
        ALTER TABLE returns ADD CONSTRAINT returns_money_check
            CHECK (money IN ('pending', 'refunded', 'credited', 'exchanged', 'kept', 'reshipped', 'none'))
        """,
        "CREATE INDEX returns_by_expiry ON returns (expires_at) WHERE expires_at IS NOT NULL",
        "CREATE INDEX returns_by_parcel ON returns (merchant_id, parcel_carrier, parcel_tracking_number) WHERE parcel_carrier IS NOT NULL",
        "CREATE UNIQUE INDEX returns_one_claim_per_shipment ON returns (merchant_id, shipment_id) WHERE shipment_id IS NOT NULL",
        // NOT VALID: the rows already there were checked by the constraint this one widens, and
        // validating would scan the whole feed under lock.
        "ALTER TABLE events DROP CONSTRAINT events_type_check",
        """
        ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('order.created', 'order.updated', 'order.cancelled',
            'order.status_changed', 'shipment.created', 'shipment.status_changed', 'promise.recorded', 'promise.kept', 'promise.missed',
            'estimate.changed', 'promise.at_risk', 'review.submitted', 'review.help_requested', 'review.published',
            'review.requested', 'return.requested', 'return.approved', 'return.declined', 'return.received', 'return.resolved',
            'return.cancelled', 'return.lost', 'return.expired')) NOT VALID
        """,
    ])
}
