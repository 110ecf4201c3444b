import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Failed deliveries: the merchant's settings, and the exceptions and actions of orders. An
/// exception is part of its order (Core opens it as the failed attempt is recorded,
/// `OrderRecord.keepDeliveryExceptionsInStep`), so every action is a change to the order under
/// its lock.
public struct DeliveryStore: Sendable {
    let orders: OrderStore
    var database: Database { orders.database }

    public init(database: Database) {
        self.orders = OrderStore(database: database)
    }

    // MARK: Settings

    public func settings(merchant: MerchantID, logger: Logger) async throws -> DeliverySettings {
        let rows = try await database.query("SELECT settings::text FROM delivery_settings WHERE merchant_id = \(merchant.rawValue)", logger: logger)
        return try rows.first.map { try DisruptionStore.decode(DeliverySettings.self, try $0.decode(String.self)) } ?? .standard
    }

    /// Replaces the merchant's settings (as Core checks them); exceptions opened from now on
    /// follow them, open ones keep their deadlines.
    public func replaceSettings(_ settings: DeliverySettings, now: Date, merchant: MerchantID, logger: Logger) async throws -> DeliverySettings {
        try settings.validate()
        try await database.query("""
            INSERT INTO delivery_settings (merchant_id, settings, updated_at)
            VALUES (\(merchant.rawValue), \(try DisruptionStore.encode(settings))::jsonb, \(now))
            ON CONFLICT (merchant_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at
            """, logger: logger)
        return settings
    }

    // MARK: Exceptions and actions

    /// What an order's exceptions are read from.
    public enum ExceptionsSource: Sendable {
        case noSuchOrder
        /// The order has had no failed attempt: nothing more to read (most orders, on every page view).
        case none
        /// The order as it stands, for its exceptions, and its context, for the choices open on them.
        case order(LoadedOrder)
    }

