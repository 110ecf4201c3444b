import Foundation

/// What happened to an order, as merchants' systems learn it (pulled from the feed, later pushed
/// to webhooks). The order's own types are emitted by `OrderEvents.between`, the reviews' by
/// `ReviewEvents`.
public enum EventType: String, Sendable, Codable, CaseIterable {
    case orderCreated = "order.created"
    case orderUpdated = "order.updated"
    case orderCancelled = "order.cancelled"
    case orderStatusChanged = "order.status_changed"
    case orderConfirmationRequested = "order.confirmation_requested"
    case orderConfirmed = "order.confirmed"
    case shipmentCreated = "shipment.created"
    case shipmentStatusChanged = "shipment.status_changed"
    case promiseRecorded = "promise.recorded"
    case promiseKept = "promise.kept"
    case promiseMissed = "promise.missed"
    case estimateChanged = "estimate.changed"
    case promiseAtRisk = "promise.at_risk"
    case reviewSubmitted = "review.submitted"
    case reviewHelpRequested = "review.help_requested"
    case reviewPublished = "review.published"
    case reviewRequested = "review.requested"
    case returnRequested = "return.requested"
    case returnApproved = "return.approved"
    case returnDeclined = "return.declined"
    case returnReceived = "return.received"
    case returnResolved = "return.resolved"
    case returnCancelled = "return.cancelled"
    case returnLost = "return.lost"
    case returnExpired = "return.expired"
    case alertOpened = "alert.opened"
    case alertEscalated = "alert.escalated"
    case alertResolved = "alert.resolved"
    /// About the merchant rather than one order (`DeclaredDisruption.eventFields`).
    case disruptionDeclared = "disruption.declared"
    case disruptionResolved = "disruption.resolved"
    case remedyOffered = "remedy.offered"
    case remedyChosen = "remedy.chosen"
    case remedyApplied = "remedy.applied"
    case deliveryExceptionOpened = "delivery_exception.opened"
    case deliveryExceptionClosed = "delivery_exception.closed"
    case deliveryActionRequested = "delivery_action.requested"
    case deliveryActionAcknowledged = "delivery_action.acknowledged"
    case deliveryActionFailed = "delivery_action.failed"
    /// A message for the merchant's own SMS, push or chat provider is due, with its text.
    case notificationRequested = "notification.requested"
}

/// One event of a change, before the store gives it an id, a version and a place in the feed.
public struct DomainEvent: Sendable, Equatable {
    public var type: EventType
    /// What the event says beyond its type: always the order's id, number and status.
    public var data: JSONValue

    public init(type: EventType, data: JSONValue) { (self.type, self.data) = (type, data) }
}

