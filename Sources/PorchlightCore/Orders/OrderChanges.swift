import Foundation

// The changes a merchant or a carrier feed makes to an order, as pure functions on the aggregate.
// Each checks its rules against the loaded order and throws a `DomainError` naming what to fix;
// the store then writes what changed, in the same transaction that loaded it.

/// What a shipment's estimate is made from.
public struct EstimateRequest: Sendable {
    public var service: ServiceKey
    public var locationCode: String
    public var destination: Destination
    public var progress: PromiseEngine.Progress
}

/// A learned model's estimate for a shipment, loaded before the transaction opens so that the
/// estimate inside it is pure arithmetic; nil when no estimate can be made.
public typealias ShipmentEstimator = @Sendable (EstimateRequest) -> (window: DeliveryWindow, basis: EstimateBasis)?

extension OrderRecord {
    /// A new order from the merchant's draft, not yet stored.
    public init(_ draft: OrderDraft, id: UUID, metadata: JSONValue, now: Date) {
        self.init(
            id: id, orderNumber: draft.orderNumber, channel: draft.channel, customer: draft.customer,
            destination: draft.destination, placedAt: draft.placedAt, currency: draft.currency, metadata: metadata,
            status: .processing, cancellationReason: nil, cancelledAt: nil, createdAt: now, updatedAt: now,
            lines: draft.lines.map { OrderLineRecord($0, cancelledQuantity: 0) }, shipments: [], promise: nil, version: 0)
        cashOnDelivery = draft.cashOnDelivery
    }

    /// Replaces the order's details and lines with the draft's. Lines are matched by SKU; a line
    /// cannot be dropped, or cut below what is already shipped or cancelled: that history must stay true.
    public mutating func replaceDetails(with draft: OrderDraft, metadata: JSONValue) throws(DomainError) {
        let existing = lineQuantities
        let wanted = Dictionary(uniqueKeysWithValues: draft.lines.enumerated().map { ($1.sku, ($0, $1.quantity)) })
        var errors: [FieldError] = []
        for (sku, quantities) in existing.sorted(by: { $0.key < $1.key }) where quantities.cancelled + quantities.shipped > 0 {
            let committed = quantities.cancelled + quantities.shipped
            if let (index, quantity) = wanted[sku] {
                if quantity < committed {
                    errors.append(FieldError(field: "lines[\(index)].quantity",
                                             message: "must be at least \(committed): \(quantities.shipped) shipped and \(quantities.cancelled) cancelled"))
                }
            } else {
                errors.append(FieldError(field: "lines", message: "must keep line \(sku): \(committed) already shipped or cancelled"))
            }
        }
        if !errors.isEmpty { throw .validation(errors) }

        (channel, customer, destination, placedAt, currency) = (draft.channel, draft.customer, draft.destination, draft.placedAt, draft.currency)
        cashOnDelivery = draft.cashOnDelivery
        self.metadata = metadata
        lines = draft.lines.map { OrderLineRecord($0, cancelledQuantity: existing[$0.sku]?.cancelled ?? 0) }
    }

    /// Cancels the given quantities, or everything not yet shipped.
    public mutating func cancel(_ cancellation: CancellationDraft) throws(DomainError) {
        let quantities = lineQuantities
        let requested = cancellation.lines ?? lines.compactMap { line in
            quantities[line.sku].flatMap { $0.open > 0 ? LineQuantity(sku: line.sku, quantity: $0.open) : nil }
        }
        if requested.isEmpty { throw .conflict("Nothing left to cancel: every line is shipped or cancelled.") }
        try Self.checkAvailable(requested, in: quantities, verb: "cancel")
        let cancelled = Dictionary(requested.map { ($0.sku, $0.quantity) }, uniquingKeysWith: +)
        for index in lines.indices {
            lines[index].cancelledQuantity += cancelled[lines[index].sku] ?? 0
        }
        cancellationReason = cancellation.reason
    }

