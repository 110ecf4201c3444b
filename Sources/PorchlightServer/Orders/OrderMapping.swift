import Foundation
import PorchlightAPI
import PorchlightCore

// Mapping between the generated contract types and the Core models of the Orders capability.

extension OrderDraft {
    init(_ input: Components.Schemas.OrderInput) throws {
        let metadata = try input.metadata.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) } ?? "{}"
        self.init(
            orderNumber: input.orderNumber,
            channel: Channel(type: ChannelType(mirroring: input.channel._type), name: input.channel.name),
            customer: Customer(email: input.customer.email, phone: input.customer.phone, name: input.customer.name, locale: input.customer.locale),
            destination: Address(input.destination),
            placedAt: input.placedAt,
            currency: input.currency,
            lines: input.lines.map { line in
                OrderLineDraft(
                    sku: line.sku, name: line.name, quantity: line.quantity, unitPrice: line.unitPrice,
                    category: line.category, imageUrl: line.imageUrl, productUrl: line.productUrl,
                    finalSale: line.finalSale ?? false)
            },
            metadataJSON: metadata)
    }
}

extension Address {
    init(_ address: Components.Schemas.Address) {
        self.init(name: address.name, line1: address.line1, line2: address.line2, city: address.city,
                  region: address.region, postalCode: address.postalCode, country: address.country)
    }
}

extension Components.Schemas.Address {
    init(_ address: Address) {
        self.init(name: address.name, line1: address.line1, line2: address.line2, city: address.city,
                  region: address.region, postalCode: address.postalCode, country: address.country)
    }
}

extension Components.Schemas.Channel {
    init(_ channel: Channel) {
        self.init(_type: .init(mirroring: channel.type), name: channel.name)
    }
}

extension LineQuantity {
    init(_ line: Components.Schemas.LineQuantity) {
        self.init(sku: line.sku, quantity: line.quantity)
    }
}

extension Components.Schemas.Order {
    init(_ order: Order) throws {
        self.init(
            id: order.id.uuidString.lowercased(),
            orderNumber: order.orderNumber,
            status: .init(mirroring: order.status),
            channel: .init(order.channel),
            customer: .init(email: order.customer.email, phone: order.customer.phone, name: order.customer.name, locale: order.customer.locale),
            destination: .init(order.destination),
            placedAt: order.placedAt,
            currency: order.currency,
            subtotal: order.subtotal,
            lines: order.lines.map { line in
                .init(sku: line.sku, name: line.name, quantity: line.quantity, unitPrice: line.unitPrice,
                      category: line.category, imageUrl: line.imageUrl, productUrl: line.productUrl,
                      finalSale: line.finalSale, cancelledQuantity: line.cancelledQuantity,
                      shippedQuantity: line.shippedQuantity, deliveredQuantity: line.deliveredQuantity)
            },
            shipments: order.shipments.map(Components.Schemas.Shipment.init),
            metadata: try JSONDecoder().decode(Components.Schemas.Metadata.self, from: Data(order.metadata.utf8)),
            cancelledAt: order.cancelledAt,
            cancellationReason: order.cancellationReason.map { .init(mirroring: $0) },
            createdAt: order.createdAt,
            updatedAt: order.updatedAt)
    }
}

extension Components.Schemas.OrderSummary {
    init(_ summary: OrderSummary) {
        self.init(
            id: summary.id.uuidString.lowercased(), orderNumber: summary.orderNumber, status: .init(mirroring: summary.status),
            channel: .init(summary.channel), customerEmail: summary.customerEmail, placedAt: summary.placedAt,
            updatedAt: summary.updatedAt, currency: summary.currency, subtotal: summary.subtotal, itemCount: summary.itemCount)
    }
}

extension Components.Schemas.Shipment {
    init(_ shipment: Shipment) {
        self.init(
            id: shipment.id.uuidString.lowercased(),
            orderId: shipment.orderId.uuidString.lowercased(),
            orderNumber: shipment.orderNumber,
            carrier: shipment.carrier,
            serviceLevel: shipment.serviceLevel,
            trackingNumber: shipment.trackingNumber,
            originLocation: shipment.originLocation,
            status: .init(mirroring: shipment.status),
            substatus: shipment.substatus.map { .init(mirroring: $0) },
            shippedAt: shipment.shippedAt,
            deliveredAt: shipment.deliveredAt,
            lines: shipment.lines.map { .init(sku: $0.sku, quantity: $0.quantity) },
            events: shipment.events.map { event in
                .init(id: event.id.uuidString.lowercased(), status: .init(mirroring: event.status),
                      substatus: event.substatus.map { .init(mirroring: $0) },
                      carrierStatusCode: event.carrierStatusCode, carrierStatusText: event.carrierStatusText,
                      location: event.location.map(Components.Schemas.Location.init),
                      occurredAt: event.occurredAt, carrierEventId: event.carrierEventId, recordedAt: event.recordedAt)
            },
            createdAt: shipment.createdAt,
            updatedAt: shipment.updatedAt)
    }
}

extension Components.Schemas.Location {
    init(_ location: EventLocation) {
        self.init(city: location.city, region: location.region, postalCode: location.postalCode, country: location.country)
    }
}

extension TrackingEventDraft {
    init(_ input: Components.Schemas.TrackingEventInput) {
        self.init(
            status: TrackingStatus(mirroring: input.status),
            substatus: input.substatus.map(TrackingSubstatus.init(mirroring:)),
            carrierStatusCode: input.carrierStatusCode, carrierStatusText: input.carrierStatusText,
            location: input.location.map { EventLocation(city: $0.city, region: $0.region, postalCode: $0.postalCode, country: $0.country) },
            occurredAt: input.occurredAt, carrierEventId: input.carrierEventId)
    }
}