public enum OrderEvents {
    /// The events that take an order from `before` (nil: it did not exist) to `after`, each at
    /// most once; none when nothing a merchant or customer would notice changed. Both are
    /// read in `context`, the one the order was loaded with.
    public static func between(_ before: OrderRecord?, _ after: OrderRecord, context: MerchantContext) -> [DomainEvent] {
        var events: [DomainEvent] = []
        func emit(_ type: EventType, _ fields: [String: JSONValue?] = [:]) {
            var data: [String: JSONValue] = [
                "order_id": .string(after.id.apiText), "order_number": .string(after.orderNumber),
                "status": .string(after.status.rawValue),
            ]
            for (key, value) in fields { data[key] = value }
            events.append(DomainEvent(type: type, data: .object(data)))
        }

        guard let before else {
            emit(.orderCreated)
            if after.confirmation == .awaiting { emit(.orderConfirmationRequested, confirmationFields(after)) }
            if let promise = after.promise { emit(.promiseRecorded, promiseFields(promise)) }
            return events
        }

        let changedDetails = detailChanges(before, after)
        if !changedDetails.isEmpty { emit(.orderUpdated, ["changed": .array(changedDetails.map(JSONValue.string))]) }

        let cancelled = cancelledNow(before, after)
        if !cancelled.isEmpty {
            emit(.orderCancelled, [
                "reason": after.cancellationReason.map { .string($0.rawValue) },
                "lines": .array(cancelled.map { .object(["sku": .string($0.sku), "quantity": .integer(Int64($0.quantity))]) }),
                "fully_cancelled": .bool(after.status == .cancelled),
            ])
        }
        if before.confirmation != .awaiting, after.confirmation == .awaiting { emit(.orderConfirmationRequested, confirmationFields(after)) }
        if before.confirmation == .awaiting, after.confirmation == .confirmed { emit(.orderConfirmed, confirmationFields(after)) }
        if before.status != after.status {
            emit(.orderStatusChanged, ["from": .string(before.status.rawValue), "to": .string(after.status.rawValue)])
        }

        let previous = Dictionary(uniqueKeysWithValues: before.shipments.map { ($0.id, $0) })
        for shipment in after.shipments {
            guard let old = previous[shipment.id] else {
                emit(.shipmentCreated, ["shipment_id": .string(shipment.id.apiText), "carrier": .string(shipment.carrier),
                                        "tracking_number": .string(shipment.trackingNumber)])
                continue
            }
            if old.status != shipment.status || old.substatus != shipment.substatus {
                emit(.shipmentStatusChanged, [
                    "shipment_id": .string(shipment.id.apiText), "from": .string(old.status.rawValue),
                    "to": .string(shipment.status.rawValue), "substatus": shipment.substatus.map { .string($0.rawValue) },
                ])
            }
        }

        if before.promise == nil, let promise = after.promise { emit(.promiseRecorded, promiseFields(promise)) }
        if before.promise?.outcome == nil, let promise = after.promise, let outcome = promise.outcome {
            var fields = promiseFields(promise)
            fields["delivered_on"] = promise.deliveredOn.map { .string($0.description) }
            fields["missed_after"] = promise.missedAfter.map { .string($0.rawValue) }
            emit(outcome == .kept ? .promiseKept : .promiseMissed, fields)
        }

        let (oldEstimate, newEstimate) = (before.estimate(context: context)?.window, after.estimate(context: context)?.window)
        if let newEstimate, oldEstimate.map({ ($0.earliest, $0.latest) != (newEstimate.earliest, newEstimate.latest) }) ?? true {
            emit(.estimateChanged, [
                "earliest": .string(newEstimate.earliest.description), "latest": .string(newEstimate.latest.description),
                "previous_earliest": oldEstimate.map { .string($0.earliest.description) },
                "previous_latest": oldEstimate.map { .string($0.latest.description) },
            ])
        }
        if before.promiseAtRisk(context: context) != true, after.promiseAtRisk(context: context) == true, let promise = after.promise {
            emit(.promiseAtRisk, [
                "promise_latest": .string(promise.window.latest.description),
                "estimate_latest": newEstimate.map { .string($0.latest.description) },
            ])
        }
        for (type, alert) in AlertEvents.between(before.alert, after.alert) { emit(type, AlertEvents.fields(alert)) }
        for (type, remedy) in RemedyEvents.between(before.remedies, after.remedies) { emit(type, RemedyEvents.fields(remedy)) }
        for (type, fields) in DeliveryExceptionEvents.between(before.deliveryExceptions, after.deliveryExceptions) { emit(type, fields) }
        let earlierReturns = Dictionary(uniqueKeysWithValues: before.returns.map { ($0.id, $0) })
        for record in after.returns {
            if let earlier = earlierReturns[record.id] {
                events += ReturnEvents.moved(from: earlier, to: record, of: after)
            } else {
                events += ReturnEvents.opened(record, of: after)
            }
        }
        return events
    }

    /// Which of the merchant's details of the order differ, by their field names.
    static func detailChanges(_ before: OrderRecord, _ after: OrderRecord) -> [String] {
        var changed: [String] = []
        if before.channel != after.channel { changed.append("channel") }
        if before.customer != after.customer { changed.append("customer") }
        if before.destination != after.destination { changed.append("destination") }
        if before.placedAt != after.placedAt { changed.append("placed_at") }
        if before.currency != after.currency { changed.append("currency") }
        if before.metadata != after.metadata { changed.append("metadata") }
        if before.cashOnDelivery != after.cashOnDelivery { changed.append("cash_on_delivery") }
        let withoutCancellations = { (lines: [OrderLineRecord]) in lines.map { line in
            var line = line
            line.cancelledQuantity = 0
            return line
        } }
        if withoutCancellations(before.lines) != withoutCancellations(after.lines) { changed.append("lines") }
        return changed
    }

    /// Quantities cancelled by this change, per line.
    static func cancelledNow(_ before: OrderRecord, _ after: OrderRecord) -> [LineQuantity] {
        let previously = Dictionary(uniqueKeysWithValues: before.lines.map { ($0.sku, $0.cancelledQuantity) })
        return after.lines.compactMap { line in
            let quantity = line.cancelledQuantity - (previously[line.sku] ?? 0)
            return quantity > 0 ? LineQuantity(sku: line.sku, quantity: quantity) : nil
        }
    }

    /// What the merchant's messaging needs to ask for, or act on, a confirmation.
    private static func confirmationFields(_ order: OrderRecord) -> [String: JSONValue?] {
        ["confirmation": order.confirmation.map { .string($0.rawValue) }, "confirmed_at": order.confirmedAt.map { .string(APITime.text($0)) },
         "subtotal": .integer(Int64(order.subtotal)), "currency": .string(order.currency)]
    }

    private static func promiseFields(_ promise: PromiseRecord) -> [String: JSONValue?] {
        ["earliest": .string(promise.window.earliest.description), "latest": .string(promise.window.latest.description),
         "carrier": .string(promise.carrier), "service_level": .string(promise.serviceLevel)]
    }
}
