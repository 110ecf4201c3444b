import Foundation
import Logging
import PorchlightCore
import PostgresNIO

extension OrderAggregates {
    /// An order as saved: the record with its new version, the context it was saved in, and the
    /// documents as stored.
    struct Saved: Sendable {
        var order: OrderRecord
        var context: MerchantContext
        var document: String
        /// Each shipment's document, as spliced into the order's.
        var shipmentDocuments: [UUID: String]

        init(order: OrderRecord, context: MerchantContext, texts: (order: String, shipments: [UUID: String])) {
            (self.order, self.context, self.document, self.shipmentDocuments) = (order, context, texts.order, texts.shipments)
        }

        func shipmentDocument(_ id: UUID) throws -> ShipmentJSON {
            guard let text = shipmentDocuments[id] else { throw NotInOrder(shipmentID: id) }
            return ShipmentJSON(id: id, json: Data(text.utf8), orderVersion: order.version)
        }

        var orderDocument: OrderJSON { OrderJSON(id: order.id, json: Data(document.utf8), orderVersion: order.version) }
    }

    /// Settles the changed order (Core's derived values, in the merchant's `context`) and, unless
    /// that leaves it as it was, writes what differs from `before` (nil: a new order), its
    /// document with the next version, and the change's events.
    static func save(_ proposed: OrderRecord, replacing before: OrderRecord?, now: Date, context: MerchantContext, merchant: MerchantID,
                     on connection: PostgresConnection, logger: Logger) async throws -> Saved {
        var order = settled(proposed, now: now, context: context)
        if let before, changesNothing(order, comparedWith: before) {
            // Nothing changed but when time alone should look at the order again: no version, no event.
            if order.disruptionCheckAt != before.disruptionCheckAt {
                try await connection.query("""
                    UPDATE orders SET disruption_check_at = \(order.disruptionCheckAt)
                    WHERE merchant_id = \(merchant.rawValue) AND id = \(order.id)
                    """, logger: logger)
            }
            return Saved(order: before, context: context, texts: try OrderDocument.texts(of: before, context: context))
        }
        order.version = (before?.version ?? 0) + 1
        order.updatedAt = now
        return try await write(order, replacing: before, events: OrderEvents.between(before, order, context: context),
                               now: now, context: context, merchant: merchant, on: connection, logger: logger)
    }

    /// The order with Core's derived values at `now`: its status, its alert, its next check.
    static func settled(_ proposed: OrderRecord, now: Date, context: MerchantContext) -> OrderRecord {
        var order = proposed
        order.settle(now: now)
        order.keepDeliveryExceptionsInStep(now: now, newID: UUID.random, context: context)
        order.keepAlertInStep(now: now, newID: UUID.random(), context: context)
        return order
    }

    /// Whether a settled order is the stored one but for when time alone should look at it again
    /// (no version, no event). An order stored before documents were gets its document even
    /// from a change that changes nothing.
    static func changesNothing(_ order: OrderRecord, comparedWith before: OrderRecord) -> Bool {
        before.version > 0 && order.disregardingCheckTime == before.disregardingCheckTime
    }

    /// Stores the document of an order that has none (stored before documents were, or loaded in
    /// bulk): its derived values and documents, version 1, no events (nothing happened).
    static func storeFirstDocument(_ loaded: LoadedOrder, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        guard loaded.order.version == 0 else { return }  // another replica stored it meanwhile
        var order = loaded.order
        order.settle(now: loaded.order.updatedAt)
        order.version = 1
        _ = try await write(order, replacing: loaded.order, events: [], now: loaded.order.updatedAt, context: loaded.context,
                            merchant: merchant, on: connection, logger: logger)
    }

