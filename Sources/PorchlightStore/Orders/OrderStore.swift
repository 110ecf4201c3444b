import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Orders and their lines. Every method takes the merchant first: no query runs unscoped.
public struct OrderStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public enum UpsertOutcome: Sendable { case created, updated }

    /// Creates the order, or replaces the details and lines of the one with the same order number,
    /// in one transaction. Concurrent identical upserts give one order: the unique order number
    /// decides, and the loser applies its change to the winner's order.
    public func upsert(_ draft: OrderDraft, merchant: MerchantID, idempotency: IdempotentWrite<(OrderJSON, UpsertOutcome)>? = nil,
                       logger: Logger) async throws -> (OrderJSON, UpsertOutcome) {
        var draft = draft
        draft.placedAt = draft.placedAt.asStored
        let metadata = try JSONValue(parsing: draft.metadataJSON)
        let attempt = { [draft] in
            try await database.withTransaction(logger: logger) { connection in
                let loaded = try await OrderAggregates.load(orderNumber: draft.orderNumber, merchant: merchant, on: connection, logger: logger)
                let before = loaded?.order
                try ChangeCondition.check(orderVersion: before?.version)
                let now = database.clock.now.asStored  // after the lock: changes to an order are stamped in the order they commit
                var order = before ?? OrderRecord(draft, id: UUID.random(), metadata: metadata, now: now)
                if before != nil { try order.replaceDetails(with: draft, metadata: metadata) }
                if let delivery = draft.delivery {
                    order.promise = try await PromiseLedger.promise(for: delivery, order: order, now: now, merchant: merchant, on: connection, logger: logger)
                }
                // Nothing is loaded for a new order, so no settings are read for it: it has no parcel yet for them to bear on.
                let saved = try await OrderAggregates.save(order, replacing: before, now: now, context: loaded?.context ?? .standard,
                                                           merchant: merchant, on: connection, logger: logger)
                let result = (saved.orderDocument, before == nil ? UpsertOutcome.created : .updated)
                try await idempotency?.record(result, merchant: merchant, on: connection, logger: logger)
                return result
            }
        }
        do {
            return try await attempt()
        } catch is OrderAggregates.ConcurrentCreation {
            return try await attempt()  // now the order exists, and this change applies to it
        }
    }

    public func order(_ orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> OrderJSON? {
        try await database.withConnection { connection in
            try await Documents.load(OrderDocumentByID(merchant: merchant, id: orderID), on: connection, logger: logger)
        }
    }

    /// Cancels the given quantities, or everything not yet shipped; for the customer, only while
    /// Core's `checkCustomerMayCancel` allows.
    public func cancel(_ orderID: UUID, _ cancellation: CancellationDraft, by submitter: Submitter = .merchant, merchant: MerchantID,
                       idempotency: IdempotentWrite<OrderJSON>? = nil, logger: Logger) async throws -> OrderJSON {
        try await change(.order(orderID), merchant: merchant, idempotency: idempotency?.pulledBack { $0.saved.orderDocument }, logger: logger) {
            order, now, context in
            if submitter == .customer { try order.checkCustomerMayCancel(now: now, context: context) }
            try order.cancel(cancellation)
        }.saved.orderDocument
    }

    /// Applies one change to a stored order in one transaction: lock and load, `apply` (Core's
    /// rules, given the change's time and the order's context), save, and record the idempotent
    /// response. Throws not-found when the merchant has no such order.
    func change<Outcome: Sendable>(_ key: OrderKey, merchant: MerchantID,
                                   idempotency: IdempotentWrite<(saved: OrderAggregates.Saved, outcome: Outcome)>?, logger: Logger,
                                   _ apply: @escaping @Sendable (inout OrderRecord, Date, MerchantContext) throws -> Outcome)
        async throws -> (saved: OrderAggregates.Saved, outcome: Outcome) {
        try await database.withTransaction(logger: logger) { connection in
            let loaded = switch key {
            case .order(let id): try await OrderAggregates.load(id, merchant: merchant, on: connection, logger: logger)
            case .shipment(let id): try await OrderAggregates.load(shipment: id, merchant: merchant, on: connection, logger: logger)
            case .returned(let id): try await OrderAggregates.load(returned: id, merchant: merchant, on: connection, logger: logger)
            case .deliveryAction(let id): try await OrderAggregates.load(deliveryAction: id, merchant: merchant, on: connection, logger: logger)
            }
            guard let loaded else { throw DomainError.notFound(key.notFound) }
            let before = loaded.order
            try ChangeCondition.check(orderVersion: before.version)
            let now = database.clock.now.asStored  // after the lock: changes to an order are stamped in the order they commit
            var order = before
            let outcome = try apply(&order, now, loaded.context)
            let saved = try await OrderAggregates.save(order, replacing: before, now: now, context: loaded.context, merchant: merchant,
                                                       on: connection, logger: logger)
            try await idempotency?.record((saved, outcome), merchant: merchant, on: connection, logger: logger)
            return (saved, outcome)
        }
    }

    /// A page of order summaries, most recently updated first.
    public func list(_ filter: OrderFilter, limit: Int, cursor: String?, merchant: MerchantID, logger: Logger) async throws -> (items: [OrderSummary], nextCursor: String?) {
        let after = try cursor.map { try PageCursor(token: $0) }
        let rows = try await database.query("""
            SELECT o.id, o.order_number, o.status, o.channel_type, o.channel_name, o.customer_email, o.placed_at,
                   o.updated_at, o.currency, o.subtotal, o.item_count
            FROM orders o
            WHERE o.merchant_id = \(merchant.rawValue)
              AND (\(filter.customerEmail)::text IS NULL OR o.customer_email = \(filter.customerEmail))
              AND (\(filter.orderNumber)::text IS NULL OR o.order_number = \(filter.orderNumber))
              AND (\(filter.status?.rawValue)::text IS NULL OR o.status = \(filter.status?.rawValue))
              AND (\(filter.updatedSince)::timestamptz IS NULL OR o.updated_at >= \(filter.updatedSince))
              AND (\(after?.micros)::int8 IS NULL
                   OR (o.updated_at, o.id) < ('epoch'::timestamptz + \(after?.micros) * interval '1 microsecond', \(after?.id)))
            ORDER BY o.updated_at DESC, o.id DESC
            LIMIT \(limit + 1)
            """, logger: logger)
        var items: [OrderSummary] = []
        for (id, number, status, channelType, channelName, email, placedAt, updatedAt, currency, subtotal, itemCount)
            in try rows.decode((UUID, String, String, String, String?, String, Date, Date, String, Int, Int).self) {
            items.append(OrderSummary(
                id: id, orderNumber: number, status: try StoredValue.decode(OrderStatus.self, status, "orders.status"),
                channel: Channel(type: try StoredValue.decode(ChannelType.self, channelType, "orders.channel_type"), name: channelName),
                customerEmail: email, placedAt: placedAt, updatedAt: updatedAt, currency: currency,
                subtotal: subtotal, itemCount: itemCount))
        }
        guard items.count > limit else { return (items, nil) }
        items.removeLast()
        let last = items[items.count - 1]
        return (items, PageCursor(time: last.updatedAt, id: last.id).token)
    }
}

