import Foundation
import PorchlightAPI
import PorchlightStore

/// What the arrival estimate reads of a stored order document, and nothing else: decoding the
/// whole order (lines, addresses, metadata, every timestamp) was a quarter of the request's time.
/// Field for field the contract's `Order`, under the same names.
struct ArrivalFacts: Decodable {
    struct Customer: Decodable {
        var locale: String?
    }

    struct Shipment: Decodable {
        var status: Components.Schemas.TrackingStatus
        var deliveredAt: Date?
        var events: [Scan]

        enum CodingKeys: String, CodingKey {
            case status, events
            case deliveredAt = "delivered_at"
        }
    }

    struct Scan: Decodable {
        var status: Components.Schemas.TrackingEventStatus
        var substatus: Components.Schemas.TrackingSubstatus?
        var carrierStatusText: String?
        var location: Components.Schemas.Location?
        var occurredAt: Date

        enum CodingKeys: String, CodingKey {
            case status, substatus, location
            case carrierStatusText = "carrier_status_text"
            case occurredAt = "occurred_at"
        }
    }

    var id: String
    var orderNumber: String
    var status: Components.Schemas.OrderStatus
    var customer: Customer
    var shipments: [Shipment]
    var alert: Components.Schemas.OrderAlert?
    var declaredDisruption: Components.Schemas.OrderDeclaredDisruption?
    var promise: Components.Schemas.DeliveryPromise?
    var estimate: Components.Schemas.DeliveryEstimate?
    var promiseAtRisk: Bool?
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, status, customer, shipments, alert, promise, estimate
        case orderNumber = "order_number"
        case declaredDisruption = "declared_disruption"
        case promiseAtRisk = "promise_at_risk"
        case updatedAt = "updated_at"
    }

    init(_ document: OrderJSON) throws {
        self = try ContractJSON.decode(Self.self, from: document.json)
    }
}
