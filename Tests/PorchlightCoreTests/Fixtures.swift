import Foundation
import PorchlightCore

// What the Core tests build again and again, written once: an instant, an order line, an order to
// Bucharest, a carrier scan and a parcel handed over.

/// The instant an ISO 8601 text names, e.g. "2026-11-20T08:00:00Z".
func instant(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text)!
}

/// Strada Lipscani 12, Bucharest: where the tests' orders go.
func lipscani(region: String? = nil) -> Address {
    Address(name: nil, line1: "Strada Lipscani 12", line2: nil, city: "Bucharest", region: region, postalCode: "030031", country: "RO")
}

/// An order line: one tee unless told otherwise.
func line(_ sku: String = "TEE", name: String? = nil, quantity: Int = 1, unitPrice: Int = 4990, category: String? = nil,
          finalSale: Bool = false) -> OrderLineDraft {
    OrderLineDraft(sku: sku, name: name ?? (sku == "TEE" ? "Tee" : sku == "MUG" ? "Mug" : sku), quantity: quantity, unitPrice: unitPrice,
                   category: category, imageUrl: nil, productUrl: nil, finalSale: finalSale)
}

/// Order 1001 from Ana, to `destination` (Bucharest), placed on the web at `placedAt`.
func orderDraft(lines: [OrderLineDraft] = [line()], placedAt: Date, name: String? = "Ana", locale: String? = "ro", currency: String = "RON",
                destination: Address = lipscani()) -> OrderDraft {
    OrderDraft(orderNumber: "1001", channel: Channel(type: .web, name: nil),
               customer: Customer(email: "ana@example.com", phone: nil, name: name, locale: locale),
               destination: destination, placedAt: placedAt, currency: currency, lines: lines, metadataJSON: "{}")
}

/// The order `draft` places, as stored the moment it was placed.
func placedOrder(_ draft: OrderDraft, id: UUID = UUID()) -> OrderRecord {
    OrderRecord(draft, id: id, metadata: .object([:]), now: draft.placedAt)
}

/// A carrier scan of `status` at `at`.
func scan(_ status: TrackingStatus, at: Date, substatus: TrackingSubstatus? = nil, id: String? = nil) -> TrackingEventDraft {
    TrackingEventDraft(status: status, substatus: substatus, carrierStatusCode: nil, carrierStatusText: nil, location: nil,
                       occurredAt: at, carrierEventId: id ?? "\(status.rawValue)-\(Int(at.timeIntervalSince1970))")
}

extension OrderRecord {
    /// Hands `lines` (every line, whole, unless told) to `carrier` in one parcel at `at`, and
    /// records `scans` on it as they arrive at the last of them. The caller settles the order
    /// (`settle(now:)`) where a save would. Returns the parcel's id.
    @discardableResult
    mutating func ship(_ lines: [LineQuantity]? = nil, carrier: String = "dhl", serviceLevel: String? = nil, trackingNumber: String = "T1",
                       at: Date, scans: [TrackingEventDraft] = []) throws -> UUID {
        let parcel = UUID()
        try addShipment(ShipmentDraft(carrier: carrier, serviceLevel: serviceLevel, trackingNumber: trackingNumber, originLocation: nil,
                                      lines: lines ?? self.lines.map { LineQuantity(sku: $0.sku, quantity: $0.quantity) }),
                        id: parcel, now: at)
        if let last = scans.map(\.occurredAt).max() {
            _ = recordTracking(scans, shipment: parcel, now: last, newID: UUID.init, estimator: { _ in nil })
        }
        return parcel
    }
}
