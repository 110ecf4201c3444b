import Foundation

/// Why an order has a disruption alert.
public enum AlertReason: String, Sendable, CaseIterable {
    /// A label was created and the carrier never scanned the parcel.
    case forgottenParcel = "forgotten_parcel"
    /// The parcel is on its way and the carrier has said nothing for too long.
    case noScan = "no_scan"
    /// The live estimate ends after the promised latest date.
    case promiseAtRisk = "promise_at_risk"
    /// The promised latest date has passed and not everything was delivered.
    case promiseBreached = "promise_breached"
    /// The carrier reported a problem (weather, customs, an address problem, damage, loss).
    case exception
    case failedAttempt = "failed_attempt"
    case returnedToSender = "returned_to_sender"
}

/// How bad it is; an alert only ever escalates.
public enum AlertSeverity: String, Sendable, CaseIterable, Comparable {
    /// Late, and likely to arrive.
    case delay
    /// Held up by a problem the carrier reported.
    case longDelay = "long_delay"
    /// It will not arrive as sent: lost, damaged, or going back.
    case critical

    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// An order's open disruption alert: one per episode, however many scans say so, escalated as
/// it gets worse and resolved when nothing is wrong any more.
public struct AlertRecord: Sendable, Equatable {
    public var id: UUID
    public var reason: AlertReason
    public var severity: AlertSeverity
    /// The shipment it is about; nil when it is about the order as a whole.
    public var shipmentID: UUID?
    public var openedAt: Date
    public var updatedAt: Date

    public init(id: UUID, reason: AlertReason, severity: AlertSeverity, shipmentID: UUID?, openedAt: Date, updatedAt: Date) {
        (self.id, self.reason, self.severity, self.shipmentID, self.openedAt, self.updatedAt) = (id, reason, severity, shipmentID, openedAt, updatedAt)
    }
}

public enum DisruptionRules {
    /// What is wrong with the order at `now`, the worst: a parcel going back, lost or damaged
    /// (critical); another carrier exception, a promise breached, or a parcel silent on its way
    /// for twice its threshold (long delay); a failed delivery attempt, an estimate past the
    /// promise, a parcel silent for its threshold or a label never scanned (delay). Silence counts
    /// working hours in the promise's time zone (UTC without one). Nil when nothing is wrong.
    public static func finding(in order: OrderRecord, now: Date, thresholds: DisruptionThresholds = .standard)
        -> (reason: AlertReason, severity: AlertSeverity, shipmentID: UUID?)? {
        guard order.status != .cancelled, order.status != .delivered else { return nil }
        let timeZone = order.promise?.timeZone ?? TimeZone(identifier: "UTC")!
        func silentHours(since moment: Date) -> Double { thresholds.calendar.openHours(from: moment, to: now, in: timeZone) }
        var findings: [(reason: AlertReason, severity: AlertSeverity, shipmentID: UUID?)] = []
        for shipment in order.countedShipments {
            switch (shipment.status, shipment.substatus) {
            case (.returnedToSender, _): findings.append((.returnedToSender, .critical, shipment.id))
            case (.exception, .lost?), (.exception, .damaged?): findings.append((.exception, .critical, shipment.id))
            case (.exception, _): findings.append((.exception, .longDelay, shipment.id))
            case (.attemptedDelivery, _): findings.append((.failedAttempt, .delay, shipment.id))
            case (.pending, _), (.infoReceived, _):
                if silentHours(since: shipment.createdAt) >= thresholds.labelWithoutScanHours {
                    findings.append((.forgottenParcel, .delay, shipment.id))
                }
            case (.inTransit, _), (.outForDelivery, _):
                let lastScan = shipment.events.map(\.occurredAt).max() ?? shipment.createdAt
                let silent = silentHours(since: lastScan)
                if silent >= 2 * thresholds.silentInTransitHours {
                    findings.append((.noScan, .longDelay, shipment.id))
                } else if silent >= thresholds.silentInTransitHours {
                    findings.append((.noScan, .delay, shipment.id))
                }
            default: break
            }
        }
        if let promise = order.promise {
            if LocalDate(now, in: promise.timeZone) > promise.window.latest {
                findings.append((.promiseBreached, .longDelay, nil))
            } else if let estimate = order.estimate, estimate.window.latest > promise.window.latest {
                findings.append((.promiseAtRisk, .delay, nil))
            }
        }
        return findings.max { $0.severity < $1.severity }
    }
}

extension OrderRecord {
    /// Keeps the order's alert in step with what is wrong now: opens one when something is,
    /// escalates it when it gets worse (never down: a critical parcel stays critical until
    /// resolved), and resolves it when nothing is wrong any more (scans resumed, delivered,
    /// cancelled).
    public mutating func keepAlertInStep(now: Date, newID: UUID) {
        let finding = DisruptionRules.finding(in: self, now: now)
        switch (alert, finding) {
        case (nil, nil): break
        case (nil, let found?):
            alert = AlertRecord(id: newID, reason: found.reason, severity: found.severity, shipmentID: found.shipmentID, openedAt: now, updatedAt: now)
        case (_?, nil):
            alert = nil
        case (let open?, let found?):
            guard found.severity > open.severity else { return }
            alert = AlertRecord(id: open.id, reason: found.reason, severity: found.severity, shipmentID: found.shipmentID,
                                openedAt: open.openedAt, updatedAt: now)
        }
    }
}

/// The events of an order's alert: opened, escalated, resolved.
enum AlertEvents {
    static func between(_ before: AlertRecord?, _ after: AlertRecord?) -> [(EventType, AlertRecord)] {
        switch (before, after) {
        case (nil, nil): []
        case (nil, let opened?): [(.alertOpened, opened)]
        case (let resolved?, nil): [(.alertResolved, resolved)]
        case (let old?, let new?) where old.id != new.id: [(.alertResolved, old), (.alertOpened, new)]
        case (let old?, let new?): old.severity != new.severity ? [(.alertEscalated, new)] : []
        }
    }

    static func fields(_ alert: AlertRecord) -> [String: JSONValue?] {
        ["alert_id": .string(alert.id.apiText), "reason": .string(alert.reason.rawValue), "severity": .string(alert.severity.rawValue),
         "shipment_id": alert.shipmentID.map { .string($0.apiText) }]
    }
}