    /// One statement says whether the order exists and has exceptions; only then is the whole
    /// aggregate read, in a snapshot.
    public func exceptionsSource(of orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> ExceptionsSource {
        try await database.withSnapshot(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT EXISTS (SELECT 1 FROM delivery_exceptions WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID))
                FROM orders WHERE merchant_id = \(merchant.rawValue) AND id = \(orderID)
                """, logger: logger).collect()
            guard let hasExceptions = try rows.first?.decode(Bool.self) else { return .noSuchOrder }
            guard hasExceptions, let loaded = try await OrderAggregates.read(orderID, merchant: merchant, on: connection, logger: logger)
            else { return .none }
            return .order(loaded)
        }
    }

    /// Asks for an action on one of the order's exceptions (Core's `requestDeliveryAction`).
    /// Returns the order as saved and the action.
    public func request(_ request: DeliveryActionRequest, exception exceptionID: UUID, orderID: UUID, source: DeliveryActionSource,
                        proof: CustomerProof?, merchant: MerchantID, logger: Logger) async throws -> (LoadedOrder, DeliveryActionRecord) {
        let (saved, action) = try await orders.change(.order(orderID), merchant: merchant, idempotency: nil, logger: logger) { order, now, context in
            try order.requestDeliveryAction(request, exception: exceptionID, source: source, proof: proof, now: now, id: UUID.random(),
                                            context: context)
        }
        return (LoadedOrder(order: saved.order, context: saved.context), action)
    }

    /// The customer confirms a cash-on-delivery order (Core's `confirm`); returns when.
    public func confirm(_ orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> Date {
        try await orders.change(.order(orderID), merchant: merchant, idempotency: nil, logger: logger) { order, now, _ in
            try order.confirm(now: now)
        }.outcome
    }

    /// The carrier integration passed the action on, with the carrier's reference.
    public func acknowledge(_ actionID: UUID, reference: String, merchant: MerchantID, logger: Logger) async throws -> (OrderRecord, DeliveryActionRecord) {
        try await change(actionID, merchant: merchant, logger: logger) { order, now, _ in
            try order.acknowledgeDeliveryAction(actionID, reference: reference, now: now)
        }
    }

    /// The carrier could not do the action; the customer may choose again.
    public func fail(_ actionID: UUID, reason: String, merchant: MerchantID, logger: Logger) async throws -> (OrderRecord, DeliveryActionRecord) {
        try await change(actionID, merchant: merchant, logger: logger) { order, now, context in
            try order.failDeliveryAction(actionID, reason: reason, now: now, context: context)
        }
    }

    private func change(_ actionID: UUID, merchant: MerchantID, logger: Logger,
                        _ apply: @escaping @Sendable (inout OrderRecord, Date, MerchantContext) throws -> Void)
        async throws -> (OrderRecord, DeliveryActionRecord) {
        let (saved, _) = try await orders.change(.deliveryAction(actionID), merchant: merchant, idempotency: nil, logger: logger, apply)
        guard let action = saved.order.deliveryExceptions.lazy.flatMap(\.actions).first(where: { $0.id == actionID }) else {
            throw DomainError.notFound("No delivery action with id \(actionID.apiText).")
        }
        return (saved.order, action)
    }

    /// A requested action as the carrier integration pulls it: with its exception, shipment and order.
    public struct PendingAction: Sendable {
        public var action: DeliveryActionRecord
        public var exceptionID: UUID
        public var reason: DeliveryExceptionReason
        public var orderID: UUID
        public var shipmentID: UUID
        public var carrier: String
        public var serviceLevel: String?
        public var trackingNumber: String
    }

    /// A page of the merchant's actions waiting for the carrier, oldest first.
    public func requested(limit: Int, cursor: String?, merchant: MerchantID, logger: Logger) async throws -> (items: [PendingAction], nextCursor: String?) {
        let after = try cursor.map { try PageCursor(token: $0) }
        let rows = try await database.query("""
            SELECT \(unescaped: Self.actionColumns), e.reason, e.order_id, e.shipment_id, s.carrier, s.service_level, s.tracking_number
            FROM delivery_actions a
            JOIN delivery_exceptions e ON e.merchant_id = a.merchant_id AND e.id = a.exception_id
            JOIN shipments s ON s.merchant_id = e.merchant_id AND s.id = e.shipment_id
            WHERE a.merchant_id = \(merchant.rawValue) AND a.status = 'requested'
              AND (\(after?.micros)::int8 IS NULL
                   OR (a.requested_at, a.id) > ('epoch'::timestamptz + \(after?.micros) * interval '1 microsecond', \(after?.id)))
            ORDER BY a.requested_at, a.id
            LIMIT \(limit + 1)
            """, logger: logger)
        var items = try rows.map { row in
            let row = row.makeRandomAccess()
            let (exceptionID, action) = try Self.action(row)
            return PendingAction(
                action: action, exceptionID: exceptionID,
                reason: try StoredValue.decode(DeliveryExceptionReason.self, row.column("reason"), "delivery_exceptions.reason"),
                orderID: try row.column("order_id"), shipmentID: try row.column("shipment_id"),
                carrier: try row.column("carrier"), serviceLevel: try row.column("service_level"), trackingNumber: try row.column("tracking_number"))
        }
        guard items.count > limit else { return (items, nil) }
        items.removeLast()
        let last = items[items.count - 1].action
        return (items, PageCursor(time: last.requestedAt, id: last.id).token)
    }

    // MARK: Analytics

    /// How the parcels that finished in [`from`, `to`) ended, counted per group for Core
    /// (`DeliveryAnalytics`). A parcel finished when it was delivered, or when it was returned
    /// to the sender (its latest such scan).
    public func analytics(from: Date, to: Date, groupBy: DeliveryAnalyticsGrouping, merchant: MerchantID,
                          logger: Logger) async throws -> DeliveryAnalytics {
        let rows = try await database.query("""
            WITH finished AS (
                SELECT s.carrier, s.service_level, o.destination, s.status = 'delivered' AS delivered,
                       CASE WHEN s.status = 'delivered' THEN s.delivered_at
                            ELSE (SELECT max(e.occurred_at) FROM tracking_events e
                                  WHERE e.merchant_id = s.merchant_id AND e.shipment_id = s.id AND e.status = 'returned_to_sender') END AS finished_at,
                       EXISTS (SELECT 1 FROM tracking_events e
                               WHERE e.merchant_id = s.merchant_id AND e.shipment_id = s.id AND e.status = 'attempted_delivery') AS failed_attempt,
                       EXISTS (SELECT 1 FROM delivery_exceptions x JOIN delivery_actions a ON a.merchant_id = x.merchant_id AND a.exception_id = x.id
                               WHERE x.merchant_id = s.merchant_id AND x.shipment_id = s.id AND a.status = 'acknowledged') AS actioned,
                       (SELECT x.reason FROM delivery_exceptions x WHERE x.merchant_id = s.merchant_id AND x.shipment_id = s.id
                        ORDER BY x.opened_at, x.id LIMIT 1) AS reason
                FROM shipments s JOIN orders o ON o.merchant_id = s.merchant_id AND o.id = s.order_id
                -- A parcel that finished in the period was last changed in it or later.
                WHERE s.merchant_id = \(merchant.rawValue) AND s.status IN ('delivered', 'returned_to_sender') AND s.updated_at >= \(from)
            )
            SELECT CASE \(groupBy.rawValue)
                       WHEN 'carrier_service' THEN carrier || '/' || coalesce(service_level, '')
                       WHEN 'region' THEN (destination->>'country') || coalesce('/' || (destination->>'region'), '')
                       WHEN 'reason' THEN coalesce(reason, 'none')
                       ELSE to_char(date_trunc('week', finished_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') END,
                   delivered, failed_attempt, actioned, count(*)::int8
            FROM finished WHERE finished_at >= \(from) AND finished_at < \(to)
            GROUP BY 1, 2, 3, 4
            """, logger: logger)
        return DeliveryAnalytics(try rows.map { row in
            let (key, delivered, failedAttempt, actioned, count) = try row.decode((String, Bool, Bool, Bool, Int).self)
            return DeliveryAnalytics.FinishedParcels(key: key, delivered: delivered, failedAttempt: failedAttempt, actioned: actioned, count: count)
        })
    }

    // MARK: The aggregate's part

    static let actionColumns = """
        a.id, a.exception_id, a.kind, a.reattempt_on::text AS reattempt_on, a.instructions, a.address::text AS address, a.pickup_point_id,
        a.source, a.requested_at, a.status, a.carrier_reference, a.failure_reason, a.updated_at
        """

    /// An action from the `actionColumns` of a row, with its exception's id.
    static func action(_ row: PostgresRandomAccessRow) throws -> (exceptionID: UUID, DeliveryActionRecord) {
        let request = DeliveryActionRequest(
            kind: try StoredValue.decode(DeliveryActionKind.self, row.column("kind"), "delivery_actions.kind"),
            date: try row.column("reattempt_on", String?.self).map { try StoredValue.date($0, "delivery_actions.reattempt_on") },
            instructions: try row.column("instructions"),
            address: try row.column("address", String?.self).map { try Documents.decode(Address.self, from: $0) },
            pickupPointID: try row.column("pickup_point_id"))
        return (try row.column("exception_id"), DeliveryActionRecord(
            id: try row.column("id"), request: request,
            source: try StoredValue.decode(DeliveryActionSource.self, row.column("source"), "delivery_actions.source"),
            requestedAt: try row.column("requested_at"),
            status: try StoredValue.decode(DeliveryActionRecord.Status.self, row.column("status"), "delivery_actions.status"),
            carrierReference: try row.column("carrier_reference"), failureReason: try row.column("failure_reason"), updatedAt: try row.column("updated_at")))
    }

    /// The exceptions of these orders with their actions, oldest first, by order, in two statements.
    static func records(of orderIDs: [UUID], merchant: MerchantID, on connection: PostgresConnection,
                        logger: Logger) async throws -> [UUID: [DeliveryExceptionRecord]] {
        guard !orderIDs.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT order_id, id, shipment_id, attempt_event_id, reason, attempted_at, opened_at, respond_by, escalates_at, closed_at, closure
            FROM delivery_exceptions WHERE merchant_id = \(merchant.rawValue) AND order_id = ANY(\(orderIDs))
            ORDER BY opened_at, id
            """, logger: logger)
        var owners: [UUID] = []
        var exceptions: [DeliveryExceptionRecord] = []
        for try await (orderID, id, shipmentID, attemptID, reason, attemptedAt, openedAt, respondBy, escalatesAt, closedAt, closure)
            in rows.decode((UUID, UUID, UUID, UUID, String, Date, Date, Date, Date, Date?, String?).self) {
            owners.append(orderID)
            exceptions.append(DeliveryExceptionRecord(
                id: id, shipmentID: shipmentID, attemptEventID: attemptID,
                reason: try StoredValue.decode(DeliveryExceptionReason.self, reason, "delivery_exceptions.reason"),
                attemptedAt: attemptedAt, openedAt: openedAt, respondBy: respondBy, escalatesAt: escalatesAt, actions: [], closedAt: closedAt,
                closure: try closure.map { try StoredValue.decode(DeliveryExceptionRecord.Closure.self, $0, "delivery_exceptions.closure") }))
        }
        let index = Dictionary(uniqueKeysWithValues: exceptions.enumerated().map { ($1.id, $0) })
        let actions = try await connection.query("""
            SELECT \(unescaped: actionColumns) FROM delivery_actions a
            WHERE a.merchant_id = \(merchant.rawValue) AND a.order_id = ANY(\(orderIDs))
            ORDER BY a.requested_at, a.id
            """, logger: logger)
        for try await row in actions {
            let (exceptionID, action) = try Self.action(row.makeRandomAccess())
            if let position = index[exceptionID] { exceptions[position].actions.append(action) }
        }
        return Dictionary(grouping: zip(owners, exceptions)) { $0.0 }.mapValues { $0.map(\.1) }
    }

    /// Writes the order's new and changed exceptions and actions, each set in one statement.
    static func save(_ after: [DeliveryExceptionRecord], replacing before: [DeliveryExceptionRecord], orderID: UUID, merchant: MerchantID,
                     on connection: PostgresConnection, logger: Logger) async throws {
        guard after != before else { return }
        let earlier = Dictionary(uniqueKeysWithValues: before.map { ($0.id, $0) })
        let earlierActions = Dictionary(uniqueKeysWithValues: before.flatMap(\.actions).map { ($0.id, $0) })
        let actions = after.flatMap { exception in exception.actions.filter { earlierActions[$0.id] != $0 }.map { (exception.id, $0) } }
        // An exception's own row is written when it is new or its own fields changed, not for its actions alone.
        let changed = after.filter { exception in
            guard var old = earlier[exception.id] else { return true }
            old.actions = exception.actions
            return old != exception
        }
        if !changed.isEmpty {
            try await upsert(changed, orderID: orderID, merchant: merchant, on: connection, logger: logger)
        }
        // Changed actions first (a failed one frees its exception for the new one), then new ones.
        for group in [actions.filter { earlierActions[$0.1.id] != nil }, actions.filter { earlierActions[$0.1.id] == nil }] where !group.isEmpty {
            try await upsert(group, orderID: orderID, merchant: merchant, on: connection, logger: logger)
        }
    }

    private static func upsert(_ changed: [DeliveryExceptionRecord], orderID: UUID, merchant: MerchantID,
                               on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO delivery_exceptions (merchant_id, id, order_id, shipment_id, attempt_event_id, reason, attempted_at, opened_at,
                respond_by, escalates_at, closed_at, closure)
            SELECT \(merchant.rawValue), e.id, \(orderID), e.shipment_id, e.attempt_id, e.reason, e.attempted_at, e.opened_at, e.respond_by,
                e.escalates_at, e.closed_at, e.closure
            FROM unnest(\(changed.map(\.id))::uuid[], \(changed.map(\.shipmentID))::uuid[], \(changed.map(\.attemptEventID))::uuid[],
                \(changed.map(\.reason.rawValue))::text[], \(changed.map(\.attemptedAt))::timestamptz[], \(changed.map(\.openedAt))::timestamptz[],
                \(changed.map(\.respondBy))::timestamptz[], \(changed.map(\.escalatesAt))::timestamptz[],
                \(NullableArray(changed.map(\.closedAt)))::timestamptz[], \(NullableArray(changed.map { $0.closure?.rawValue }))::text[])
                AS e(id, shipment_id, attempt_id, reason, attempted_at, opened_at, respond_by, escalates_at, closed_at, closure)
            ON CONFLICT (merchant_id, id) DO UPDATE SET respond_by = excluded.respond_by, escalates_at = excluded.escalates_at,
                closed_at = excluded.closed_at, closure = excluded.closure
            """, logger: logger)
    }

    private static func upsert(_ actions: [(exceptionID: UUID, action: DeliveryActionRecord)], orderID: UUID, merchant: MerchantID,
                               on connection: PostgresConnection, logger: Logger) async throws {
        let records = actions.map(\.action)
        try await connection.query("""
            INSERT INTO delivery_actions (merchant_id, id, exception_id, order_id, kind, reattempt_on, instructions, address, pickup_point_id,
                source, requested_at, status, carrier_reference, failure_reason, updated_at)
            SELECT \(merchant.rawValue), a.id, a.exception_id, \(orderID), a.kind, a.reattempt_on::date, a.instructions, a.address::jsonb,
                a.pickup_point_id, a.source, a.requested_at, a.status, a.carrier_reference, a.failure_reason, a.updated_at
            FROM unnest(\(records.map(\.id))::uuid[], \(actions.map(\.exceptionID))::uuid[], \(records.map(\.request.kind.rawValue))::text[],
                \(NullableArray(records.map { $0.request.date?.description }))::text[], \(NullableArray(records.map(\.request.instructions)))::text[],
                \(NullableArray(try records.map { try $0.request.address.map(Documents.encode) }))::text[],
                \(NullableArray(records.map(\.request.pickupPointID)))::text[], \(records.map(\.source.rawValue))::text[],
                \(records.map(\.requestedAt))::timestamptz[], \(records.map(\.status.rawValue))::text[],
                \(NullableArray(records.map(\.carrierReference)))::text[], \(NullableArray(records.map(\.failureReason)))::text[],
                \(records.map(\.updatedAt))::timestamptz[])
                AS a(id, exception_id, kind, reattempt_on, instructions, address, pickup_point_id, source, requested_at, status,
                     carrier_reference, failure_reason, updated_at)
            ON CONFLICT (merchant_id, id) DO UPDATE SET status = excluded.status, carrier_reference = excluded.carrier_reference,
                failure_reason = excluded.failure_reason, updated_at = excluded.updated_at
            """, logger: logger)
    }

    /// Action kinds as stored, in the enum's order.
    static func kinds(_ kinds: Set<DeliveryActionKind>) -> [String] {
        DeliveryActionKind.allCases.filter(kinds.contains).map(\.rawValue)
    }

    static func kinds(_ stored: [String], _ column: String) throws -> Set<DeliveryActionKind> {
        Set(try stored.map { try StoredValue.decode(DeliveryActionKind.self, $0, column) })
    }
}