/// An opaque position in a list ordered by a time and an id: the last item's time (exact
/// microseconds since 1970, as PostgreSQL stores it) and id. A list ordered first by a rank (a
/// rating, a vote count) names itself in its cursors, and keeps the rank too, so that a cursor
/// of one order is not read as a position in another.
struct PageCursor {
    var micros: Int64
    var id: UUID
    var rank: Int64?
    var list: String?

    init(time: Date, id: UUID, rank: Int64? = nil, list: String? = nil) {
        self.micros = Int64((time.timeIntervalSince1970 * 1_000_000).rounded())
        self.id = id
        self.rank = rank
        self.list = list
    }

    /// Times a cursor may hold: years 1 to 9999, well inside what PostgreSQL can compute with.
    static let microsRange: ClosedRange<Int64> = -62_135_596_800_000_000...253_402_300_799_999_999

    /// Reads a cursor of the plain list, or (with `list`) of the named ranked list.
    init(token: String, list: String? = nil) throws {
        let parts = Base64URL.decode(token).map { String(decoding: $0, as: UTF8.self).split(separator: " ").map(String.init) } ?? []
        let position = list == nil ? parts : (parts.count == 4 && parts[0] == list ? Array(parts.dropFirst(2)) : [])
        guard position.count == 2, let micros = Int64(position[0]), Self.microsRange.contains(micros), let id = UUID(uuidString: position[1]),
              list == nil || Int64(parts[1]) != nil
        else {
            throw DomainError.badRequest("The cursor is not one this API returned for this list; start again without it.",
                                         [FieldError(field: "cursor", message: "must be a next_cursor from a previous page of the same list")])
        }
        self.micros = micros
        self.id = id
        self.list = list
        self.rank = list == nil ? nil : Int64(parts[1])
    }

    var token: String {
        let position = "\(micros) \(id.uuidString)"
        guard let list else { return Base64URL.encode(Data(position.utf8)) }
        return Base64URL.encode(Data("\(list) \(rank ?? 0) \(position)".utf8))
    }
}

/// What a change names its order by.
enum OrderKey {
    case order(UUID)
    /// One of its shipments.
    case shipment(UUID)
    /// One of its returns.
    case returned(UUID)
    /// One of its delivery actions.
    case deliveryAction(UUID)

    var notFound: String {
        switch self {
        case .order(let id): "No order with id \(id.apiText)."
        case .shipment(let id): "No shipment with id \(id.apiText)."
        case .returned(let id): "No return with id \(id.apiText)."
        case .deliveryAction(let id): "No delivery action with id \(id.apiText)."
        }
    }
}
