import Foundation

/// Why an order has a disruption alert.
public enum AlertReason: String, Sendable, CaseIterable, Codable {
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
    /// The merchant declared a disruption (a storm, a strike) that holds up one of its parcels.
    case declaredDisruption = "declared_disruption"
}

/// How bad it is; an alert only escalates while its problem lasts (`allowed`).
public enum AlertSeverity: String, Sendable, CaseIterable, Comparable, Codable, StateMachine {
    /// Late, and likely to arrive.
    case delay
    /// Held up: a problem the carrier reported, a promise past its day, a parcel long silent.
    case longDelay = "long_delay"
    /// It will not arrive as sent: lost, damaged, or going back.
    case critical

    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Escalation: up, never down. (Once an alert's problem is over it follows the worst one
    /// left, at that one's severity: `AlertRecord.follow`.)
    public static let allowed: [AlertSeverity: Set<AlertSeverity>] = [
        .delay: [.longDelay, .critical],
        .longDelay: [.critical],
        .critical: [],
    ]

    public static let subject = "The alert"
}

/// An order's open disruption alert: one per episode, however many scans say so, escalated as
/// it gets worse and resolved when nothing is wrong any more.
public struct AlertRecord: Sendable, Equatable {
    public var id: UUID
    /// The problem it is about and how bad it is, changed only by `follow`.
    public private(set) var reason: AlertReason
    public private(set) var severity: AlertSeverity
    /// The shipment it is about; nil when it is about the order as a whole.
    public private(set) var shipmentID: UUID?
    public var openedAt: Date
    public private(set) var updatedAt: Date

    public init(id: UUID, reason: AlertReason, severity: AlertSeverity, shipmentID: UUID?, openedAt: Date, updatedAt: Date) {
        (self.id, self.reason, self.severity, self.shipmentID, self.openedAt, self.updatedAt) = (id, reason, severity, shipmentID, openedAt, updatedAt)
    }

    /// Follows `found`, the worst of what is wrong now, when it is another problem, or as bad or
    /// worse: while the alert's own problem lasts, its severity moves only as
    /// `AlertSeverity.allowed` says (a lost parcel stays critical); once that problem is over,
    /// it follows the worst one left at that one's severity. False when it stays as it is.
    mutating func follow(_ found: DisruptionRules.Finding, ownProblemLasts: Bool, now: Date) -> Bool {
        guard found.severity == severity || severity.canMove(to: found.severity) || !ownProblemLasts,
              (found.reason, found.severity, found.shipmentID) != (reason, severity, shipmentID)
        else { return false }
        (reason, severity, shipmentID, updatedAt) = (found.reason, found.severity, found.shipmentID, now)
        return true
    }
}

extension DeliveryWindow {
    /// Whether this estimate puts a promise at risk: it ends after the promise's latest date. The
    /// one rule for `promise_at_risk`, in the service and in the backtest that measures it.
    public func putsAtRisk(_ promised: DeliveryWindow) -> Bool {
        latest > promised.latest
    }
}

public enum DisruptionRules {
    /// What is wrong with the order at `now`, the worst: a parcel going back, lost or damaged
    /// (critical); another carrier exception, a promise breached, or a parcel silent on its way
    /// for twice its threshold, or a failed delivery attempt nobody answered half-way through
    /// the time to choose (long delay); a failed delivery attempt, an estimate past the
    /// promise, a parcel silent for its threshold or a label never scanned (delay). Silence counts
    /// working hours in the promise's time zone (UTC without one). A parcel whose claim against
    /// the carrier the merchant has settled is dealt with. A declared disruption holding the
    /// order up (`OrderRecord.declared`, as `keepAlertInStep` noted it) is a delay, or a long
    /// delay from three extra days. Nil when nothing is wrong.
    public static func finding(in order: OrderRecord, now: Date, context: MerchantContext) -> Finding? {
        findings(in: order, now: now, context: context).max { $0.severity < $1.severity }
    }

    public typealias Finding = (reason: AlertReason, severity: AlertSeverity, shipmentID: UUID?)

