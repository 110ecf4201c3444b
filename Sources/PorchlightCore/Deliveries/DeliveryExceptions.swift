import Foundation

/// Why a delivery attempt failed, in one taxonomy whatever the carrier said.
public enum DeliveryExceptionReason: String, Sendable, Codable, CaseIterable {
    case customerUnavailable = "customer_unavailable"
    case addressProblem = "address_problem"
    case refused
    case paymentOrID = "payment_or_id"
    case accessProblem = "access_problem"
    case carrierProblem = "carrier_problem"

    /// From the substatus the carrier's scan was normalised to; a failure the carrier did not
    /// explain is the carrier's.
    public init(_ substatus: TrackingSubstatus?) {
        self = switch substatus {
        case .recipientUnavailable?: .customerUnavailable
        case .addressIssue?: .addressProblem
        case .refused?: .refused
        case .paymentDue?, .idRequired?: .paymentOrID
        case .accessProblem?: .accessProblem
        case .weatherDelay?, .carrierDelay?, .customsHold?, .heldAtFacility?, .damaged?, .lost?, .deliveredToNeighbour?,
             .deliveredToSafePlace?, .deliveredToPickupPoint?, .signedFor?, .other?, nil: .carrierProblem
        }
    }

    /// What may fix a failure of this kind: a wrong address needs another one (a plain
    /// reattempt would fail again), a refusal can only be undone by coming again or going back.
    public var remedies: [DeliveryActionKind] {
        switch self {
        case .customerUnavailable: [.reattempt, .instructions, .pickupPoint, .returnToSender]
        case .addressProblem: [.addressChange, .instructions, .pickupPoint, .returnToSender]
        case .refused: [.reattempt, .returnToSender]
        case .paymentOrID: [.reattempt, .pickupPoint, .returnToSender]
        case .accessProblem: [.instructions, .reattempt, .pickupPoint, .returnToSender]
        case .carrierProblem: [.reattempt, .pickupPoint, .returnToSender]
        }
    }
}

/// Who asked for an action.
public enum DeliveryActionSource: String, Sendable, Codable, CaseIterable {
    case customer, merchant
    /// Nobody chose within the window: the merchant's default action.
    case `default`
}

/// What the customer (or merchant) asks the carrier to do; exactly the field its kind needs.
public struct DeliveryActionRequest: Sendable, Equatable {
    public var kind: DeliveryActionKind
    public var date: LocalDate?
    public var instructions: String?
    public var address: Address?
    public var pickupPointID: String?

    public init(kind: DeliveryActionKind, date: LocalDate? = nil, instructions: String? = nil, address: Address? = nil, pickupPointID: String? = nil) {
        (self.kind, self.date, self.instructions, self.address, self.pickupPointID) = (kind, date, instructions, address, pickupPointID)
    }

    public static let maxInstructions = 250
    /// How sure an estimate on the day the carrier was asked to come is: carriers book the day
    /// asked for, but Porchlight has no outcomes yet to learn how often they keep it.
    public static let chosenDayConfidence = 0.8
}

/// One action asked of the carrier, and what the carrier made of it.
public struct DeliveryActionRecord: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Waiting for the carrier integration to pass it on.
        case requested
        /// The carrier took it, with its reference.
        case acknowledged
        /// The carrier could not do it; the customer may choose again.
        case failed
        /// Not passed on before the parcel was delivered, sent back or attempted again: nothing
        /// left for the carrier to do.
        case withdrawn
    }

    public var id: UUID
    public var request: DeliveryActionRequest
    public var source: DeliveryActionSource
    public var requestedAt: Date
    public var status: Status
    public var carrierReference: String?
    public var failureReason: String?
    public var updatedAt: Date

    public init(id: UUID, request: DeliveryActionRequest, source: DeliveryActionSource, requestedAt: Date, status: Status,
                carrierReference: String?, failureReason: String?, updatedAt: Date) {
        (self.id, self.request, self.source, self.requestedAt, self.status) = (id, request, source, requestedAt, status)
        (self.carrierReference, self.failureReason, self.updatedAt) = (carrierReference, failureReason, updatedAt)
    }

    public static let maxReference = 100
    public static let maxFailureReason = 500
}