    /// Adds a shipment, never shipping more than is ordered and not cancelled or shipped. Without
    /// a stated origin, the parcel left from where the promise said.
    public mutating func addShipment(_ draft: ShipmentDraft, id: UUID, now: Date) throws(DomainError) {
        try Self.checkAvailable(draft.lines, in: lineQuantities, verb: "ship")
        shipments.append(ShipmentRecord(
            id: id, carrier: draft.carrier, serviceLevel: draft.serviceLevel, trackingNumber: draft.trackingNumber,
            originLocation: draft.originLocation ?? promise?.locationCode, status: .pending, substatus: nil,
            shippedAt: nil, deliveredAt: nil, estimate: nil, createdAt: now, updatedAt: now, lines: draft.lines, events: []))
    }

    /// Records the shipment's new events (ones already known, by their deduplication key, are
    /// ignored), then re-derives its status from the whole timeline and re-estimates its arrival.
    /// Returns how many events were new.
    public mutating func recordTracking(_ drafts: [TrackingEventDraft], shipment shipmentID: UUID, now: Date,
                                        newID: () -> UUID, estimator: ShipmentEstimator) -> Int {
        guard let index = shipments.firstIndex(where: { $0.id == shipmentID }) else { return 0 }
        var shipment = shipments[index]
        var known = Set(shipment.events.map(\.deduplicationKey))
        let fresh = drafts.filter { known.insert($0.deduplicationKey).inserted }
        guard !fresh.isEmpty else { return 0 }
        shipment.events += fresh.map { draft in
            TrackingEventRecord(id: newID(), deduplicationKey: draft.deduplicationKey, reported: draft, recordedAt: now)
        }
        let progress = TrackingRules.progress(of: shipment.events.map {
            TimelineEntry(status: $0.status, substatus: $0.substatus, occurredAt: $0.occurredAt)
        })
        (shipment.status, shipment.substatus, shipment.shippedAt, shipment.deliveredAt)
            = (progress.status, progress.substatus, progress.shippedAt, progress.deliveredAt)
        shipment.estimate = estimate(progress, of: shipment, estimator: estimator, now: now)
        shipment.updatedAt = now
        shipments[index] = shipment
        keepClaimInStep(with: shipment, id: newID(), now: now)
        return fresh.count
    }

    /// A delivered shipment, or one that cannot be placed on a lane, has no estimate.
    private func estimate(_ progress: ShipmentProgress, of shipment: ShipmentRecord, estimator: ShipmentEstimator, now: Date) -> ShipmentEstimate? {
        guard let location = shipment.originLocation,
              let stage = PromiseEngine.Progress(progress, orderPlacedAt: placedAt),
              let (window, basis) = estimator(EstimateRequest(
                  service: ServiceKey(carrier: shipment.carrier, serviceLevel: shipment.serviceLevel ?? ""), locationCode: location,
                  destination: Destination(country: destination.country, region: destination.region), progress: stage))
        else { return nil }
        // Kept as the API states it, so the order's estimate and the stored row agree.
        let stated = DeliveryWindow(earliest: window.earliest, latest: window.latest, confidence: window.statedConfidence)
        return ShipmentEstimate(window: stated, basis: basis, estimatedAt: now)
    }

    /// Checks requested quantities against what is still open on each line.
    static func checkAvailable(_ requested: [LineQuantity], in lines: [String: LineQuantities], verb: String) throws(DomainError) {
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
        if !errors.isEmpty { throw .validation(errors) }
    }
}

extension OrderLineRecord {
    init(_ draft: OrderLineDraft, cancelledQuantity: Int) {
        self.init(sku: draft.sku, name: draft.name, quantity: draft.quantity, unitPrice: draft.unitPrice, category: draft.category,
                  imageUrl: draft.imageUrl, productUrl: draft.productUrl, finalSale: draft.finalSale, cancelledQuantity: cancelledQuantity)
    }
}
