import Foundation

/// An order with everything that belongs to it, as stored: the aggregate every change to an order
/// loads (locked), changes in memory with the rules below, and writes back in one transaction.
/// The merchant's settings those rules read are handed to them beside it (`MerchantContext`).
public struct OrderRecord: Sendable, Equatable {
    public var id: UUID
    public var orderNumber: String
    public var channel: Channel
    public var customer: Customer
    public var destination: Address
    public var placedAt: Date
    public var currency: String
    /// Free-form merchant data: a JSON object.
    public var metadata: JSONValue
    public var status: OrderStatus
    public var cancellationReason: CancellationReason?
    public var cancelledAt: Date?
    /// Paid at the door, and when its customer confirmed it (`CashOnDelivery.swift`).
    public var cashOnDelivery = false
    public var confirmedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var lines: [OrderLineRecord]
    /// Oldest first.
    public var shipments: [ShipmentRecord]
    public var promise: PromiseRecord?
    /// The order's returns, oldest first: part of the order, so that they change under its lock
    /// and its document shows them.
    public var returns: [ReturnRecord] = []
    /// The order's open disruption alert (`keepAlertInStep`); resolved ones are history, not
    /// part of the aggregate.
    public var alert: AlertRecord?
    /// When time alone should next check the order for disruptions (`DisruptionRules.nextCheck`);
    /// stored so that the detector pass asks for the orders due rather than restating the rules.
    public var disruptionCheckAt: Date?
    /// The declared disruption holding the order up now, if any (`keepAlertInStep`); its extra
    /// days are in the order's estimate.
    public var declared: DeclaredDelay?
    /// The remedies offered for the order's alerts, oldest first.
    public var remedies: [RemedyRecord] = []
    /// The order's failed delivery attempts, oldest first (`keepDeliveryExceptionsInStep`).
    public var deliveryExceptions: [DeliveryExceptionRecord] = []
    /// The stored document's version: 0 until the order is first stored, then one more per change.
    public var version: Int

    public init(id: UUID, orderNumber: String, channel: Channel, customer: Customer, destination: Address, placedAt: Date,
                currency: String, metadata: JSONValue, status: OrderStatus, cancellationReason: CancellationReason?,
                cancelledAt: Date?, createdAt: Date, updatedAt: Date, lines: [OrderLineRecord], shipments: [ShipmentRecord],
                promise: PromiseRecord?, version: Int) {
        self.id = id
        self.orderNumber = orderNumber
        self.channel = channel
        self.customer = customer
        self.destination = destination
        self.placedAt = placedAt
        self.currency = currency
        self.metadata = metadata
        self.status = status
        self.cancellationReason = cancellationReason
        self.cancelledAt = cancelledAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lines = lines
        self.shipments = shipments
        self.promise = promise
        self.version = version
    }
}

public struct OrderLineRecord: Sendable, Equatable {
    public var sku: String
    public var name: String
    public var quantity: Int
    public var unitPrice: Int
    public var category: String?
    public var imageUrl: String?
    public var productUrl: String?
    public var finalSale: Bool
    public var cancelledQuantity: Int

    public init(sku: String, name: String, quantity: Int, unitPrice: Int, category: String?, imageUrl: String?,
                productUrl: String?, finalSale: Bool, cancelledQuantity: Int) {
        self.sku = sku
        self.name = name
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.category = category
        self.imageUrl = imageUrl
        self.productUrl = productUrl
        self.finalSale = finalSale
        self.cancelledQuantity = cancelledQuantity
    }
}

public struct ShipmentRecord: Sendable, Equatable {
    public var id: UUID
    public var carrier: String
    public var serviceLevel: String?
    public var trackingNumber: String
    public var originLocation: String?
    public var status: TrackingStatus
    public var substatus: TrackingSubstatus?
    public var shippedAt: Date?
    public var deliveredAt: Date?
    public var estimate: ShipmentEstimate?
    public var createdAt: Date
    public var updatedAt: Date
    public var lines: [LineQuantity]
    /// In the order they were recorded.
    public var events: [TrackingEventRecord]

    public init(id: UUID, carrier: String, serviceLevel: String?, trackingNumber: String, originLocation: String?,
                status: TrackingStatus, substatus: TrackingSubstatus?, shippedAt: Date?, deliveredAt: Date?,
                estimate: ShipmentEstimate?, createdAt: Date, updatedAt: Date, lines: [LineQuantity], events: [TrackingEventRecord]) {
        self.id = id
        self.carrier = carrier
        self.serviceLevel = serviceLevel
        self.trackingNumber = trackingNumber
        self.originLocation = originLocation
        self.status = status
        self.substatus = substatus
        self.shippedAt = shippedAt
        self.deliveredAt = deliveredAt
        self.estimate = estimate
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lines = lines
        self.events = events
    }
}

