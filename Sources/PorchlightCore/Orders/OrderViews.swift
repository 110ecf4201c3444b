import Foundation

/// An order in a list: enough to show a row and link to the whole order.
public struct OrderSummary: Sendable, Codable, Equatable {
    public var id: UUID
    public var orderNumber: String
    public var status: OrderStatus
    public var channel: Channel
    public var customerEmail: String
    public var placedAt: Date
    public var updatedAt: Date
    public var currency: String
    public var subtotal: Int
    public var itemCount: Int

    public init(id: UUID, orderNumber: String, status: OrderStatus, channel: Channel, customerEmail: String, placedAt: Date, updatedAt: Date, currency: String, subtotal: Int, itemCount: Int) {
        self.id = id
        self.orderNumber = orderNumber
        self.status = status
        self.channel = channel
        self.customerEmail = customerEmail
        self.placedAt = placedAt
        self.updatedAt = updatedAt
        self.currency = currency
        self.subtotal = subtotal
        self.itemCount = itemCount
    }
}

public struct OrderFilter: Sendable, Equatable {
    public var customerEmail: String?
    public var orderNumber: String?
    public var status: OrderStatus?
    public var updatedSince: Date?

    public init(customerEmail: String?, orderNumber: String?, status: OrderStatus?, updatedSince: Date?) {
        self.customerEmail = customerEmail?.lowercased()
        self.orderNumber = orderNumber
        self.status = status
        self.updatedSince = updatedSince
    }
}
