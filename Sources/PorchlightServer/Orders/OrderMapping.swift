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

extension OrderStatus {
    init(_ status: Components.Schemas.OrderStatus) {
        self = switch status {
        case .processing: .processing
        case .partiallyShipped: .partiallyShipped
        case .shipped: .shipped
        case .inTransit: .inTransit
        case .outForDelivery: .outForDelivery
        case .availableForPickup: .availableForPickup
        case .attemptedDelivery: .attemptedDelivery
        case .partiallyDelivered: .partiallyDelivered
        case .delivered: .delivered
        case .exception: .exception
        case .cancelled: .cancelled
        }
    }
}

extension Components.Schemas.OrderStatus {
    init(_ status: OrderStatus) {
        self = switch status {
        case .processing: .processing
        case .partiallyShipped: .partiallyShipped
        case .shipped: .shipped
        case .inTransit: .inTransit
        case .outForDelivery: .outForDelivery
        case .availableForPickup: .availableForPickup
        case .attemptedDelivery: .attemptedDelivery
        case .partiallyDelivered: .partiallyDelivered
        case .delivered: .delivered
        case .exception: .exception
        case .cancelled: .cancelled
        }
    }
}

/// Only this direction: a reported event is never `pending` (Core's status before any scan).
extension TrackingStatus {
    init(_ status: Components.Schemas.TrackingEventStatus) {
        self = switch status {
        case .infoReceived: .infoReceived
        case .inTransit: .inTransit
        case .outForDelivery: .outForDelivery
        case .attemptedDelivery: .attemptedDelivery
        case .availableForPickup: .availableForPickup
        case .delivered: .delivered
        case .exception: .exception
        case .returnedToSender: .returnedToSender
        }
    }
}

extension Components.Schemas.TrackingStatus {
    init(_ status: TrackingStatus) {
        self = switch status {
        case .pending: .pending
        case .infoReceived: .infoReceived
        case .inTransit: .inTransit
        case .outForDelivery: .outForDelivery
        case .attemptedDelivery: .attemptedDelivery
        case .availableForPickup: .availableForPickup
        case .delivered: .delivered
        case .exception: .exception
        case .returnedToSender: .returnedToSender
        }
    }
}

extension Components.Schemas.TrackingSubstatus {
    init(_ substatus: TrackingSubstatus) {
        self = switch substatus {
        case .weatherDelay: .weatherDelay
        case .carrierDelay: .carrierDelay
        case .customsHold: .customsHold
        case .heldAtFacility: .heldAtFacility
        case .addressIssue: .addressIssue
        case .damaged: .damaged
        case .lost: .lost
        case .refused: .refused
        case .recipientUnavailable: .recipientUnavailable
        case .paymentDue: .paymentDue
        case .accessProblem: .accessProblem
        case .idRequired: .idRequired
        case .deliveredToNeighbour: .deliveredToNeighbour
        case .deliveredToSafePlace: .deliveredToSafePlace
        case .deliveredToPickupPoint: .deliveredToPickupPoint
        case .signedFor: .signedFor
        case .other: .other
        }
    }
}

extension TrackingSubstatus {
    init(_ substatus: Components.Schemas.TrackingSubstatus) {
        self = switch substatus {
        case .weatherDelay: .weatherDelay
        case .carrierDelay: .carrierDelay
        case .customsHold: .customsHold
        case .heldAtFacility: .heldAtFacility
        case .addressIssue: .addressIssue
        case .damaged: .damaged
        case .lost: .lost
        case .refused: .refused
        case .recipientUnavailable: .recipientUnavailable
        case .paymentDue: .paymentDue
        case .accessProblem: .accessProblem
        case .idRequired: .idRequired
        case .deliveredToNeighbour: .deliveredToNeighbour
        case .deliveredToSafePlace: .deliveredToSafePlace
        case .deliveredToPickupPoint: .deliveredToPickupPoint
        case .signedFor: .signedFor
        case .other: .other
        }
    }
}

extension ChannelType {
    init(_ type: Components.Schemas.Channel._TypePayload) {
        self = switch type {
        case .web: .web
        case .app: .app
        case .marketplace: .marketplace
        case .social: .social
        case .pos: .pos
        case .phone: .phone
        case .other: .other
        }
    }
}

extension Components.Schemas.Channel._TypePayload {
    init(_ type: ChannelType) {
        self = switch type {
        case .web: .web
        case .app: .app
        case .marketplace: .marketplace
        case .social: .social
        case .pos: .pos
        case .phone: .phone
        case .other: .other
        }
    }
}

extension CancellationReason {
    init(_ reason: Components.Schemas.CancellationReason) {
        self = switch reason {
        case .customerRequest: .customerRequest
        case .outOfStock: .outOfStock
        case .fraud: .fraud
        case .paymentDeclined: .paymentDeclined
        case .other: .other
        }
    }
}

extension CustomerProof {
    init(_ proof: Components.Schemas.CustomerProof) {
        self = switch proof {
        case .postalCode: .postalCode
        case .email: .email
        case .link: .link
        }
    }
}

extension Components.Schemas.CustomerProof {
    init(_ proof: CustomerProof) {
        self = switch proof {
        case .postalCode: .postalCode
        case .email: .email
        case .link: .link
        }
    }
}

extension CustomerViewField {
    init(_ field: Components.Schemas.CustomerViewField) {
        self = switch field {
        case .trackingNumbers: .trackingNumbers
        case .eventDescriptions: .eventDescriptions
        case .eventLocations: .eventLocations
        case .productLinks: .productLinks
        case .images: .images
        }
    }
}

extension Components.Schemas.CustomerViewField {
    init(_ field: CustomerViewField) {
        self = switch field {
        case .trackingNumbers: .trackingNumbers
        case .eventDescriptions: .eventDescriptions
        case .eventLocations: .eventLocations
        case .productLinks: .productLinks
        case .images: .images
        }
    }
}

extension Components.Schemas.CustomerLink {
    init(_ link: CustomerTokenRecord) {
        self.init(id: link.id.apiText, orderId: link.orderID.apiText, createdAt: link.createdAt, expiresAt: link.expiresAt,
                  revokedAt: link.revokedAt)
    }
}

extension Components.Schemas.CustomerViewSettings {
    init(_ hidden: Set<CustomerViewField>) {
        self.init(hiddenFields: CustomerViewField.allCases.filter(hidden.contains).map(Components.Schemas.CustomerViewField.init))
    }
}

extension PreparedResponse {
    /// 201 with the new order, or 200 with the updated one.
    static func upserted(_ order: OrderJSON, _ outcome: OrderStore.UpsertOutcome) -> PreparedResponse {
        PreparedResponse(status: outcome == .created ? .created : .ok, json: order.json)
    }
}