/// A failed delivery attempt: opened by the carrier's scan, answered by one action at a time,
/// closed by what the parcel does next.
public struct DeliveryExceptionRecord: Sendable, Equatable {
    public enum Closure: String, Sendable, Codable, CaseIterable {
        case delivered
        case returnedToSender = "returned_to_sender"
        /// Another attempt failed: that one has its own exception.
        case nextAttempt = "next_attempt"
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Waiting for the customer's choice.
        case open
        case actionRequested = "action_requested"
        case actionAcknowledged = "action_acknowledged"
        case closed
    }

    public var id: UUID
    public var shipmentID: UUID
    /// The tracking event of the failed attempt: one exception per attempt.
    public var attemptEventID: UUID
    public var reason: DeliveryExceptionReason
    public var attemptedAt: Date
    public var openedAt: Date
    /// When the choice ends and the merchant's default action is taken.
    public var respondBy: Date
    /// When an unanswered exception makes its alert worse: half-way through the window.
    public var escalatesAt: Date
    /// Oldest first; at most one not failed.
    public var actions: [DeliveryActionRecord]
    public var closedAt: Date?
    public var closure: Closure?

    public init(id: UUID, shipmentID: UUID, attemptEventID: UUID, reason: DeliveryExceptionReason, attemptedAt: Date, openedAt: Date,
                respondBy: Date, escalatesAt: Date, actions: [DeliveryActionRecord], closedAt: Date?, closure: Closure?) {
        (self.id, self.shipmentID, self.attemptEventID, self.reason, self.attemptedAt) = (id, shipmentID, attemptEventID, reason, attemptedAt)
        (self.openedAt, self.respondBy, self.escalatesAt, self.actions, self.closedAt, self.closure)
            = (openedAt, respondBy, escalatesAt, actions, closedAt, closure)
    }

    /// The action in force: the last one, unless the carrier failed it or it was withdrawn.
    public var liveAction: DeliveryActionRecord? {
        actions.last.flatMap { $0.status == .requested || $0.status == .acknowledged ? $0 : nil }
    }

    public var status: Status {
        if closure != nil { return .closed }
        return switch liveAction?.status {
        case .requested?: .actionRequested
        case .acknowledged?: .actionAcknowledged
        case .failed?, .withdrawn?, nil: .open
        }
    }

    /// Open and nobody has answered it: what escalates and expires.
    var awaitsChoice: Bool { status == .open }
}

/// The choices open to whoever answers an exception now.
public struct DeliveryChoices: Sendable, Equatable {
    /// The kinds that may be asked for: those that fix the reason, that the carrier service
    /// takes, and that the proof allows; none once the window has closed or an action is in force.
    public var kinds: [DeliveryActionKind]
    /// Days a reattempt may be asked for: the carrier's delivery days from tomorrow (in the
    /// destination's time zone), for the merchant's `reattempt_days`.
    public var dates: [LocalDate]
    /// The merchant's pick-up points in the destination's country, when `pickup_point` is open.
    public var pickupPoints: [PickupPoint]

    public static let nothing = DeliveryChoices(kinds: [], dates: [], pickupPoints: [])
}

extension OrderRecord {
    /// Regret before dispatch: the customer may cancel the order themselves when the merchant
    /// lets them, within its minutes of the order being placed, and until a parcel is handed to
    /// the carrier (its first carrier scan). Throws the conflict that says which it is not.
    public func checkCustomerMayCancel(now: Date, context: MerchantContext) throws(DomainError) {
        let minutes = context.deliveryRules.selfCancelMinutes
        guard minutes > 0 else { throw .conflict("This shop does not let customers cancel orders themselves: ask the shop.") }
        let until = placedAt.addingTimeInterval(Double(minutes) * 60)
        guard now < until else { throw .conflict("The time to cancel this order ended at \(APITime.text(until)).") }
        guard !shipments.contains(where: { $0.shippedAt != nil }) else {
            throw .conflict("A parcel of this order is already with the carrier: once it arrives, it can be returned.")
        }
    }