    /// Writes what differs between `before` (nil: a new order) and `order`, the order's document
    /// (its shipments' inside), and the events, in one statement (after inserting a new order's row).
    private static func write(_ order: OrderRecord, replacing before: OrderRecord?, events: [DomainEvent],
                              now: Date, context: MerchantContext, merchant: MerchantID, on connection: PostgresConnection,
                              logger: Logger) async throws -> Saved {
        let texts = try OrderDocument.texts(of: order, context: context)
        if before == nil {
            try await insertOrder(order, merchant: merchant, on: connection, logger: logger)
        }
        try await ReturnStore.save(order.returns, replacing: before?.returns ?? [], merchant: merchant, on: connection, logger: logger)
        try await AlertStore.save(order.alert, replacing: before?.alert, orderID: order.id, now: now, merchant: merchant, on: connection, logger: logger)
        try await RemedyStore.save(order.remedies, replacing: before?.remedies ?? [], orderID: order.id, now: now, merchant: merchant,
                                   on: connection, logger: logger)
        let previousShipments = Dictionary(uniqueKeysWithValues: (before?.shipments ?? []).map { ($0.id, $0) })
        let changedShipments = order.shipments.filter { previousShipments[$0.id] != $0 }
        let newShipments = changedShipments.filter { previousShipments[$0.id] == nil }
        let newEvents = changedShipments.flatMap { shipment in
            let known = Set(previousShipments[shipment.id]?.events.map(\.id) ?? [])
            return shipment.events.filter { !known.contains($0.id) }.map { (shipment.id, $0) }
        }
        let lines = before?.lines == order.lines ? [] : order.lines
        let newShipmentLines = newShipments.flatMap { shipment in shipment.lines.map { (shipment.id, $0) } }
        // A promise is inserted whole (even resolved at once), or only its outcome is added.
        let newPromise = before?.promise == nil ? order.promise : nil
        let resolved = before?.promise != nil && before?.promise?.outcome == nil ? order.promise.flatMap { $0.outcome == nil ? nil : $0 } : nil

        try await connection.run("SaveOrder", """
            WITH order_row AS (
                UPDATE orders SET channel_type = \(order.channel.type.rawValue), channel_name = \(order.channel.name),
                    customer_email = \(order.customer.email), customer_phone = \(order.customer.phone),
                    customer_name = \(order.customer.name), customer_locale = \(order.customer.locale),
                    destination = \(try Documents.encode(order.destination))::jsonb,
                    destination_postal_code = \(order.destination.postalCode.map(Formats.normalizedPostalCode)),
                    placed_at = \(order.placedAt), learning_key = \(order.learningKey), currency = \(order.currency), metadata = \(try order.metadata.text())::jsonb,
                    status = \(order.status.rawValue), cancellation_reason = \(order.cancellationReason?.rawValue),
                    cancelled_at = \(order.cancelledAt), updated_at = \(order.updatedAt),
                    subtotal = \(order.subtotal), item_count = \(order.itemCount), disruption_check_at = \(order.disruptionCheckAt),
                    declared_delay = \(try order.declared.map(DisruptionStore.encode))::jsonb,
                    cash_on_delivery = \(order.cashOnDelivery), confirmed_at = \(order.confirmedAt)
                WHERE merchant_id = \(merchant.rawValue) AND id = \(order.id)
            ), removed_lines AS (
                DELETE FROM order_lines
                WHERE merchant_id = \(merchant.rawValue) AND order_id = \(order.id) AND \(!lines.isEmpty)
                  AND NOT (sku = ANY(\(lines.map(\.sku))))
            ), saved_lines AS (
                INSERT INTO order_lines (merchant_id, order_id, sku, position, name, quantity, unit_price, category,
                    image_url, product_url, final_sale, cancelled_quantity)
                SELECT \(merchant.rawValue), \(order.id), l.*
                FROM unnest(\(lines.map(\.sku))::text[], \(Array(0..<lines.count))::int4[], \(lines.map(\.name))::text[],
                    \(lines.map(\.quantity))::int4[], \(lines.map(\.unitPrice))::int8[], \(NullableArray(lines.map(\.category)))::text[],
                    \(NullableArray(lines.map(\.imageUrl)))::text[], \(NullableArray(lines.map(\.productUrl)))::text[],
                    \(lines.map(\.finalSale))::bool[], \(lines.map(\.cancelledQuantity))::int4[]) AS l
                ON CONFLICT (merchant_id, order_id, sku) DO UPDATE SET
                    position = excluded.position, name = excluded.name, quantity = excluded.quantity,
                    unit_price = excluded.unit_price, category = excluded.category, image_url = excluded.image_url,
                    product_url = excluded.product_url, final_sale = excluded.final_sale,
                    cancelled_quantity = excluded.cancelled_quantity
            ), saved_shipments AS (
                INSERT INTO shipments (merchant_id, order_id, id, carrier, service_level, tracking_number, origin_location,
                    status, substatus, shipped_at, delivered_at, estimate_earliest, estimate_latest, estimate_confidence,
                    estimate_basis, estimated_at, created_at, updated_at)
                SELECT \(merchant.rawValue), \(order.id), s.*
                FROM unnest(\(changedShipments.map(\.id))::uuid[], \(changedShipments.map(\.carrier))::text[],
                    \(NullableArray(changedShipments.map(\.serviceLevel)))::text[], \(changedShipments.map(\.trackingNumber))::text[],
                    \(NullableArray(changedShipments.map(\.originLocation)))::text[], \(changedShipments.map(\.status.rawValue))::text[],
                    \(NullableArray(changedShipments.map { $0.substatus?.rawValue }))::text[],
                    \(NullableArray(changedShipments.map(\.shippedAt)))::timestamptz[],
                    \(NullableArray(changedShipments.map(\.deliveredAt)))::timestamptz[],
                    \(NullableArray(changedShipments.map { $0.estimate?.window.earliest.description }))::date[],
                    \(NullableArray(changedShipments.map { $0.estimate?.window.latest.description }))::date[],
                    \(NullableArray(changedShipments.map { $0.estimate?.window.confidence }))::float8[],
                    \(NullableArray(changedShipments.map { $0.estimate?.basis.rawValue }))::text[],
                    \(NullableArray(changedShipments.map { $0.estimate?.estimatedAt }))::timestamptz[],
                    \(changedShipments.map(\.createdAt))::timestamptz[], \(changedShipments.map(\.updatedAt))::timestamptz[]) AS s
                ON CONFLICT (merchant_id, id) DO UPDATE SET
                    status = excluded.status, substatus = excluded.substatus, shipped_at = excluded.shipped_at,
                    delivered_at = excluded.delivered_at, estimate_earliest = excluded.estimate_earliest,
                    estimate_latest = excluded.estimate_latest, estimate_confidence = excluded.estimate_confidence,
                    estimate_basis = excluded.estimate_basis, estimated_at = excluded.estimated_at, updated_at = excluded.updated_at
            ), new_shipment_lines AS (
                INSERT INTO shipment_lines (merchant_id, shipment_id, sku, quantity)
                SELECT \(merchant.rawValue), x.*
                FROM unnest(\(newShipmentLines.map(\.0))::uuid[], \(newShipmentLines.map(\.1.sku))::text[],
                    \(newShipmentLines.map(\.1.quantity))::int4[]) AS x
            ), new_tracking_events AS (
                INSERT INTO tracking_events (merchant_id, shipment_id, id, deduplication_key, status, substatus,
                    carrier_status_code, carrier_status_text, location, occurred_at, carrier_event_id, recorded_at)
                SELECT \(merchant.rawValue), e.shipment_id, e.id, e.key, e.status, e.substatus, e.code, e.text,
                    e.location::jsonb, e.occurred_at, e.carrier_event_id, e.recorded_at
                FROM unnest(\(newEvents.map(\.0))::uuid[], \(newEvents.map(\.1.id))::uuid[],
                    \(newEvents.map(\.1.deduplicationKey))::text[], \(newEvents.map(\.1.status.rawValue))::text[],
                    \(NullableArray(newEvents.map { $0.1.substatus?.rawValue }))::text[],
                    \(NullableArray(newEvents.map(\.1.carrierStatusCode)))::text[],
                    \(NullableArray(newEvents.map(\.1.carrierStatusText)))::text[],
                    \(NullableArray(try newEvents.map { try $0.1.location.map(Documents.encode) }))::text[],
                    \(newEvents.map(\.1.occurredAt))::timestamptz[], \(NullableArray(newEvents.map(\.1.carrierEventId)))::text[],
                    \(newEvents.map(\.1.recordedAt))::timestamptz[])
                    AS e(shipment_id, id, key, status, substatus, code, text, location, occurred_at, carrier_event_id, recorded_at)
            ), new_promise AS (
                INSERT INTO delivery_promises (merchant_id, order_id, quote_id, option_id, slot_id, carrier, service_level,
                    location_code, origin_region, destination_country, destination_region, earliest, latest,
                    slot_date, slot_start, slot_end, confidence, basis, engine_version, promised_at, forecast_start, forecast,
                    outcome, delivered_on, pit, missed_after)
                SELECT \(merchant.rawValue), \(order.id), \(newPromise?.quoteID), \(newPromise?.optionID), \(newPromise?.slot?.id),
                    \(newPromise?.carrier), \(newPromise?.serviceLevel), \(newPromise?.locationCode), \(newPromise?.originRegion),
                    \(newPromise?.destinationCountry), \(newPromise?.destinationRegion),
                    \(newPromise?.window.earliest.description)::date, \(newPromise?.window.latest.description)::date,
                    \(newPromise?.slot?.date.description)::date, \(newPromise?.slot?.start), \(newPromise?.slot?.end),
                    \(newPromise?.window.confidence), \(newPromise?.basis.rawValue), \(newPromise?.engineVersion),
                    \(newPromise?.promisedAt), \(newPromise?.forecastStart.description)::date, \(newPromise?.forecast),
                    \(newPromise?.outcome?.rawValue), \(newPromise?.deliveredOn?.description)::date, \(newPromise?.pit),
                    \(newPromise?.missedAfter?.rawValue)
                WHERE \(newPromise != nil)
            ), resolved_promise AS (
                UPDATE delivery_promises SET outcome = \(resolved?.outcome?.rawValue),
                    delivered_on = \(resolved?.deliveredOn?.description)::date, pit = \(resolved?.pit), missed_after = \(resolved?.missedAfter?.rawValue)
                WHERE merchant_id = \(merchant.rawValue) AND order_id = \(order.id)
                  AND \(resolved?.outcome?.rawValue)::text IS NOT NULL AND outcome IS NULL
            ), saved_document AS (
                INSERT INTO order_documents (merchant_id, order_id, version, document)
                VALUES (\(merchant.rawValue), \(order.id), \(order.version), \(texts.order)::json)
                ON CONFLICT (merchant_id, order_id) DO UPDATE SET version = excluded.version, document = excluded.document
            )
            INSERT INTO events (merchant_id, id, type, order_id, document_version, occurred_at, data)
            SELECT \(merchant.rawValue), e.id, e.type, \(order.id), \(order.version), \(now), e.data::json
            FROM unnest(\(events.map { _ in UUID.timeOrdered(at: now) })::uuid[], \(events.map(\.type.rawValue))::text[],
                \(try events.map { try $0.data.text() })::text[]) WITH ORDINALITY AS e(id, type, data, n)
            ORDER BY e.n
            """, logger: logger)
        // After the statement that writes the shipments its exceptions are about.
        try await DeliveryStore.save(order.deliveryExceptions, replacing: before?.deliveryExceptions ?? [], orderID: order.id, merchant: merchant,
                                     on: connection, logger: logger)
        return Saved(order: order, context: context, texts: texts)
    }