    /// Everything `finding` weighs.
    static func findings(in order: OrderRecord, now: Date, context: MerchantContext) -> [Finding] {
        guard order.status != .cancelled, order.status != .delivered else { return [] }
        var findings: [Finding] = []
        for shipment in watchedShipments(of: order) {
            switch (shipment.status, shipment.substatus) {
            case (.returnedToSender, _): findings.append((.returnedToSender, .critical, shipment.id))
            case (.exception, .lost?), (.exception, .damaged?): findings.append((.exception, .critical, shipment.id))
            case (.exception, _): findings.append((.exception, .longDelay, shipment.id))
            case (.attemptedDelivery, _):
                // Nobody has answered the failed attempt half-way through the time to choose.
                let unanswered = order.deliveryExceptions.contains { $0.shipmentID == shipment.id && $0.awaitsChoice && now >= $0.escalatesAt }
                findings.append((.failedAttempt, unanswered ? .longDelay : .delay, shipment.id))
            default:
                guard let silence = silence(of: shipment, in: order, now: now, context: context) else { break }
                if silence.hours >= silence.longDelayAfter {
                    findings.append((silence.reason, .longDelay, shipment.id))
                } else if silence.hours >= silence.delayAfter {
                    findings.append((silence.reason, .delay, shipment.id))
                }
            }
        }
        if let declared = order.declared {
            findings.append((.declaredDisruption, declared.severity, declared.shipmentIDs.first))
        }
        if let promise = order.promise, promise.outcome == nil {
            if now >= breachedAt(promise) {
                findings.append((.promiseBreached, .longDelay, nil))
            } else if let estimate = order.estimate(context: context), estimate.window.putsAtRisk(promise.window) {
                // (`OrderRecord.promiseAtRisk(context:)` also counts troubled parcels, which are findings of their own.)
                findings.append((.promiseAtRisk, .delay, nil))
            }
        }
        return findings
    }

    /// When time alone could next change what `finding` says: the earliest moment a quiet parcel
    /// could cross a threshold, or the promise's last day ends. Working hours never run faster
    /// than the clock, so the moment is never late; a check that finds a threshold not reached
    /// yet (a weekend came between) sets the next one further on. Whole seconds, as stored. Nil
    /// when time alone can change nothing.
    public static func nextCheck(for order: OrderRecord, now: Date, context: MerchantContext) -> Date? {
        guard order.status != .cancelled, order.status != .delivered else { return nil }
        var moments: [Date] = []
        for shipment in watchedShipments(of: order) {
            guard let silence = silence(of: shipment, in: order, now: now, context: context) else { continue }
            if let next = [silence.delayAfter, silence.longDelayAfter].first(where: { $0.isFinite && $0 > silence.hours }) {
                moments.append(now.addingTimeInterval((next - silence.hours) * 3600))
            }
        }
        if let promise = order.promise, promise.outcome == nil, case let breach = breachedAt(promise), breach > now {
            moments.append(breach)
        }
        // A failed attempt nobody answers escalates, then takes the merchant's default action.
        for exception in order.deliveryExceptions where exception.awaitsChoice {
            moments += [exception.escalatesAt, exception.respondBy].filter { $0 > now }
        }
        let waiting = waitingShipments(of: order)
        for disruption in context.declaredDisruptions where waiting.contains(where: { disruption.scope.matches($0, of: order) }) {
            if let change = disruption.nextChange(after: now) { moments.append(change) }
        }
        return moments.min().map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.up)) }
    }

    /// The declared disruption active at `now` that holds up the order's parcels still on the
    /// way (the one with the most extra days when several do), with the parcels it holds up.
    public static func declaredDelay(in order: OrderRecord, now: Date, context: MerchantContext) -> DeclaredDelay? {
        context.declaredDisruptions.filter { $0.status(at: now) == .active }
            .compactMap { disruption -> DeclaredDelay? in
                let held = parcels(heldBy: disruption, in: order, now: now)
                guard !held.isEmpty else { return nil }
                return DeclaredDelay(disruption, holding: held)
            }
            .max { ($0.extraDays, $0.disruptionID.uuidString) < ($1.extraDays, $1.disruptionID.uuidString) }
    }

    /// The order's parcels still on their way in the disruption's scope: those it holds up while
    /// active (and will from its start, as things stand, while scheduled); none once it has
    /// ended, or for a delivered or cancelled order.
    public static func parcels(heldBy disruption: DeclaredDisruption, in order: OrderRecord, now: Date) -> [UUID] {
        guard disruption.status(at: now) != .resolved, order.status != .cancelled, order.status != .delivered else { return [] }
        return waitingShipments(of: order).filter { disruption.scope.matches($0, of: order) }.map(\.id)
    }

    /// The watched parcels still on their way.
    private static func waitingShipments(of order: OrderRecord) -> [ShipmentRecord] {
        watchedShipments(of: order).filter { $0.status != .delivered }
    }

    /// The shipments whose trouble is the order's: counted, and without a settled claim.
    private static func watchedShipments(of order: OrderRecord) -> [ShipmentRecord] {
        let settled = Set(order.returns.filter { $0.kind.isClaim && $0.money != .pending }.compactMap(\.shipmentID))
        return order.countedShipments.filter { !settled.contains($0.id) }
    }

    /// How long a parcel the carrier has not reported on has been quiet, in working hours (counted
    /// no further than its long-delay threshold), and its thresholds (the merchant's for its
    /// carrier service and status); nil for a parcel not waiting on the carrier. A label waits on
    /// the location's working days, a parcel on its way on its carrier's delivery days.
    private static func silence(of shipment: ShipmentRecord, in order: OrderRecord, now: Date, context: MerchantContext)
        -> (reason: AlertReason, hours: Double, delayAfter: Double, longDelayAfter: Double)? {
        let timeZone = order.promise?.timeZone ?? TimeZone(identifier: "UTC")!
        let thresholds = (context.disruptionSettings ?? .standard).thresholds(for: shipment)
        let lastScan = shipment.events.map(\.occurredAt).max() ?? shipment.createdAt
        let (reason, since, delayAfter, calendar): (AlertReason, Date, Int, WorkCalendar)
        switch shipment.status {
        case .pending, .infoReceived:
            (reason, since, delayAfter, calendar) = (.forgottenParcel, shipment.createdAt, thresholds.labelCreatedHours, context.silenceCalendars.forLabel())
        case .inTransit: (reason, since, delayAfter, calendar) = (.noScan, lastScan, thresholds.inTransitHours, context.silenceCalendars.onTheWay(shipment))
        case .outForDelivery:
            (reason, since, delayAfter, calendar) = (.noScan, lastScan, thresholds.outForDeliveryHours, context.silenceCalendars.onTheWay(shipment))
        default: return nil
        }
        // A label never scanned stays a delay; a parcel silent on its way becomes a long delay at twice its threshold.
        let longDelayAfter = reason == .noScan ? 2 * Double(delayAfter) : .infinity
        let hours = calendar.openHours(from: since, to: now, in: timeZone, atMost: 2 * Double(delayAfter))
        return (reason, hours, Double(delayAfter), longDelayAfter)
    }

    /// The end of the promise's last day, in its time zone.
    private static func breachedAt(_ promise: PromiseRecord) -> Date {
        promise.window.latest.adding(days: 1).instant(atMinute: 0, in: promise.timeZone)
    }
}