    /// Opens an exception for a shipment's latest failed attempt (one per attempt, never for an
    /// attempt a delivery or a return to sender has overtaken), closing the shipment's previous
    /// one; closes open ones once their parcel is delivered or on its way back; and takes the
    /// merchant's default action for an exception nobody answered in time (once: if the carrier
    /// fails that too, the merchant decides).
    public mutating func keepDeliveryExceptionsInStep(now: Date, newID: () -> UUID, context: MerchantContext) {
        for shipment in countedShipments {
            let closure: DeliveryExceptionRecord.Closure? = switch shipment.status {
            case .delivered: .delivered
            case .returnedToSender: .returnedToSender
            default: nil
            }
            if let closure {
                close(exceptionsOf: shipment.id, as: closure, now: now)
                continue
            }
            guard let attempt = shipment.events.filter({ $0.status == .attemptedDelivery }).max(by: { $0.occurredAt < $1.occurredAt }),
                  !deliveryExceptions.contains(where: { $0.attemptEventID == attempt.id }),
                  deliveryExceptions.filter({ $0.shipmentID == shipment.id }).allSatisfy({ $0.attemptedAt < attempt.occurredAt })
            else { continue }
            close(exceptionsOf: shipment.id, as: .nextAttempt, now: now)
            let window = choiceWindow(from: now, context: context)
            deliveryExceptions.append(DeliveryExceptionRecord(
                id: newID(), shipmentID: shipment.id, attemptEventID: attempt.id, reason: DeliveryExceptionReason(attempt.substatus),
                attemptedAt: attempt.occurredAt, openedAt: now, respondBy: window.respondBy, escalatesAt: window.escalatesAt,
                actions: [], closedAt: nil, closure: nil))
        }
        for index in deliveryExceptions.indices where deliveryExceptions[index].awaitsChoice && now >= deliveryExceptions[index].respondBy
            && !deliveryExceptions[index].actions.contains(where: { $0.source == .default }) {
            takeDefaultAction(at: index, now: now, id: newID(), context: context)
        }
    }

    /// The time to choose from `start`: `action_window_hours` of working hours in the destination,
    /// and half of them for when an unanswered exception escalates its alert.
    private func choiceWindow(from start: Date, context: MerchantContext) -> (respondBy: Date, escalatesAt: Date) {
        let (timeZone, hours) = (Countries.timeZone(of: destination.country), Double(context.deliveryRules.actionWindowHours))
        let workingDays = destinationWorkingDays(around: start)
        return (workingDays.instant(afterOpenHours: hours, from: start, in: timeZone).wholeSeconds,
                workingDays.instant(afterOpenHours: hours / 2, from: start, in: timeZone).wholeSeconds)
    }

    /// Closes the shipment's open exceptions; an action not yet passed on is withdrawn, since
    /// the parcel has moved on without it.
    private mutating func close(exceptionsOf shipmentID: UUID, as closure: DeliveryExceptionRecord.Closure, now: Date) {
        for index in deliveryExceptions.indices where deliveryExceptions[index].shipmentID == shipmentID && deliveryExceptions[index].closure == nil {
            (deliveryExceptions[index].closure, deliveryExceptions[index].closedAt) = (closure, now)
            for position in deliveryExceptions[index].actions.indices where deliveryExceptions[index].actions[position].status == .requested {
                (deliveryExceptions[index].actions[position].status, deliveryExceptions[index].actions[position].updatedAt) = (.withdrawn, now)
            }
        }
    }

    /// The merchant's default, among what the reason and the carrier service allow: a reattempt
    /// on the first day offered when the merchant chose that and it is open, else back to the
    /// merchant when that is; when neither is, nothing (the merchant decides).
    private mutating func takeDefaultAction(at index: Int, now: Date, id: UUID, context: MerchantContext) {
        let exception = deliveryExceptions[index]
        let open = choices(for: exception, proof: nil, now: now, context: context)
        let request: DeliveryActionRequest
        if context.deliveryRules.defaultAction == .reattempt, open.kinds.contains(.reattempt), let first = open.dates.first {
            request = DeliveryActionRequest(kind: .reattempt, date: first)
        } else if open.kinds.contains(.returnToSender) {
            request = DeliveryActionRequest(kind: .returnToSender)
        } else {
            return
        }
        deliveryExceptions[index].actions.append(DeliveryActionRecord(
            id: id, request: request, source: .default, requestedAt: now, status: .requested, carrierReference: nil, failureReason: nil, updatedAt: now))
        followAction(request, shipmentID: exception.shipmentID, now: now, context: context)
    }

