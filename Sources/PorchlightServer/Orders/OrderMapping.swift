import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

// Mapping between the generated contract types and the Core models of the Orders capability.

extension OrderDraft {
    init(_ input: Components.Schemas.OrderInput) throws {
        let metadata = try input.metadata.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) } ?? "{}"
        self.init(
            orderNumber: input.orderNumber,
            channel: Channel(type: ChannelType(input.channel._type), name: input.channel.name),
            customer: Customer(email: input.customer.email, phone: input.customer.phone, name: input.customer.name, locale: input.customer.locale),
            destination: Address(input.destination),
            placedAt: input.placedAt,
            currency: input.currency.rawValue,
            lines: input.lines.map { line in
                OrderLineDraft(
                    sku: line.sku, name: line.name, quantity: line.quantity, unitPrice: line.unitPrice,
                    category: line.category, imageUrl: line.imageUrl, productUrl: line.productUrl,
                    finalSale: line.finalSale ?? false)
            },
            metadataJSON: metadata,
            delivery: try input.delivery.map(DeliverySelection.init),
            cashOnDelivery: input.cashOnDelivery ?? false)
    }
}

extension Address {
    init(_ address: Components.Schemas.Address) {
        self.init(name: address.name, line1: address.line1, line2: address.line2, city: address.city,
                  region: address.region, postalCode: address.postalCode, country: address.country.rawValue)
    }
}

extension Components.Schemas.Channel {
    init(_ channel: Channel) {
        self.init(_type: .init(channel.type), name: channel.name)
    }
}

extension LineQuantity {
    init(_ line: Components.Schemas.LineQuantity) {
        self.init(sku: line.sku, quantity: line.quantity)
    }
}

extension Components.Schemas.Order {
    /// The stored order, decoded for a response that is made from it (the arrival estimate).
    init(_ document: OrderJSON) throws {
        self = try ContractJSON.decode(Self.self, from: document.json)
    }
}

extension Components.Schemas.OrderSummary {
    init(_ summary: OrderSummary) {
        self.init(
            id: summary.id.uuidString.lowercased(), orderNumber: summary.orderNumber, status: .init(summary.status),
            channel: .init(summary.channel), customerEmail: summary.customerEmail, placedAt: summary.placedAt,
            updatedAt: summary.updatedAt, currency: summary.currency, subtotal: summary.subtotal, itemCount: summary.itemCount)
    }
}

extension TrackingEventDraft {
    init(_ input: Components.Schemas.TrackingEventInput) {
        self.init(
            status: TrackingStatus(input.status),
            substatus: input.substatus.map(TrackingSubstatus.init),
            carrierStatusCode: input.carrierStatusCode, carrierStatusText: input.carrierStatusText,
            location: input.location.map { EventLocation(city: $0.city, region: $0.region, postalCode: $0.postalCode, country: $0.country?.rawValue) },
            occurredAt: input.occurredAt, carrierEventId: input.carrierEventId)
    }
}
