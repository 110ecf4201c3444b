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

    /// Creates the order, or replaces the details and lines of the one with the same order number.
    /// Concurrent identical upserts give one order: the unique order number decides.
    public func upsert(_ draft: OrderDraft, merchant: MerchantID, logger: Logger) async throws -> (OrderDocument, UpsertOutcome) {
        let destination = try Documents.encode(draft.destination)
        let postalCode = draft.destination.postalCode.map(Formats.normalizedPostalCode)
        return try await database.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                INSERT INTO orders (merchant_id, id, order_number, status, channel_type, channel_name,
                    customer_email, customer_phone, customer_name, customer_locale,
                    destination, destination_postal_code, placed_at, currency, metadata)
                VALUES (\(merchant.rawValue), \(UUID()), \(draft.orderNumber), \(OrderStatus.processing.rawValue),
                    \(draft.channel.type.rawValue), \(draft.channel.name),
                    \(draft.customer.email), \(draft.customer.phone), \(draft.customer.name), \(draft.customer.locale),
                    \(destination)::jsonb, \(postalCode), \(draft.placedAt), \(draft.currency), \(draft.metadataJSON)::jsonb)
                ON CONFLICT (merchant_id, order_number) DO UPDATE SET
                    channel_type = excluded.channel_type, channel_name = excluded.channel_name,
                    customer_email = excluded.customer_email, customer_phone = excluded.customer_phone,
                    customer_name = excluded.customer_name, customer_locale = excluded.customer_locale,
                    destination = excluded.destination, destination_postal_code = excluded.destination_postal_code,
                    placed_at = excluded.placed_at, currency = excluded.currency, metadata = excluded.metadata,
                    updated_at = now()
                RETURNING id, (xmax = 0) AS inserted
                """, logger: logger)
            var result: (UUID, Bool)?
            for try await row in rows.decode((UUID, Bool).self) { result = row }
            guard let (orderID, inserted) = result else { throw PostgresNotFound(what: "upserted order") }

            try await replaceLines(of: orderID, with: draft.lines, merchant: merchant, on: connection, logger: logger)
            if let delivery = draft.delivery {
                try await PromiseLedger.record(delivery, orderID: orderID, merchant: merchant, now: Date(), on: connection, logger: logger)
            }
            try await OrderStatusRefresher.refresh(orderID, merchant: merchant, on: connection, logger: logger)
            let order = try await Self.document(orderID, merchant: merchant, on: connection, logger: logger)
            return (order!, inserted ? .created : .updated)
        }
    }

    /// Lines are matched by SKU. A line cannot be dropped, or cut below what is already shipped
    /// or cancelled: that history must stay true.
    private func replaceLines(of orderID: UUID, with lines: [OrderLineDraft], merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        let existing = try await OrderStatusRefresher.lineQuantities(orderID, merchant: merchant, on: connection, logger: logger)
        let wanted = Dictionary(uniqueKeysWithValues: lines.map { ($0.sku, $0.quantity) })
        var errors: [FieldError] = []
        for (sku, quantities) in existing.sorted(by: { $0.key < $1.key }) where quantities.cancelled + quantities.shipped > 0 {
            let committed = quantities.cancelled + quantities.shipped
            if let quantity = wanted[sku] {
                if quantity < committed {
                    let index = lines.firstIndex { $0.sku == sku }!
                    errors.append(FieldError(field: "lines[\(index)].quantity",
                                             message: "must be at least \(committed): \(quantities.shipped) shipped and \(quantities.cancelled) cancelled"))
                }
            } else {
                errors.append(FieldError(field: "lines", message: "must keep line \(sku): \(committed) already shipped or cancelled"))
            }
        }
        if !errors.isEmpty { throw DomainError.validation(errors) }

        try await connection.query("""
            DELETE FROM order_lines WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID)
                AND NOT (sku = ANY(\(lines.map(\.sku))))
            """, logger: logger)
        for (position, line) in lines.enumerated() {
            try await connection.query("""
                INSERT INTO order_lines (merchant_id, order_id, sku, position, name, quantity, unit_price,
                    category, image_url, product_url, final_sale)
                VALUES (\(merchant.rawValue), \(orderID), \(line.sku), \(position), \(line.name), \(line.quantity),
                    \(line.unitPrice), \(line.category), \(line.imageUrl), \(line.productUrl), \(line.finalSale))
                ON CONFLICT (merchant_id, order_id, sku) DO UPDATE SET
                    position = excluded.position, name = excluded.name, quantity = excluded.quantity,
                    unit_price = excluded.unit_price, category = excluded.category, image_url = excluded.image_url,
                    product_url = excluded.product_url, final_sale = excluded.final_sale
                """, logger: logger)
        }
    }

    public func order(_ orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> OrderDocument? {
        try await database.withConnection { connection in
            try await Self.document(orderID, merchant: merchant, on: connection, logger: logger)
        }
    }

    static func document(_ orderID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> OrderDocument? {
        try await Documents.load(OrderDocumentByID(merchant: merchant, id: orderID), on: connection, logger: logger)
    }

    /// Cancels the given quantities, or everything not yet shipped.
    public func cancel(_ orderID: UUID, _ cancellation: CancellationDraft, merchant: MerchantID, logger: Logger) async throws -> OrderDocument {
        try await database.withTransaction(logger: logger) { connection in
            guard try await OrderStatusRefresher.lock(orderID, merchant: merchant, on: connection, logger: logger) else {
                throw DomainError.notFound("No order with id \(orderID.uuidString.lowercased()).")
            }
            let quantities = try await OrderStatusRefresher.lineQuantities(orderID, merchant: merchant, on: connection, logger: logger)
            let requested = cancellation.lines ?? quantities.sorted { $0.key < $1.key }
                .filter { $0.value.open > 0 }.map { LineQuantity(sku: $0.key, quantity: $0.value.open) }
            if requested.isEmpty {
                throw DomainError.conflict("Nothing left to cancel: every line is shipped or cancelled.")
            }
            try LineAvailability.check(requested, against: quantities, verb: "cancel")
            for line in requested {
                try await connection.query("""
                    UPDATE order_lines SET cancelled_quantity = cancelled_quantity + \(line.quantity)
                    WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID) AND sku = \(line.sku)
                    """, logger: logger)
            }
            try await connection.query("""
                UPDATE orders SET cancellation_reason = \(cancellation.reason.rawValue)
                WHERE merchant_id = \(merchant.rawValue) AND id = \(orderID)
                """, logger: logger)
            try await OrderStatusRefresher.refresh(orderID, merchant: merchant, on: connection, logger: logger)
            return try await Self.document(orderID, merchant: merchant, on: connection, logger: logger)!
        }
    }

    /// A page of order summaries, most recently updated first.
    public func list(_ filter: OrderFilter, limit: Int, cursor: String?, merchant: MerchantID, logger: Logger) async throws -> (items: [OrderSummary], nextCursor: String?) {
        let after = try cursor.map(PageCursor.init(token:))
        let rows = try await database.query("""
            SELECT o.id, o.order_number, o.status, o.channel_type, o.channel_name, o.customer_email, o.placed_at,
                   o.updated_at, o.currency,
                   coalesce(sum((l.quantity - l.cancelled_quantity) * l.unit_price), 0)::int8,
                   coalesce(sum(l.quantity - l.cancelled_quantity), 0)::int8
            FROM orders o LEFT JOIN order_lines l ON l.merchant_id = o.merchant_id AND l.order_id = o.id
            WHERE o.merchant_id = \(merchant.rawValue)
              AND (\(filter.customerEmail)::text IS NULL OR o.customer_email = \(filter.customerEmail))
              AND (\(filter.orderNumber)::text IS NULL OR o.order_number = \(filter.orderNumber))
              AND (\(filter.status?.rawValue)::text IS NULL OR o.status = \(filter.status?.rawValue))
              AND (\(filter.updatedSince)::timestamptz IS NULL OR o.updated_at >= \(filter.updatedSince))
              AND (\(after?.updatedAtMicros)::int8 IS NULL
                   OR (o.updated_at, o.id) < ('epoch'::timestamptz + \(after?.updatedAtMicros) * interval '1 microsecond', \(after?.id)))
            GROUP BY o.merchant_id, o.id
            ORDER BY o.updated_at DESC, o.id DESC
            LIMIT \(limit + 1)
            """, logger: logger)
        var items: [OrderSummary] = []
        for (id, number, status, channelType, channelName, email, placedAt, updatedAt, currency, subtotal, itemCount)
            in try rows.decode((UUID, String, String, String, String?, String, Date, Date, String, Int, Int).self) {
            items.append(OrderSummary(
                id: id, orderNumber: number, status: OrderStatus(rawValue: status) ?? .processing,
                channel: Channel(type: ChannelType(rawValue: channelType) ?? .other, name: channelName),
                customerEmail: email, placedAt: placedAt, updatedAt: updatedAt, currency: currency,
                subtotal: subtotal, itemCount: itemCount))
        }
        guard items.count > limit else { return (items, nil) }
        items.removeLast()
        let last = items[items.count - 1]
        return (items, PageCursor(updatedAt: last.updatedAt, id: last.id).token)
    }
}

/// Checks requested quantities against what is still open on each line.
enum LineAvailability {
    static func check(_ requested: [LineQuantity], against lines: [String: LineQuantities], verb: String) throws {
        var errors: [FieldError] = []
        for (index, line) in requested.enumerated() {
            guard let available = lines[line.sku] else {
                errors.append(FieldError(field: "lines[\(index)].sku", message: "is not a line of this order"))
                continue
            }
            if line.quantity > available.open {
                errors.append(FieldError(field: "lines[\(index)].quantity",
                                         message: "must be at most \(available.open): that is what is left to \(verb) of \(line.sku)"))
            }
        }
        if !errors.isEmpty { throw DomainError.validation(errors) }
    }
}

/// An opaque position in the order list: the last item's update time (exact microseconds, as
/// PostgreSQL stores it) and id.
struct PageCursor {
    var updatedAtMicros: Int64
    var id: UUID

    init(updatedAt: Date, id: UUID) {
        self.updatedAtMicros = Int64((updatedAt.timeIntervalSince1970 * 1_000_000).rounded())
        self.id = id
    }

    init(token: String) throws {
        guard let data = Base64URL.decode(token),
              case let parts = String(decoding: data, as: UTF8.self).split(separator: " "), parts.count == 2,
              let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1]))
        else {
            throw DomainError.badRequest("The cursor is not one this API returned; start again without it.",
                                         [FieldError(field: "cursor", message: "must be a next_cursor from a previous page")])
        }
        self.updatedAtMicros = micros
        self.id = id
    }

    var token: String {
        Base64URL.encode(Data("\(updatedAtMicros) \(id.uuidString)".utf8))
    }
}
