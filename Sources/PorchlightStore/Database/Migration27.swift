extension Schema {
    /// Version 27: a shipment's document is read from its order's, where it is spliced whole
    /// (`OrderDocument.texts(of:)`), instead of being stored a second time. Every tracking event
    /// rewrote both; at 1,000,000 orders the copy took 2 GB, and writing it a quarter of the save
    /// statement's time.
    /// Stop the replicas of version 26 and older first: they still write and read this table.
    static let shipmentDocumentsFromOrders = Migration(version: 27, name: "shipment documents read from their orders'", statements: [
        "DROP TABLE shipment_documents",
    ])
}