    /// What may be asked now of this exception, by someone with this proof (nil: the merchant);
    /// nil for an exception the order does not have.
    public func deliveryChoices(_ exceptionID: UUID, proof: CustomerProof?, now: Date, context: MerchantContext) -> DeliveryChoices? {
        guard let exception = deliveryExceptions.first(where: { $0.id == exceptionID }) else { return nil }
        guard exception.awaitsChoice, now < exception.respondBy else { return .nothing }
        return choices(for: exception, proof: proof, now: now, context: context)
    }

    /// The kinds that fix the exception's reason, that its carrier service takes and that the
    /// proof allows, with their days and pick-up points, whatever the time to choose says.
    private func choices(for exception: DeliveryExceptionRecord, proof: CustomerProof?, now: Date, context: MerchantContext) -> DeliveryChoices {
        let supported = carrierActions(for: exception.shipmentID, context: context)
        let points = context.deliveryRules.pickupPoints.filter { $0.address.country == destination.country }
        let dates = reattemptDates(for: exception.shipmentID, now: now, context: context)
        let kinds = exception.reason.remedies.filter { kind in
            supported.contains(kind) && (proof.map(kind.allowed(for:)) ?? true)
                && (kind != .pickupPoint || !points.isEmpty) && (kind == .returnToSender || kind == .pickupPoint || !dates.isEmpty)
        }
        return DeliveryChoices(kinds: kinds, dates: dates, pickupPoints: kinds.contains(.pickupPoint) ? points : [])
    }

    /// Asks the carrier, through the merchant's integration, to do one thing about a failed
    /// attempt: exactly one action in force per exception (the same request again changes
    /// nothing; another is a conflict until the carrier fails the first), within the window,
    /// among the choices open to this proof (nil: the merchant). Returns the action.
    @discardableResult
    public mutating func requestDeliveryAction(_ request: DeliveryActionRequest, exception exceptionID: UUID, source: DeliveryActionSource,
                                               proof: CustomerProof?, now: Date, id: UUID,
                                               context: MerchantContext) throws(DomainError) -> DeliveryActionRecord {
        guard let index = deliveryExceptions.firstIndex(where: { $0.id == exceptionID }) else {
            throw .notFound("No delivery exception with id \(exceptionID.apiText) on this order.")
        }
        let exception = deliveryExceptions[index]
        if let live = exception.liveAction {
            guard live.request == request else {
                throw .conflict("An action was already asked for (\(live.request.kind.rawValue), \(live.status.rawValue)); one action is in force at a time.")
            }
            return live
        }
        if let closure = exception.closure { throw .conflict("This delivery exception is closed (\(closure.rawValue)).") }
        guard now < exception.respondBy else { throw .conflict("The time to choose ended at \(APITime.text(exception.respondBy)).") }
        let choices = choices(for: exception, proof: proof, now: now, context: context)
        var v = Validator()
        v.check(choices.kinds.contains(request.kind), "kind",
                "must be one of the actions open to this parcel: " + choices.kinds.map(\.rawValue).joined(separator: ", "))
        func only(_ present: Bool, _ field: String, for kind: DeliveryActionKind) {
            if request.kind == kind { v.check(present, field, "is required for \(kind.rawValue)") } else { v.check(!present, field, "is only for \(kind.rawValue)") }
        }
        only(request.date != nil, "date", for: .reattempt)
        only(request.instructions != nil, "instructions", for: .instructions)
        only(request.address != nil, "address", for: .addressChange)
        only(request.pickupPointID != nil, "pickup_point_id", for: .pickupPoint)
        if let date = request.date, request.kind == .reattempt {
            v.check(choices.dates.contains(date), "date", "must be a day the carrier delivers in the next \(context.deliveryRules.reattemptDays) days: "
                    + choices.dates.map(\.description).joined(separator: ", "))
        }
        v.text(request.instructions, "instructions", min: 1, max: DeliveryActionRequest.maxInstructions)
        if let address = request.address {
            DeliveryAddress.check(address, "address", in: &v)
            v.check(address.country == destination.country, "address.country", "must be \(destination.country): a parcel is redirected within its country")
        }
        if let point = request.pickupPointID, request.kind == .pickupPoint {
            v.check(choices.pickupPoints.contains { $0.id == point }, "pickup_point_id",
                    "must be one of the merchant's pick-up points: " + choices.pickupPoints.map(\.id).joined(separator: ", "))
        }
        try v.finish()
        let action = DeliveryActionRecord(id: id, request: request, source: source, requestedAt: now, status: .requested,
                                          carrierReference: nil, failureReason: nil, updatedAt: now)
        deliveryExceptions[index].actions.append(action)
        followAction(request, shipmentID: exception.shipmentID, now: now, context: context)
        return action
    }