extension OrderRecord {
    /// Keeps the order's alert in step with what is wrong now: opens one when something is; when
    /// something worse or as bad is found, the alert follows it (escalating when worse; never down
    /// while its own problem lasts: a lost parcel stays critical; once that problem is over, it
    /// follows the worst one left, without an event); resolves it when nothing is wrong any
    /// more (scans resumed, delivered, cancelled, the claim settled, the declared disruption
    /// over). First notes the declared disruption holding the order up (its extra days are in
    /// the estimate, which the promise rules read); then offers a remedy for the alert when the
    /// merchant's rules say so; last sets when time alone should next check the order.
    public mutating func keepAlertInStep(now: Date, newID: UUID, context: MerchantContext) {
        let before = alert
        declared = DisruptionRules.declaredDelay(in: self, now: now, context: context)
        let findings = DisruptionRules.findings(in: self, now: now, context: context)
        switch (alert, findings.max { $0.severity < $1.severity }) {
        case (nil, nil): break
        case (nil, let found?):
            alert = AlertRecord(id: newID, reason: found.reason, severity: found.severity, shipmentID: found.shipmentID, openedAt: now, updatedAt: now)
        case (_?, nil):
            alert = nil
        case (var open?, let found?):
            let lasts = findings.contains { ($0.reason, $0.shipmentID) == (open.reason, open.shipmentID) }
            if open.follow(found, ownProblemLasts: lasts, now: now) { alert = open }
        }
        if let alert, before.map({ $0.id != alert.id || alert.severity > $0.severity }) ?? true {
            offerRemedy(now: now, newID: UUID.random(), context: context)
        }
        disruptionCheckAt = DisruptionRules.nextCheck(for: self, now: now, context: context)
    }
}

/// The events of an order's alert: opened, escalated (worse), resolved. (An alert that only
/// follows another problem as bad keeps its severity, and says so in the document, without an event.)
enum AlertEvents {
    static func between(_ before: AlertRecord?, _ after: AlertRecord?) -> [(EventType, AlertRecord)] {
        switch (before, after) {
        case (nil, nil): []
        case (nil, let opened?): [(.alertOpened, opened)]
        case (let resolved?, nil): [(.alertResolved, resolved)]
        case (let old?, let new?): new.severity > old.severity ? [(.alertEscalated, new)] : []
        }
    }

    static func fields(_ alert: AlertRecord) -> [String: JSONValue?] {
        ["alert_id": .string(alert.id.apiText), "reason": .string(alert.reason.rawValue), "severity": .string(alert.severity.rawValue),
         "shipment_id": alert.shipmentID.map { .string($0.apiText) }]
    }
}