/// A tracking event as recorded: what the carrier reported, with the id and time Porchlight gave it.
@dynamicMemberLookup
public struct TrackingEventRecord: Sendable, Equatable {
    public var id: UUID
    /// As stored when the event was recorded (see `TrackingEventDraft.deduplicationKey`).
    public var deduplicationKey: String
    public var reported: TrackingEventDraft
    public var recordedAt: Date

    public init(id: UUID, deduplicationKey: String, reported: TrackingEventDraft, recordedAt: Date) {
        self.id = id
        self.deduplicationKey = deduplicationKey
        self.reported = reported
        self.recordedAt = recordedAt
    }

    public subscript<Value>(dynamicMember field: KeyPath<TrackingEventDraft, Value>) -> Value {
        reported[keyPath: field]
    }
}

extension ShipmentEstimate {
    /// The same estimate, `days` of the carrier's `deliveryDays` later (a declared disruption's
    /// extra days): a window the carrier can keep.
    func later(by days: Int, on deliveryDays: WorkCalendar) -> ShipmentEstimate {
        var later = self
        later.window.earliest = deliveryDays.advance(window.earliest, by: days)
        later.window.latest = deliveryDays.advance(window.latest, by: days)
        return later
    }
}

/// A shipment's current arrival estimate.
public struct ShipmentEstimate: Sendable, Equatable {
    public var window: DeliveryWindow
    public var basis: EstimateBasis
    public var estimatedAt: Date

    public init(window: DeliveryWindow, basis: EstimateBasis, estimatedAt: Date) {
        self.window = window
        self.basis = basis
        self.estimatedAt = estimatedAt
    }
}

public enum PromiseOutcome: String, Sendable, Codable, CaseIterable {
    case kept, missed
}

/// What a missed promise followed, when a delivery attempt failed on the way.
public enum MissedAfter: String, Sendable, Codable, CaseIterable {
    /// Someone chose what came next (a later day, another address, a pick-up point).
    case customerChoice = "customer_choice"
    /// Nobody chose, or only the merchant's default was taken: the carrier's failure stood.
    case carrierFailure = "carrier_failure"
}

/// The order's entry in the promise ledger: written once, only its outcome is added later.
public struct PromiseRecord: Sendable, Equatable {
    public struct Slot: Sendable, Equatable {
        public var id: String
        public var date: LocalDate
        public var start: String
        public var end: String

        public init(id: String, date: LocalDate, start: String, end: String) {
            (self.id, self.date, self.start, self.end) = (id, date, start, end)
        }
    }

    public var quoteID: UUID
    public var optionID: String
    public var slot: Slot?
    public var carrier: String
    public var serviceLevel: String
    public var locationCode: String
    public var originRegion: String?
    public var destinationCountry: String
    public var destinationRegion: String?
    public var window: DeliveryWindow
    public var basis: EstimateBasis
    public var engineVersion: String
    public var promisedAt: Date
    /// The raw forecast: cumulative probability of delivery by each day from `forecastStart`.
    public var forecastStart: LocalDate
    public var forecast: [Double]
    /// The location's time zone: delivery dates are counted there.
    public var timeZone: TimeZone
    public var outcome: PromiseOutcome?
    public var deliveredOn: LocalDate?
    /// Where the delivery fell in the forecast (see `Recalibration`).
    public var pit: Double?
    /// For a missed promise after a failed delivery attempt: whose decision the lateness followed.
    public var missedAfter: MissedAfter?

    public init(quoteID: UUID, optionID: String, slot: Slot?, carrier: String, serviceLevel: String, locationCode: String,
                originRegion: String?, destinationCountry: String, destinationRegion: String?, window: DeliveryWindow,
                basis: EstimateBasis, engineVersion: String, promisedAt: Date, forecastStart: LocalDate, forecast: [Double],
                timeZone: TimeZone, outcome: PromiseOutcome?, deliveredOn: LocalDate?, pit: Double?, missedAfter: MissedAfter? = nil) {
        self.missedAfter = missedAfter
        self.quoteID = quoteID
        self.optionID = optionID
        self.slot = slot
        self.carrier = carrier
        self.serviceLevel = serviceLevel
        self.locationCode = locationCode
        self.originRegion = originRegion
        self.destinationCountry = destinationCountry
        self.destinationRegion = destinationRegion
        self.window = window
        self.basis = basis
        self.engineVersion = engineVersion
        self.promisedAt = promisedAt
        self.forecastStart = forecastStart
        self.forecast = forecast
        self.timeZone = timeZone
        self.outcome = outcome
        self.deliveredOn = deliveredOn
        self.pit = pit
    }
}

// MARK: - Derived values: each rule once, here.

