import Foundation

// Read models of an order as the API shows it. The store assembles them in one query.

public struct TrackingEvent: Sendable, Codable, Equatable {
    public var id: UUID
    public var status: TrackingStatus
    public var substatus: TrackingSubstatus?
    public var carrierStatusCode: String?
    public var carrierStatusText: String?
    public var location: EventLocation?
    public var occurredAt: Date
    public var carrierEventId: String?
    public var recordedAt: Date
}

public struct Shipment: Sendable, Codable, Equatable {
    public var id: UUID
    public var orderId: UUID
    public var orderNumber: String
    public var carrier: String
    public var serviceLevel: String?
    public var trackingNumber: String
    public var originLocation: String?
    public var status: TrackingStatus
    public var substatus: TrackingSubstatus?
    public var shippedAt: Date?
    public var deliveredAt: Date?
    public var lines: [LineQuantity]
    /// Oldest first.
    public var events: [TrackingEvent]
    public var createdAt: Date
    public var updatedAt: Date
}

public struct OrderLine: Sendable, Codable, Equatable {
    public var sku: String
    public var name: String
    public var quantity: Int
    public var unitPrice: Int
    public var category: String?
    public var imageUrl: String?
    public var productUrl: String?
    public var finalSale: Bool
    public var cancelledQuantity: Int
    public var shippedQuantity: Int
    public var deliveredQuantity: Int
}

public struct Order: Sendable, Codable, Equatable {
    public var id: UUID
    public var orderNumber: String
    public var status: OrderStatus
    public var channel: Channel
    public var customer: Customer
    public var destination: Address
    public var placedAt: Date
    public var currency: String
    public var lines: [OrderLine]
    public var shipments: [Shipment]
    /// The merchant's free-form data as a JSON object's text.
    public var metadata: String
    public var cancelledAt: Date?
    public var cancellationReason: CancellationReason?
    public var createdAt: Date
    public var updatedAt: Date

    /// Quantity × unit price over what is not cancelled, in minor units.
    public var subtotal: Int {
        lines.reduce(0) { $0 + ($1.quantity - $1.cancelledQuantity) * $1.unitPrice }
    }
}

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

/// Customer order lookup: the order number plus the email or the destination postal code.
public struct OrderLookup: Sendable, Equatable {
    public var orderNumber: String
    public var email: String?
    public var postalCode: String?

    public init(orderNumber: String, email: String?, postalCode: String?) {
        self.orderNumber = orderNumber
        self.email = email?.lowercased()
        self.postalCode = postalCode.map(Formats.normalizedPostalCode)
    }

    public func validate() throws(DomainError) {
        var v = Validator()
        v.text(orderNumber, "order_number", min: 1, max: 64)
        v.text(email, "email", max: 320)
        v.text(postalCode, "postal_code", max: 20)
        v.check(email?.isEmpty == false || postalCode?.isEmpty == false, "email",
                "give the customer's email or the destination postal_code")
        try v.finish()
    }
}