    /// Appends events of changes that leave the orders' documents as they are (a review, a review
    /// request), each at its order's current version; the caller holds those orders' locks.
    static func append(_ events: [(orderID: UUID, version: Int, event: DomainEvent)], now: Date, merchant: MerchantID,
                       on connection: PostgresConnection, logger: Logger) async throws {
        guard !events.isEmpty else { return }
        try await connection.query("""
            INSERT INTO events (merchant_id, id, type, order_id, document_version, occurred_at, data)
            SELECT \(merchant.rawValue), e.id, e.type, e.order_id, e.version, \(now), e.data::json
            FROM unnest(\(events.map { _ in UUID.timeOrdered(at: now) })::uuid[], \(events.map(\.event.type.rawValue))::text[],
                \(events.map(\.orderID))::uuid[], \(events.map(\.version))::int8[],
                \(try events.map { try $0.event.data.text() })::text[]) WITH ORDINALITY AS e(id, type, order_id, version, data, n)
            ORDER BY e.n
            """, logger: logger)
    }

    /// Inserts a new order's row, or finds that a concurrent transaction has just inserted one
    /// with the same number (the unique order number decides which).
    private static func insertOrder(_ order: OrderRecord, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        let inserted = try await connection.run("InsertOrder", """
            INSERT INTO orders (merchant_id, id, order_number, status, channel_type, customer_email, destination,
                placed_at, learning_key, currency, metadata, created_at, updated_at)
            VALUES (\(merchant.rawValue), \(order.id), \(order.orderNumber), \(order.status.rawValue), \(order.channel.type.rawValue),
                \(order.customer.email), \(try Documents.encode(order.destination))::jsonb, \(order.placedAt), \(order.learningKey), \(order.currency),
                \(try order.metadata.text())::jsonb, \(order.createdAt), \(order.updatedAt))
            ON CONFLICT (merchant_id, order_number) DO NOTHING
            RETURNING id
            """, logger: logger)
        if inserted.isEmpty { throw ConcurrentCreation() }
    }

    /// A response asked for a shipment of another order: a wiring bug.
    struct NotInOrder: Error {
        var shipmentID: UUID
    }
}

private extension OrderRecord {
    /// The order without when the detector should next look at it: what a document version is about.
    var disregardingCheckTime: OrderRecord {
        var order = self
        order.disruptionCheckAt = nil
        return order
    }
}
