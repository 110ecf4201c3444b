import Foundation
import PorchlightAPI
import PorchlightStore

/// What the arrival estimate reads of a stored order document, and nothing else: decoding the
/// whole order (lines, addresses, metadata, every timestamp) was a quarter of the request's time.
/// Field for field the contract's `Order`, under the same names, except a shipment's `events`:
/// each scan's time and substatus (`scans`), and the latest scan in full (`lastScan`).
struct ArrivalFacts: Decodable {
    struct Customer: Decodable {
        var locale: String?
    }

    /// What the estimate reads of the promise: its window, which it shows, and the day the order
    /// was delivered (the promise kept or missed), which its sentence names.
    struct Promise: Decodable {
        var earliest: String
        var latest: String
        var deliveredOn: String?

        enum CodingKeys: String, CodingKey {
            case earliest, latest
            case deliveredOn = "delivered_on"
        }
    }

    struct Shipment: Decodable {
        var status: Components.Schemas.TrackingStatus
        var deliveredAt: Date?
        /// Every scan's time and substatus: enough to find the delay's reason and the latest scan.
        var scans: [ScanSummary]
        /// The latest scan (the first of equal times), the only one shown, so the only one
        /// decoded in full: the others' texts and locations were most of the decoding's time.
        var lastScan: Scan?

        enum CodingKeys: String, CodingKey {
            case status, events
            case deliveredAt = "delivered_at"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decode(Components.Schemas.TrackingStatus.self, forKey: .status)
            deliveredAt = try container.decodeIfPresent(Date.self, forKey: .deliveredAt)
            scans = try container.decode([ScanSummary].self, forKey: .events)
            let scans = scans  // a copy the closure below can read before `self` is whole
            lastScan = try scans.indices.max { scans[$0].occurredAt < scans[$1].occurredAt }.map { latest in
                var events = try container.nestedUnkeyedContainer(forKey: .events)
                for _ in 0..<latest { _ = try events.decode(Skipped.self) }
                return try events.decode(Scan.self)
            }
        }

        /// An element passed over without reading any of its fields.
        private struct Skipped: Decodable {}
    }

    struct ScanSummary: Decodable {
        var substatus: Components.Schemas.TrackingSubstatus?
        var occurredAt: Date

        enum CodingKeys: String, CodingKey {
            case substatus
            case occurredAt = "occurred_at"
        }
    }

    struct Scan: Decodable {
        var status: Components.Schemas.TrackingEventStatus
        var carrierStatusText: String?
        var location: Components.Schemas.Location?
        var occurredAt: Date

        enum CodingKeys: String, CodingKey {
            case status, location
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
    var promise: Promise?
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