extension OrderRecord {
    /// Quantities per line: ordered, cancelled, and in shipments.
    public var lineQuantities: [String: LineQuantities] {
        var shipped: [String: Int] = [:]
        for shipment in countedShipments {
            for line in shipment.lines { shipped[line.sku, default: 0] += line.quantity }
        }
        return Dictionary(uniqueKeysWithValues: lines.map {
            ($0.sku, LineQuantities(ordered: $0.quantity, cancelled: $0.cancelledQuantity, shipped: shipped[$0.sku] ?? 0))
        })
    }

    /// Units in delivered shipments, per line.
    public var deliveredQuantities: [String: Int] {
        var delivered: [String: Int] = [:]
        for shipment in countedShipments where shipment.status == .delivered {
            for line in shipment.lines { delivered[line.sku, default: 0] += line.quantity }
        }
        return delivered
    }

    /// Quantity × unit price over what is not cancelled, in minor units.
    public var subtotal: Int {
        lines.reduce(0) { $0 + ($1.quantity - $1.cancelledQuantity) * $1.unitPrice }
    }

    /// Units ordered and not cancelled.
    public var itemCount: Int {
        lines.reduce(0) { $0 + $1.quantity - $1.cancelledQuantity }
    }

    /// The order's current estimate: the last of the undelivered shipments' estimates (the order
    /// is complete when its last parcel arrives), or the promise while none has one, later by
    /// the declared disruption's extra days, counted in the held parcel's delivery days, while
    /// one holds the order up. None once the order is delivered or cancelled.
    public func estimate(context: MerchantContext) -> OrderEstimate? {
        guard status != .delivered, status != .cancelled else { return nil }
        let held = Set(declared?.shipmentIDs ?? [])
        func delayed(_ estimate: ShipmentEstimate, of shipment: ShipmentRecord) -> ShipmentEstimate {
            guard let declared, held.contains(shipment.id) else { return estimate }
            return estimate.later(by: declared.extraDays, on: context.silenceCalendars.deliveryCalendar(of: shipment))
        }
        let open = shipments.filter { $0.status != .delivered }.compactMap { shipment in
            shipment.estimate.map { delayed($0, of: shipment) }
        }
        if let last = open.max(by: { $0.window.latest < $1.window.latest }) {
            return OrderEstimate(
                window: DeliveryWindow(earliest: open.map(\.window.earliest).max()!, latest: last.window.latest,
                                       confidence: open.map(\.window.confidence).min()!),
                basis: last.basis, updatedAt: open.map(\.estimatedAt).max()!)
        }
        guard let promise else { return nil }
        let promised = ShipmentEstimate(window: promise.window, basis: promise.basis, estimatedAt: promise.promisedAt)
        let fromPromise = shipments.first { held.contains($0.id) }.map { delayed(promised, of: $0) } ?? promised
        return OrderEstimate(window: fromPromise.window, basis: fromPromise.basis, updatedAt: fromPromise.estimatedAt)
    }

    /// Whether the promise is in danger: the estimate ends after it, or a parcel has an exception
    /// or is going back. Nil without a promise; false once delivered or cancelled.
    public func promiseAtRisk(context: MerchantContext) -> Bool? {
        guard let promise else { return nil }
        guard status != .delivered, status != .cancelled else { return false }
        let troubled = shipments.contains { $0.status != .delivered && ($0.status == .exception || $0.status == .returnedToSender) }
        return troubled || (estimate(context: context).map { $0.window.putsAtRisk(promise.window) } ?? false)
    }

    /// Re-derives what follows from the rows after a change at `now`: the roll-up status, when
    /// the order became cancelled, and the promise's outcome once everything is delivered.
    public mutating func settle(now: Date) {
        status = OrderRollup.status(lines: Array(lineQuantities.values), shipments: countedShipments.map(\.status))
        cancelledAt = status == .cancelled ? (cancelledAt ?? now) : nil
        if status == .delivered, var promise, promise.outcome == nil,
           let lastDelivery = shipments.compactMap(\.deliveredAt).max() {
            let deliveredOn = LocalDate(lastDelivery, in: promise.timeZone)
            promise.deliveredOn = deliveredOn
            promise.outcome = PromiseOutcome(deliveredOn: deliveredOn, latest: promise.window.latest)
            promise.pit = Recalibration.pit(of: deliveredOn, cumulative: promise.forecast, from: promise.forecastStart)
            if promise.outcome == .missed, !deliveryExceptions.isEmpty {
                // A choice the carrier then failed is not what the lateness followed.
                let chosen = deliveryExceptions.contains { $0.actions.contains { $0.source != .default && $0.status != .failed } }
                promise.missedAfter = chosen ? .customerChoice : .carrierFailure
            }
            self.promise = promise
        }
    }
}

/// An order's estimate, as the document shows it.
public struct OrderEstimate: Sendable, Equatable {
    public var window: DeliveryWindow
    public var basis: EstimateBasis
    public var updatedAt: Date
}
