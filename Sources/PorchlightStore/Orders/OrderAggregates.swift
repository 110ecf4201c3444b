import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// An order as read, with the merchant's settings that Core's rules read beside it, read in
/// the same statements.
public struct LoadedOrder: Sendable {
    public var order: OrderRecord
    public let context: MerchantContext
}

/// The write path every change to an order takes, inside one transaction: `load` locks the order
/// and reads its rows and its context; the caller applies Core's rules to the `OrderRecord`; `save`
/// settles the derived values, builds the document in Core, and writes the changed rows, the
/// document (with a version one higher) and the change's events in one set-based statement. A
/// change that changes nothing writes nothing.
enum OrderAggregates {
    /// Another transaction created the same order number first; load it and apply the change again.
    struct ConcurrentCreation: Error {}

    /// Locks the order with this id and reads it; nil when the merchant has no such order.
    static func load(_ orderID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> LoadedOrder? {
        try await load(OrderRows<ByIDs<UUID>>(merchant: merchant, key: orderID), on: connection, logger: logger).first
    }

    /// Locks the orders with these ids, in the order of their ids (two such loads wait for each
    /// other rather than deadlock), and reads them in the statements one order takes; ids the
    /// merchant has no order with are left out.
    static func load(_ orderIDs: [UUID], merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> [LoadedOrder] {
        try await load(OrderRows<ByIDs<[UUID]>>(merchant: merchant, key: orderIDs), on: connection, logger: logger)
    }

    /// Reads the order with this id without locking it, for a read that applies Core's rules to
    /// the whole aggregate; the caller's transaction is a snapshot (`Database.withSnapshot`), so
    /// the statements agree.
    static func read(_ orderID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> LoadedOrder? {
        try await load(OrderRows<ReadByIDs<UUID>>(merchant: merchant, key: orderID), on: connection, logger: logger).first
    }

    /// Reads these orders without locking them, in the statements one order takes (for a pass
    /// that decides about many orders, such as the message planner, inside its own snapshot).
    static func read(_ orderIDs: [UUID], merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> [LoadedOrder] {
        try await load(OrderRows<ReadByIDs<[UUID]>>(merchant: merchant, key: orderIDs), on: connection, logger: logger)
    }

    /// Locks the order of this shipment and reads it; nil when the merchant has no such shipment.
    /// (A shipment never moves to another order.)
    static func load(shipment shipmentID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> LoadedOrder? {
        try await load(OrderRows<ByShipment>(merchant: merchant, key: shipmentID), on: connection, logger: logger).first
    }

    /// Locks the order of this return and reads it; nil when the merchant has no such return.
    static func load(returned returnID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> LoadedOrder? {
        try await load(OrderRows<ByReturn>(merchant: merchant, key: returnID), on: connection, logger: logger).first
    }

    /// Locks the order of this delivery action and reads it; nil when the merchant has no such action.
    static func load(deliveryAction actionID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> LoadedOrder? {
        try await load(OrderRows<ByDeliveryAction>(merchant: merchant, key: actionID), on: connection, logger: logger).first
    }

    /// Locks the order with this order number and reads it; nil when there is none.
    static func load(orderNumber: String, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> LoadedOrder? {
        try await load(OrderRows<ByOrderNumber>(merchant: merchant, key: orderNumber), on: connection, logger: logger).first
    }

    /// Locks the order rows (unless the selection only reads), then reads the rest in later
    /// statements: a statement that waited for a lock sees the locked row as the previous holder
    /// left it, but not that holder's other rows (its new document version, a promise it
    /// recorded), which a new statement does. Each statement reads its part of every order at once.
    private static func load<Selection>(_ selected: OrderRows<Selection>, on connection: PostgresConnection,
                                        logger: Logger) async throws -> [LoadedOrder] {
        let merchant = selected.merchant
        let orders = try await connection.rows(selected, logger: logger).map { row in
            let row = row.makeRandomAccess()
            var order = try orderRow(row)
            order.disruptionCheckAt = try row.column("disruption_check_at", Date?.self)
            order.declared = try row.column("declared_delay", String?.self).map { try DisruptionStore.decode(DeclaredDelay.self, $0) }
            (order.cashOnDelivery, order.confirmedAt) = (try row.column("cash_on_delivery", Bool.self), try row.column("confirmed_at", Date?.self))
            return order
        }
        guard !orders.isEmpty else { return [] }
        let ids = orders.map(\.id)
        let parts = try await parts(of: ids, merchant: merchant, on: connection, logger: logger)
        let shipments = try await shipments(of: ids, merchant: merchant, on: connection, logger: logger)
        // Most orders have no returns and no remedies, and so cost no statement more.
        let returns = Dictionary(grouping: try await ReturnStore.records(of: ids.filter { parts[$0]?.hasReturns == true }, merchant: merchant,
                                                                         on: connection, logger: logger), by: \.orderID)
        let remedies = try await RemedyStore.records(of: ids.filter { parts[$0]?.hasRemedies == true }, merchant: merchant, on: connection, logger: logger)
        let exceptions = try await DeliveryStore.records(of: ids.filter { parts[$0]?.hasDeliveryExceptions == true }, merchant: merchant,
                                                         on: connection, logger: logger)
        return try orders.map { order in
            let id = order.id
            guard let part = parts[id] else { throw StoredValue.Unknown(column: "order_documents.version", value: "no row") }
            var order = order
            (order.version, order.promise, order.alert) = (part.version, part.promise, part.alert)
            (order.lines, order.shipments) = (part.lines, shipments[id] ?? [])
            (order.returns, order.remedies, order.deliveryExceptions) = (returns[id] ?? [], remedies[id] ?? [], exceptions[id] ?? [])
            return LoadedOrder(order: order, context: part.context)
        }
    }

    /// Which orders a load names by its key `$2`, and whether it locks them: one prepared
    /// statement each.
    private protocol OrderSelection {
        associatedtype Key: PostgresEncodable & Sendable
        static var condition: String { get }
        static var locks: Bool { get }
    }
    /// The orders with these ids (one, or several: `IDs`), locked.
    private enum ByIDs<Key: IDs>: OrderSelection {
        static var condition: String { Key.match("o.id") }
        static var locks: Bool { true }
    }
    /// The orders with these ids, read without a lock.
    private enum ReadByIDs<Key: IDs>: OrderSelection {
        static var condition: String { Key.match("o.id") }
        static var locks: Bool { false }
    }
    private enum ByShipment: OrderSelection {
        static let (condition, locks) = ("o.id = (SELECT order_id FROM shipments WHERE merchant_id = $1 AND id = $2)", true)
        typealias Key = UUID
    }
    private enum ByReturn: OrderSelection {
        static let (condition, locks) = ("o.id = (SELECT order_id FROM returns WHERE merchant_id = $1 AND id = $2)", true)
        typealias Key = UUID
    }
    private enum ByDeliveryAction: OrderSelection {
        static let (condition, locks) = ("o.id = (SELECT order_id FROM delivery_actions WHERE merchant_id = $1 AND id = $2)", true)
        typealias Key = UUID
    }
    private enum ByOrderNumber: OrderSelection {
        static let (condition, locks) = ("o.order_number = $2", true)
        typealias Key = String
    }

    /// The order rows a load names.
    private struct OrderRows<Selection: OrderSelection>: PreparedQuery {
        var merchant: MerchantID
        var key: Selection.Key

        static var sql: String {
            """
            SELECT id, order_number, channel_type, channel_name, customer_email, customer_phone, customer_name,
                   customer_locale, destination::text AS destination, placed_at, currency, metadata::text AS metadata, status,
                   cancellation_reason, cancelled_at, created_at, updated_at, disruption_check_at, declared_delay::text AS declared_delay,
                   cash_on_delivery, confirmed_at
            FROM orders o WHERE merchant_id = $1 AND \(Selection.condition)
            ORDER BY id
            \(Selection.locks ? "FOR UPDATE" : "")
            """
        }
    }

    private static func orderRow(_ row: PostgresRandomAccessRow) throws -> OrderRecord {
        return OrderRecord(
            id: try row.column("id"), orderNumber: try row.column("order_number"),
            channel: Channel(type: try StoredValue.decode(ChannelType.self, row.column("channel_type"), "orders.channel_type"),
                             name: try row.column("channel_name")),
            customer: Customer(email: try row.column("customer_email"), phone: try row.column("customer_phone"), name: try row.column("customer_name"),
                               locale: try row.column("customer_locale")),
            destination: try Documents.decode(Address.self, from: row.column("destination")), placedAt: try row.column("placed_at"),
            currency: try row.column("currency"), metadata: try JSONValue(parsing: row.column("metadata")),
            status: try StoredValue.decode(OrderStatus.self, row.column("status"), "orders.status"),
            cancellationReason: try row.column("cancellation_reason", String?.self).map {
                try StoredValue.decode(CancellationReason.self, $0, "orders.cancellation_reason")
            },
            cancelledAt: try row.column("cancelled_at"), createdAt: try row.column("created_at"), updatedAt: try row.column("updated_at"),
            lines: [], shipments: [], promise: nil, version: 0)
    }

    /// What `parts` reads.
    private struct Parts {
        var version: Int
        var lines: [OrderLineRecord]
        var promise: PromiseRecord?
        var hasReturns: Bool
        var alert: AlertRecord?
        var hasRemedies: Bool
        var hasDeliveryExceptions: Bool
        /// The merchant's settings as they bear on this order: its promise location's calendar
        /// and its parcels' carrier services are the order's own.
        var context: MerchantContext
    }

    /// In one row for each order: the stored document's version (0 when there is none yet), its
    /// lines (an array for each column, in their positions), the promise, whether it has
    /// returns, its open disruption alert, whether it has remedies and delivery exceptions, and
    /// its context: the merchant's unresolved declared disruptions (`DisruptionStore.unresolved`
    /// reads them), remedy rules, silence and delivery settings, and the calendars and actions
    /// of its promise location and its parcels' carrier services.
    private static func parts(of orderIDs: [UUID], merchant: MerchantID, on connection: PostgresConnection,
                              logger: Logger) async throws -> [UUID: Parts] {
        let rows = try await connection.rows(for: orderIDs, one: { PartsQuery(merchant: merchant, key: $0) },
                                                            several: { PartsQuery(merchant: merchant, key: $0) }, logger: logger)
        return Dictionary(try rows.map { row in
            let row = row.makeRandomAccess()
            return (try row.column("order_id", UUID.self), try parts(row))
        }, uniquingKeysWith: { first, _ in first })
    }

    /// `parts(of:)`'s statement.
    private struct PartsQuery<Key: IDs>: PreparedQuery {
        var merchant: MerchantID
        var key: Key

        static var sql: String {
            """
            SELECT coalesce((SELECT version FROM order_documents WHERE merchant_id = $1 AND order_id = o.id), 0) AS document_version,
                   p.quote_id, p.option_id, p.slot_id, p.slot_date::text AS slot_date, p.slot_start, p.slot_end, p.carrier,
                   p.service_level, p.location_code, p.origin_region, p.destination_country, p.destination_region,
                   p.earliest::text AS earliest, p.latest::text AS latest, p.confidence, p.basis, p.engine_version, p.promised_at,
                   p.forecast_start::text AS forecast_start, p.forecast, coalesce(l.time_zone, 'UTC') AS time_zone, p.outcome,
                   p.delivered_on::text AS delivered_on, p.pit,
                   EXISTS (SELECT 1 FROM returns r WHERE r.merchant_id = $1 AND r.order_id = o.id) AS has_returns,
                   a.id AS alert_id, a.reason AS alert_reason, a.severity AS alert_severity, a.shipment_id AS alert_shipment_id,
                   a.opened_at AS alert_opened_at, a.updated_at AS alert_updated_at,
                   (SELECT json_agg(json_build_object('id', d.id, 'cause', d.cause, 'scope', d.scope,
                        'starts_at', extract(epoch FROM d.starts_at), 'expected_end_at', extract(epoch FROM d.expected_end_at),
                        'extra_days', d.extra_days, 'customer_message', d.customer_message,
                        'customer_message_language', d.customer_message_language, 'customer_messages', d.customer_messages,
                        'created_at', extract(epoch FROM d.created_at), 'updated_at', extract(epoch FROM d.updated_at)))::text
                    FROM declared_disruptions d WHERE d.merchant_id = $1 AND d.resolved_at IS NULL) AS declared_disruptions,
                   EXISTS (SELECT 1 FROM remedies r WHERE r.merchant_id = $1 AND r.order_id = o.id) AS has_remedies,
                   (SELECT rules::text FROM remedy_rules WHERE merchant_id = $1) AS remedy_rules,
                   (SELECT settings::text FROM disruption_settings WHERE merchant_id = $1) AS disruption_settings,
                   l.working_days, l.holidays::text[] AS holidays,
                   (SELECT json_agg(json_build_object('carrier', c.carrier, 'service_level', c.service_level, 'days', c.delivery_days,
                                                      'actions', c.ndr_actions))::text
                    FROM carrier_services c WHERE c.merchant_id = $1
                      AND (lower(c.carrier), lower(c.service_level)) IN (SELECT lower(s.carrier), lower(s.service_level) FROM shipments s
                                                           WHERE s.merchant_id = $1 AND s.order_id = o.id)) AS carrier_services,
                   o.id AS order_id,
                   EXISTS (SELECT 1 FROM delivery_exceptions x WHERE x.merchant_id = $1 AND x.order_id = o.id) AS has_delivery_exceptions,
                   (SELECT settings::text FROM delivery_settings WHERE merchant_id = $1) AS delivery_settings,
                   p.missed_after, line_arrays.*
            FROM \(Key.rows) AS o(id)
            CROSS JOIN LATERAL (
                SELECT array_agg(ol.sku ORDER BY ol.position, ol.sku) AS line_skus, array_agg(ol.name ORDER BY ol.position, ol.sku) AS line_names,
                       array_agg(ol.quantity ORDER BY ol.position, ol.sku) AS line_quantities,
                       array_agg(ol.unit_price ORDER BY ol.position, ol.sku) AS line_unit_prices,
                       array_agg(ol.category ORDER BY ol.position, ol.sku) AS line_categories,
                       array_agg(ol.image_url ORDER BY ol.position, ol.sku) AS line_image_urls,
                       array_agg(ol.product_url ORDER BY ol.position, ol.sku) AS line_product_urls,
                       array_agg(ol.final_sale ORDER BY ol.position, ol.sku) AS line_final_sales,
                       array_agg(ol.cancelled_quantity ORDER BY ol.position, ol.sku) AS line_cancelled_quantities
                FROM order_lines ol WHERE ol.merchant_id = $1 AND ol.order_id = o.id
            ) line_arrays
            LEFT JOIN delivery_promises p ON p.merchant_id = $1 AND p.order_id = o.id
            LEFT JOIN fulfilment_locations l ON l.merchant_id = p.merchant_id AND l.code = p.location_code
            LEFT JOIN disruption_alerts a ON a.merchant_id = $1 AND a.order_id = o.id AND a.resolved_at IS NULL
            """
        }
    }

    /// The parts of one order, from its row of `parts(of:)`.
    private static func parts(_ row: PostgresRandomAccessRow) throws -> Parts {
        let version: Int = try row.column("document_version")
        let hasReturns: Bool = try row.column("has_returns")
        let alert = try row.column("alert_id", UUID?.self).map { id in
            try AlertStore.alert(id: id, reason: try row.column("alert_reason"), severity: try row.column("alert_severity"), shipmentID: try row.column("alert_shipment_id"),
                                 openedAt: try row.column("alert_opened_at"), updatedAt: try row.column("alert_updated_at"))
        }
        let context = MerchantContext(
            declaredDisruptions: try DisruptionStore.unresolved(try row.column("declared_disruptions")),
            remedyRules: try row.column("remedy_rules", String?.self).map { try DisruptionStore.decode(RemedyRules.self, $0) },
            disruptionSettings: try row.column("disruption_settings", String?.self).map { try DisruptionStore.decode(DisruptionSettings.self, $0) },
            silenceCalendars: try silenceCalendars(workingDays: row.column("working_days"), holidays: row.column("holidays"), deliveryDays: row.column("carrier_services")),
            deliverySettings: try row.column("delivery_settings", String?.self).map { try DisruptionStore.decode(DeliverySettings.self, $0) },
            carrierDeliveryActions: try carrierDeliveryActions(row.column("carrier_services")))
        var parts = Parts(version: version, lines: try lines(row), promise: nil, hasReturns: hasReturns, alert: alert,
                          hasRemedies: try row.column("has_remedies"), hasDeliveryExceptions: try row.column("has_delivery_exceptions"),
                          context: context)
        guard let quoteID = try row.column("quote_id", UUID?.self) else { return parts }
        let slotID = try row.column("slot_id", String?.self)
        parts.promise = PromiseRecord(
            quoteID: quoteID, optionID: try row.column("option_id"),
            slot: try slotID.map { id in
                PromiseRecord.Slot(id: id, date: try StoredValue.date(row.column("slot_date"), "delivery_promises.slot_date"),
                                   start: try row.column("slot_start"), end: try row.column("slot_end"))
            },
            carrier: try row.column("carrier"), serviceLevel: try row.column("service_level"), locationCode: try row.column("location_code"),
            originRegion: try row.column("origin_region"), destinationCountry: try row.column("destination_country"), destinationRegion: try row.column("destination_region"),
            window: DeliveryWindow(earliest: try StoredValue.date(row.column("earliest"), "delivery_promises.earliest"),
                                   latest: try StoredValue.date(row.column("latest"), "delivery_promises.latest"), confidence: try row.column("confidence")),
            basis: try StoredValue.decode(EstimateBasis.self, row.column("basis"), "delivery_promises.basis"),
            engineVersion: try row.column("engine_version"), promisedAt: try row.column("promised_at"),
            forecastStart: try StoredValue.date(row.column("forecast_start"), "delivery_promises.forecast_start"), forecast: try row.column("forecast"),
            timeZone: try StoredValue.timeZone(row.column("time_zone"), "fulfilment_locations.time_zone"),
            outcome: try row.column("outcome", String?.self).map { try StoredValue.decode(PromiseOutcome.self, $0, "delivery_promises.outcome") },
            deliveredOn: try row.column("delivered_on", String?.self).map { try StoredValue.date($0, "delivery_promises.delivered_on") },
            pit: try row.column("pit"),
            missedAfter: try row.column("missed_after", String?.self).map { try StoredValue.decode(MissedAfter.self, $0, "delivery_promises.missed_after") })
        return parts
    }

    /// The promise location's working days and holidays, and the delivery days of the carrier
    /// services of the order's parcels (`carrier`, `service_level`, `days` objects).
    private static func silenceCalendars(workingDays: [String]?, holidays: [String]?, deliveryDays: String?) throws -> SilenceCalendars {
        struct Service: Decodable { var carrier: String; var service_level: String; var days: [String] }
        let location = try workingDays.map { days in
            WorkCalendar(days: try PromiseStore.weekdays(days, "fulfilment_locations.working_days"),
                         holidays: Set(try (holidays ?? []).map { try StoredValue.date($0, "fulfilment_locations.holidays") }))
        }
        let services = try deliveryDays.map { try DisruptionStore.decode([Service].self, $0) } ?? []
        return SilenceCalendars(location: location, deliveryDays: Dictionary(try services.map { service in
            (SilenceCalendars.key(carrier: service.carrier, serviceLevel: service.service_level),
             try PromiseStore.weekdays(service.days, "carrier_services.delivery_days"))
        }, uniquingKeysWith: { first, _ in first }))
    }

    /// What the carrier services of the order's parcels take after a failed attempt, where the
    /// merchant said (`carrier`, `service_level`, `actions` objects).
    private static func carrierDeliveryActions(_ services: String?) throws -> [ServiceKey: Set<DeliveryActionKind>] {
        struct Service: Decodable { var carrier: String; var service_level: String; var actions: [String]? }
        let services = try services.map { try DisruptionStore.decode([Service].self, $0) } ?? []
        return Dictionary(try services.compactMap { service in
            try service.actions.map { (SilenceCalendars.key(carrier: service.carrier, serviceLevel: service.service_level),
                                       try DeliveryStore.kinds($0, "carrier_services.ndr_actions")) }
        }, uniquingKeysWith: { first, _ in first })
    }

    /// The lines of an order, in their positions, from the arrays of its row of `parts(of:)`
    /// (none when it has no lines: an order always has some).
    private static func lines(_ row: PostgresRandomAccessRow) throws -> [OrderLineRecord] {
        guard let skus = try row.column("line_skus", [String]?.self) else { return [] }
        let (names, quantities, prices) = (try row.column("line_names", [String].self), try row.column("line_quantities", [Int].self),
                                           try row.column("line_unit_prices", [Int].self))
        let (categories, images, products) = (try row.column("line_categories", NullableArray<String>.self).elements,
                                              try row.column("line_image_urls", NullableArray<String>.self).elements,
                                              try row.column("line_product_urls", NullableArray<String>.self).elements)
        let (finalSales, cancelled) = (try row.column("line_final_sales", [Bool].self), try row.column("line_cancelled_quantities", [Int].self))
        return skus.indices.map { line in
            OrderLineRecord(sku: skus[line], name: names[line], quantity: quantities[line], unitPrice: prices[line], category: categories[line],
                            imageUrl: images[line], productUrl: products[line], finalSale: finalSales[line], cancelledQuantity: cancelled[line])
        }
    }

    /// The shipments of each order with their lines and events, oldest first, in one statement:
    /// a row per event, the shipment's columns read from its first row.
    private static func shipments(of orderIDs: [UUID], merchant: MerchantID, on connection: PostgresConnection,
                                  logger: Logger) async throws -> [UUID: [ShipmentRecord]] {
        let rows = try await connection.rows(for: orderIDs, one: { ShipmentsQuery(merchant: merchant, key: $0) },
                                                            several: { ShipmentsQuery(merchant: merchant, key: $0) }, logger: logger)
        var shipments: [ShipmentRecord] = []
        var owners: [UUID] = []  // each shipment's order
        for row in rows {
            let row = row.makeRandomAccess()
            let id: UUID = try row.column("id")
            if shipments.last?.id != id {
                shipments.append(try shipment(id: id, row))
                owners.append(try row.column("order_id"))
            }
            if let event = try trackingEvent(row) { shipments[shipments.count - 1].events.append(event) }
        }
        return Dictionary(grouping: zip(owners, shipments)) { $0.0 }.mapValues { $0.map(\.1) }
    }

    /// A shipment, without its events, from a row of `ShipmentsQuery`.
    private static func shipment(id: UUID, _ row: PostgresRandomAccessRow) throws -> ShipmentRecord {
        var estimate: ShipmentEstimate?
        if let earliest = try row.column("estimate_earliest", String?.self), let latest = try row.column("estimate_latest", String?.self),
           let confidence = try row.column("estimate_confidence", Double?.self), let basis = try row.column("estimate_basis", String?.self),
           let estimatedAt = try row.column("estimated_at", Date?.self) {
            estimate = ShipmentEstimate(
                window: DeliveryWindow(earliest: try StoredValue.date(earliest, "shipments.estimate_earliest"),
                                       latest: try StoredValue.date(latest, "shipments.estimate_latest"), confidence: confidence),
                basis: try StoredValue.decode(EstimateBasis.self, basis, "shipments.estimate_basis"), estimatedAt: estimatedAt)
        }
        let skus = try row.column("skus", [String]?.self) ?? []
        let quantities = try row.column("quantities", [Int]?.self) ?? []
        return ShipmentRecord(
            id: id, carrier: try row.column("carrier"), serviceLevel: try row.column("service_level"),
            trackingNumber: try row.column("tracking_number"), originLocation: try row.column("origin_location"),
            status: try StoredValue.decode(TrackingStatus.self, row.column("status"), "shipments.status"),
            substatus: try row.column("substatus", String?.self).map { try StoredValue.decode(TrackingSubstatus.self, $0, "shipments.substatus") },
            shippedAt: try row.column("shipped_at"), deliveredAt: try row.column("delivered_at"), estimate: estimate,
            createdAt: try row.column("created_at"), updatedAt: try row.column("updated_at"),
            lines: zip(skus, quantities).map { LineQuantity(sku: $0, quantity: $1) }, events: [])
    }

    /// The tracking event of a row of `ShipmentsQuery`; nil on the row of a shipment without events.
    private static func trackingEvent(_ row: PostgresRandomAccessRow) throws -> TrackingEventRecord? {
        guard let id = try row.column("event_id", UUID?.self) else { return nil }
        let location = try row.column("located", Bool.self)
            ? EventLocation(city: try row.column("city"), region: try row.column("region"), postalCode: try row.column("postal_code"), country: try row.column("country"))
            : nil
        let reported = TrackingEventDraft(
            status: try StoredValue.decode(TrackingStatus.self, row.column("event_status"), "tracking_events.status"),
            substatus: try row.column("event_substatus", String?.self).map { try StoredValue.decode(TrackingSubstatus.self, $0, "tracking_events.substatus") },
            carrierStatusCode: try row.column("carrier_status_code"), carrierStatusText: try row.column("carrier_status_text"),
            location: location, occurredAt: try row.column("occurred_at"), carrierEventId: try row.column("carrier_event_id"))
        return TrackingEventRecord(id: id, deduplicationKey: try row.column("deduplication_key"), reported: reported, recordedAt: try row.column("recorded_at"))
    }

    /// `shipments(of:)`'s statement: the shipments of the orders `$2` with their lines (read once
    /// per shipment, in the materialized `s`), then a row per tracking event, oldest first (or one
    /// row with no event). The location's fields are read one by one: a JSON decoder for each
    /// event of the parcel, on every change, cost more.
    private struct ShipmentsQuery<Key: IDs>: PreparedQuery {
        var merchant: MerchantID
        var key: Key

        static var sql: String {
            """
            WITH s AS MATERIALIZED (
                SELECT s.id, s.carrier, s.service_level, s.tracking_number, s.origin_location, s.status, s.substatus,
                       s.shipped_at, s.delivered_at, s.estimate_earliest::text AS estimate_earliest, s.estimate_latest::text AS estimate_latest,
                       s.estimate_confidence, s.estimate_basis, s.estimated_at, s.created_at, s.updated_at,
                       (SELECT array_agg(sl.sku ORDER BY sl.sku) FROM shipment_lines sl
                        WHERE sl.merchant_id = s.merchant_id AND sl.shipment_id = s.id) AS skus,
                       (SELECT array_agg(sl.quantity ORDER BY sl.sku) FROM shipment_lines sl
                        WHERE sl.merchant_id = s.merchant_id AND sl.shipment_id = s.id) AS quantities,
                       s.order_id
                FROM shipments s WHERE s.merchant_id = $1 AND \(Key.match("s.order_id"))
            )
            SELECT s.*, e.id AS event_id, e.deduplication_key, e.status AS event_status, e.substatus AS event_substatus,
                   e.carrier_status_code, e.carrier_status_text,
                   e.location IS NOT NULL AS located, e.location ->> 'city' AS city, e.location ->> 'region' AS region,
                   e.location ->> 'postal_code' AS postal_code, e.location ->> 'country' AS country,
                   e.occurred_at, e.carrier_event_id, e.recorded_at
            FROM s LEFT JOIN tracking_events e ON e.merchant_id = $1 AND e.shipment_id = s.id
            ORDER BY s.created_at, s.id, e.recorded_at, e.id
            """
        }
    }

}