    /// The carrier integration passed the action on: with the carrier's reference, once (the
    /// same again changes nothing).
    public mutating func acknowledgeDeliveryAction(_ actionID: UUID, reference: String, now: Date) throws(DomainError) {
        var v = Validator()
        v.text(reference, "carrier_reference", min: 1, max: DeliveryActionRecord.maxReference)
        try v.finish()
        try changeAction(actionID) { action throws(DomainError) in
            switch action.status {
            case .acknowledged where action.carrierReference == reference: return
            case .requested: break
            case .acknowledged, .failed, .withdrawn:
                throw .conflict("This action is \(action.status.rawValue); only a requested action can be acknowledged.")
            }
            (action.status, action.carrierReference, action.updatedAt) = (.acknowledged, reference, now)
        }
    }

    /// The carrier could not do it: the customer may choose again, with at least a new window
    /// from now when the first one has passed.
    public mutating func failDeliveryAction(_ actionID: UUID, reason: String, now: Date, context: MerchantContext) throws(DomainError) {
        var v = Validator()
        v.text(reason, "reason", min: 1, max: DeliveryActionRecord.maxFailureReason)
        try v.finish()
        let exceptionIndex = try changeAction(actionID) { action throws(DomainError) in
            switch action.status {
            case .failed where action.failureReason == reason: return
            case .requested, .acknowledged: break
            case .failed, .withdrawn: throw .conflict("This action is \(action.status.rawValue) already.")
            }
            (action.status, action.failureReason, action.updatedAt) = (.failed, reason, now)
        }
        let exception = deliveryExceptions[exceptionIndex]
        // The day the carrier refused is no estimate any more.
        if let index = shipments.firstIndex(where: { $0.id == exception.shipmentID }), shipments[index].estimate?.basis == .customerChoice {
            shipments[index].estimate = nil
        }
        if exception.closure == nil, exception.respondBy <= now {
            (deliveryExceptions[exceptionIndex].respondBy, deliveryExceptions[exceptionIndex].escalatesAt)
                = choiceWindow(from: now, context: context)
        }
    }

    @discardableResult
    private mutating func changeAction(_ actionID: UUID, _ change: (inout DeliveryActionRecord) throws(DomainError) -> Void) throws(DomainError) -> Int {
        for index in deliveryExceptions.indices {
            guard let position = deliveryExceptions[index].actions.firstIndex(where: { $0.id == actionID }) else { continue }
            try change(&deliveryExceptions[index].actions[position])
            return index
        }
        throw .notFound("No delivery action with id \(actionID.apiText).")
    }

    /// The estimate follows the choice: a reattempt arrives on its day; new instructions or a
    /// new address on the carrier's next delivery day; a pick-up point a delivery day later; a
    /// parcel going back has no arrival estimate.
    private mutating func followAction(_ request: DeliveryActionRequest, shipmentID: UUID, now: Date, context: MerchantContext) {
        guard let index = shipments.firstIndex(where: { $0.id == shipmentID }) else { return }
        let next = reattemptDates(for: shipmentID, now: now, context: context)
        let day: LocalDate? = switch request.kind {
        case .reattempt: request.date
        case .instructions, .addressChange: next.first
        case .pickupPoint: next.dropFirst().first ?? next.first
        case .returnToSender: nil
        }
        shipments[index].estimate = day.map {
            ShipmentEstimate(window: DeliveryWindow(earliest: $0, latest: $0, confidence: DeliveryActionRequest.chosenDayConfidence), basis: .customerChoice, estimatedAt: now)
        }
    }

    /// The carrier's delivery days from tomorrow for the merchant's `reattempt_days`, in the
    /// destination's time zone, less its public holidays.
    func reattemptDates(for shipmentID: UUID, now: Date, context: MerchantContext) -> [LocalDate] {
        guard let shipment = shipments.first(where: { $0.id == shipmentID }) else { return [] }
        let today = LocalDate(now, in: Countries.timeZone(of: destination.country))
        let days = WorkCalendar(days: context.silenceCalendars.deliveryCalendar(of: shipment).days,
                                holidays: destinationWorkingDays(around: now).holidays)
        return (0..<max(0, context.deliveryRules.reattemptDays)).map { today.adding(days: $0 + 1) }.filter(days.isOpen)
    }

