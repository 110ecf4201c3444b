extension Schema {
    /// Version 11: drops the indexes no query of this version or the previous one reads, so
    /// writes stop maintaining them: the webhook indexes by endpoint alone (replaced by version
    /// 10's, led by the merchant), orders by placement (learning reads by learning key since
    /// version 9), and promises by delivery day (calibration reads promises by when they were made).
    /// Safe to roll: the previous version's queries use none of them.
    static let unusedIndexesDropped = Migration(version: 11, name: "drop unused indexes", statements: [
        "DROP INDEX webhook_deliveries_due",
        "DROP INDEX webhook_deliveries_listing",
        "DROP INDEX webhook_attempts_by_delivery",
        "DROP INDEX orders_by_placement",
        "DROP INDEX delivery_promises_by_delivery",
    ])
}