    /// What the carrier service of this shipment takes (every kind, until the merchant says).
    func carrierActions(for shipmentID: UUID, context: MerchantContext) -> Set<DeliveryActionKind> {
        guard let shipment = shipments.first(where: { $0.id == shipmentID }) else { return [] }
        return context.carrierDeliveryActions[SilenceCalendars.key(carrier: shipment.carrier, serviceLevel: shipment.serviceLevel ?? "")]
            ?? Set(DeliveryActionKind.allCases)
    }

    /// Monday to Friday in the destination, less its public holidays this year and next.
    private func destinationWorkingDays(around now: Date) -> WorkCalendar {
        let year = LocalDate(now, in: Countries.timeZone(of: destination.country)).components.year
        return WorkCalendar(days: Weekday.mondayToFriday, holidays: PublicHolidays.dates(country: destination.country, years: year...(year + 1)))
    }
}

extension WorkCalendar {
    /// The instant `hours` open hours after `start`, open days counting whole (midnight to
    /// midnight) in the time zone: the inverse of `openHours(from:to:in:)`.
    public func instant(afterOpenHours hours: Double, from start: Date, in timeZone: TimeZone) -> Date {
        var remaining = hours * 3600
        var day = LocalDate(start, in: timeZone)
        for _ in 0..<3660 {
            let closes = day.adding(days: 1).instant(atMinute: 0, in: timeZone)
            if isOpen(day) {
                let from = max(start, day.instant(atMinute: 0, in: timeZone))
                let available = closes.timeIntervalSince(from)
                if available >= remaining { return from.addingTimeInterval(remaining) }
                remaining -= max(0, available)
            }
            day = day.adding(days: 1)
        }
        return start.addingTimeInterval(hours * 3600)
    }
}

extension Date {
    /// Rounded up to a whole second, as deadlines are stored and shown.
    var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.up)) }
}

/// The events of an order's delivery exceptions and their actions.
enum DeliveryExceptionEvents {
    static func between(_ before: [DeliveryExceptionRecord], _ after: [DeliveryExceptionRecord]) -> [(EventType, [String: JSONValue?])] {
        let previous = Dictionary(uniqueKeysWithValues: before.map { ($0.id, $0) })
        return after.flatMap { exception -> [(EventType, [String: JSONValue?])] in
            let old = previous[exception.id]
            var events: [(EventType, [String: JSONValue?])] = []
            if old == nil { events.append((.deliveryExceptionOpened, fields(exception))) }
            let oldActions = Dictionary(uniqueKeysWithValues: (old?.actions ?? []).map { ($0.id, $0) })
            for action in exception.actions where oldActions[action.id]?.status != action.status {
                // A withdrawn action goes with its exception's closing.
                let type: EventType? = switch action.status {
                case .requested: .deliveryActionRequested
                case .acknowledged: .deliveryActionAcknowledged
                case .failed: .deliveryActionFailed
                case .withdrawn: nil
                }
                if let type { events.append((type, fields(exception).merging(fields(action)) { $1 })) }
            }
            if old?.closure == nil, exception.closure != nil { events.append((.deliveryExceptionClosed, fields(exception))) }
            return events
        }
    }

    static func fields(_ exception: DeliveryExceptionRecord) -> [String: JSONValue?] {
        ["exception_id": .string(exception.id.apiText), "shipment_id": .string(exception.shipmentID.apiText),
         "reason": .string(exception.reason.rawValue), "respond_by": .string(APITime.text(exception.respondBy)),
         "exception_status": .string(exception.status.rawValue), "closure": exception.closure.map { .string($0.rawValue) }]
    }

    static func fields(_ action: DeliveryActionRecord) -> [String: JSONValue?] {
        ["action_id": .string(action.id.apiText), "kind": .string(action.request.kind.rawValue), "source": .string(action.source.rawValue),
         "date": action.request.date.map { .string($0.description) }, "carrier_reference": action.carrierReference.map { .string($0) },
         "failure_reason": action.failureReason.map { .string($0) }]
    }
}
