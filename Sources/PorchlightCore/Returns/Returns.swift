import Foundation

/// Who opened the return: the customer (or the merchant for them), or the carrier's failure, a
/// claim against a parcel lost or sent back on its way to the customer.
public enum ReturnKind: String, Sendable, CaseIterable {
    case customerReturn = "return"
    case lostParcel = "lost_parcel"
    case returnedToSender = "returned_to_sender"

    public var isClaim: Bool { self != .customerReturn }
}

/// The parcel carrying a return back, tracked with the shipments' statuses and rules
/// (`TrackingRules`): its carrier scans decide when it is in transit or lost.
public struct ReturnParcel: Sendable, Equatable {
    /// One carrier scan, as much of it as the rules look at.
    public struct Scan: Sendable, Equatable {
        public var deduplicationKey: String
        public var status: TrackingStatus
        public var substatus: TrackingSubstatus?
        public var occurredAt: Date

        public init(deduplicationKey: String, status: TrackingStatus, substatus: TrackingSubstatus?, occurredAt: Date) {
            self.deduplicationKey = deduplicationKey
            self.status = status
            self.substatus = substatus
            self.occurredAt = occurredAt
        }
    }

    public var carrier: String
    public var trackingNumber: String
    public var scans: [Scan]

    public init(carrier: String, trackingNumber: String, scans: [Scan] = []) {
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.scans = scans
    }

    public var progress: ShipmentProgress {
        TrackingRules.progress(of: scans.map { TimelineEntry(status: $0.status, substatus: $0.substatus, occurredAt: $0.occurredAt) })
    }
}

/// What happens to a received unit.
public enum ReturnDisposition: String, Sendable, CaseIterable {
    case restock
    case doNotRestock = "do_not_restock"
    case inspect
}

/// One line of a return: what was asked for and, once received, what came back.
public struct ReturnLine: Sendable, Equatable {
    public var sku: String
    public var quantity: Int
    public var reason: ReturnReason
    public var note: String?
    public var exchangeFor: ExchangeItem?
    /// What one unit was paid.
    public var unitPrice: Int
    public var receipt: ReturnReceiptLine?

    public init(sku: String, quantity: Int, reason: ReturnReason, note: String?, exchangeFor: ExchangeItem?, unitPrice: Int, receipt: ReturnReceiptLine?) {
        self.sku = sku
        self.quantity = quantity
        self.reason = reason
        self.note = note
        self.exchangeFor = exchangeFor
        self.unitPrice = unitPrice
        self.receipt = receipt
    }
}

/// What came back of a line, counted by the merchant.
public struct ReturnReceiptLine: Sendable, Equatable {
    public var sku: String
    public var received: Int
    public var damaged: Int
    public var missing: Int
    public var disposition: ReturnDisposition
    /// Where restocked units go (a fulfilment location's code).
    public var location: String?

    public init(sku: String, received: Int, damaged: Int, missing: Int, disposition: ReturnDisposition, location: String?) {
        self.sku = sku
        self.received = received
        self.damaged = damaged
        self.missing = missing
        self.disposition = disposition
        self.location = location
    }
}

/// A return of some of an order's lines, with three state machines kept apart: the decision,
/// the items' logistics and the money. Receiving never moves money; settling is its own step.
/// Each state changes only through the methods below, by its machine's table (`StateMachine`).
public struct ReturnRecord: Sendable, Equatable {
    public var id: UUID
    public var orderID: UUID
    public var kind: ReturnKind = .customerReturn
    /// For a claim: the shipment the carrier lost or sent back.
    public var shipmentID: UUID?
    public var policyVersion: Int
    public var resolution: ReturnResolution
    public var method: ReturnMethod
    /// A gift's recipient returns it: store credit or an exchange, never a refund to the buyer's card.
    public var gift: Bool
    public var lines: [ReturnLine]
    public var quote: ReturnQuote
    /// The policy's restocking fee when the return was opened, to count the refund again at receipt.
    public var restockingFeePercent: Int
    public private(set) var decision: ReturnDecision
    public private(set) var decisionReason: String?
    public private(set) var logistics: ReturnLogistics
    public private(set) var money: ReturnMoney
    /// For an in-store return: the token the store scans.
    public var storeToken: String?
    public var labelReference: String?
    /// The parcel going back, once its carrier and tracking number are known.
    public var parcel: ReturnParcel?
    /// The policy's days to send or bring the items, counted from approval.
    public var shipBackDays: Int = ReturnPolicy.standard.shipBackDays
    /// The end of those days, once the return is approved and its items travel back.
    public var shipBackBy: Date?
    public var submittedBy: Submitter
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, orderID: UUID, policyVersion: Int, resolution: ReturnResolution, method: ReturnMethod, gift: Bool, lines: [ReturnLine],
                quote: ReturnQuote, restockingFeePercent: Int, decision: ReturnDecision, decisionReason: String?, logistics: ReturnLogistics, money: ReturnMoney,
                storeToken: String?, labelReference: String?, submittedBy: Submitter, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.orderID = orderID
        self.policyVersion = policyVersion
        self.resolution = resolution
        self.method = method
        self.gift = gift
        self.lines = lines
        self.quote = quote
        self.restockingFeePercent = restockingFeePercent
        self.decision = decision
        self.decisionReason = decisionReason
        self.logistics = logistics
        self.money = money
        self.storeToken = storeToken
        self.labelReference = labelReference
        self.submittedBy = submittedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Holds units of the order: not declined, cancelled or expired.
    public var isLive: Bool { decision.holdsUnits && logistics != .expired }

    /// Whether a return in these states holds units the customer had: live, and not a claim
    /// (a claim's units never reached the customer).
    public static func holdsCustomerUnits(kind: ReturnKind, decision: ReturnDecision, logistics: ReturnLogistics) -> Bool {
        !kind.isClaim && decision.holdsUnits && logistics != .expired
    }

    /// Under way: live and not settled yet.
    public var isOpen: Bool { isLive && money == .pending }

    /// When the return expires if nothing has been sent: only once approved, while its items are
    /// awaited and nothing is settled (an instant exchange does not expire).
    public var expiresAt: Date? { decision == .approved && money == .pending && logistics == .awaiting ? shipBackBy : nil }

    /// The units of `line` the customer no longer has: those received, or, before anything came
    /// back, all of them once the money went back (a refund, credit or keep-it). A line so
    /// returned in full can no longer be reviewed. A claim takes back nothing the customer had.
    public func unitsTakenBack(_ line: ReturnLine) -> Int {
        guard isLive, !kind.isClaim else { return 0 }
        if let receipt = line.receipt { return receipt.received }
        return money == .refunded || money == .credited || money == .kept ? line.quantity : 0
    }

    /// The merchant approves or declines a requested return (a reason is required to decline).
    public mutating func decide(_ next: ReturnDecision, reason: String?, now: Date) throws(DomainError) {
        guard next == .approved || next == .declined else {
            throw .validation([FieldError(field: "decision", message: "must be approved or declined")])
        }
        guard decision == .requested else {
            throw .conflict("The return is \(decision.rawValue); only a requested return can be \(next.rawValue).")
        }
        var v = Validator()
        v.text(reason, "reason", max: 500)
        v.check(next == .approved || reason?.contains { !$0.isWhitespace } == true, "reason", "is required to decline a return")
        try v.finish()
        try decision.move(to: next)
        if next == .declined { try money.move(to: .none) }
        (decisionReason, updatedAt) = (reason, now)
        if next == .approved { startShipBackDays(now: now) }
    }

    /// Starts the ship-back days of an approved return whose items travel back, to the second.
    mutating func startShipBackDays(now: Date) {
        guard logistics == .awaiting else { return }
        shipBackBy = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + Double(shipBackDays) * 86_400).rounded(.up))
    }

    /// The customer or the merchant calls the return off, before anything came back or was
    /// settled; a claim against the carrier is the merchant's alone.
    public mutating func cancel(reason: String?, by submitter: Submitter, now: Date) throws(DomainError) {
        guard !kind.isClaim || submitter == .merchant else {
            throw .conflict("This is the merchant's claim against the carrier; only the merchant can cancel it.")
        }
        guard decision.holdsUnits else { throw .conflict("The return is \(decision.rawValue) already.") }
        guard logistics == .awaiting || logistics == .notRequired else {
            throw .conflict("The return's items are \(logistics.rawValue.replacingOccurrences(of: "_", with: " ")); it can no longer be cancelled.")
        }
        guard money == .pending else { throw .conflict("The return is settled (\(money.rawValue)); it can no longer be cancelled.") }
        var v = Validator()
        v.text(reason, "reason", max: 500)
        try v.finish()
        try callOff(reason: reason, now: now)
    }

    /// Calls the return off: nothing will be settled.
    fileprivate mutating func callOff(reason: String?, now: Date) throws(DomainError) {
        try decision.move(to: .cancelled)
        try money.move(to: .none)
        (decisionReason, updatedAt) = (reason, now)
    }

    /// The carrier sent back the parcel it had reported lost: the claim is now for a returned
    /// parcel, on its way back by mail.
    fileprivate mutating func claimSentBack(now: Date) throws(DomainError) {
        try logistics.move(to: .inTransit)
        (kind, method, updatedAt) = (.returnedToSender, .mail, now)
    }

    /// Records what came back, per line. Receiving never refunds: settling is `settle`.
    public mutating func receive(_ receipt: [ReturnReceiptLine], now: Date) throws(DomainError) {
        guard decision == .approved else {
            throw .conflict("The return is \(decision.rawValue); only an approved return is received.")
        }
        switch logistics {
        case .awaiting, .inTransit, .lost: break  // a parcel reported lost may still turn up
        case .received: throw .conflict("The return was received already.")
        case .expired: throw .conflict("The return expired: nothing was sent in time.")
        case .notRequired: throw .conflict("Nothing travels back for this return (\(method.rawValue)).")
        }
        var v = Validator()
        v.count(receipt.count, "lines", 1...100)
        var seen = Set<String>()
        for (index, line) in receipt.enumerated() {
            let field = "lines[\(index)]"
            let errorsBefore = v.errors.count
            v.check(seen.insert(line.sku).inserted, "\(field).sku", "must appear once")
            guard let returned = lines.first(where: { $0.sku == line.sku }) else {
                v.fail("\(field).sku", "is not a line of this return")
                continue
            }
            v.range(line.received, "\(field).received", 0...returned.quantity)
            v.range(line.missing, "\(field).missing", 0...returned.quantity)
            v.range(line.damaged, "\(field).damaged", 0...returned.quantity)
            v.text(line.location, "\(field).location", min: 1, max: 64)
            guard v.errors.count == errorsBefore else { continue }
            v.check(line.received + line.missing == returned.quantity, "\(field).missing",
                    "received and missing must add up to the \(returned.quantity) returned")
            v.check(line.damaged <= line.received, "\(field).damaged", "must be at most the units received")
            v.check(line.disposition != .restock || line.location != nil, "\(field).location", "is required to restock")
        }
        v.check(lines.allSatisfy { line in receipt.contains { $0.sku == line.sku } }, "lines", "must account for every line of the return")
        try v.finish()
        try logistics.move(to: .received)
        for index in lines.indices {
            lines[index].receipt = receipt.first { $0.sku == lines[index].sku }
        }
        // The quote's lines are what came back; what went missing is not paid for (the totals of an
        // exchange settled before receipt stay as settled).
        let recounted = quote.recounted(received: Dictionary(uniqueKeysWithValues: receipt.map { ($0.sku, $0.received) }),
                                        restockingFeePercent: restockingFeePercent, gift: gift)
        if money == .pending { quote = recounted } else { quote.lines = recounted.lines }
        updatedAt = now
    }

    /// Settles the money as the resolution says. An exchange or a kept item may be settled before
    /// the items come back (an instant exchange); a refund or store credit waits for them, unless
    /// nothing travels back or the carrier lost them. A claim settles as the merchant chooses
    /// (`instead`): by default the items are sent again.
    public mutating func settle(instead chosen: ReturnResolution? = nil, now: Date) throws(DomainError) {
        guard decision == .approved else {
            throw .conflict("The return is \(decision.rawValue); only an approved return is settled.")
        }
        guard money == .pending else { throw .conflict("The return is settled already (\(money.rawValue)).") }
        let settling = chosen ?? resolution
        if settling != resolution {
            let choices: Set<ReturnResolution> = kind.isClaim ? [.reship, .refund, .storeCredit] : []
            guard choices.contains(settling) else {
                throw .validation([FieldError(field: "resolution", message: kind.isClaim
                    ? "must be reship, refund or store_credit for a claim" : "must be the return's own (\(resolution.rawValue)): only a claim settles otherwise")])
            }
        }
        let settlesBeforeReceipt = settling == .exchange || settling == .keepItem || settling == .reship || logistics == .notRequired || logistics == .lost
        guard settlesBeforeReceipt || logistics == .received else {
            throw .conflict("A \(settling.rawValue) is settled once the items are received; the return is \(logistics.rawValue).")
        }
        if settling != resolution {
            resolution = settling
            quote.resolution = settling
            quote.total(restockingFeePercent: restockingFeePercent, gift: gift)
        }
        let settled: ReturnMoney = switch resolution {
        case .refund: .refunded
        case .storeCredit: .credited
        case .exchange: .exchanged
        case .keepItem: .kept
        case .reship: .reshipped
        }
        try money.move(to: settled)
        updatedAt = now
    }

    /// Records the return parcel's new carrier scans (ones already known are ignored) and moves
    /// the items with them: in transit once the carrier has the parcel, lost when the carrier
    /// says so, awaited again when it went back to the customer (who may send it again). Scans
    /// that come late for an expired return revive it if they show the parcel was sent in time.
    public mutating func recordParcelScans(_ drafts: [TrackingEventDraft], now: Date) throws(DomainError) {
        guard var parcel else {
            throw .conflict("The return has no parcel to track: give its carrier and tracking number when opening it.")
        }
        var known = Set(parcel.scans.map(\.deduplicationKey))
        let fresh = drafts.filter { known.insert($0.deduplicationKey).inserted }
        guard !fresh.isEmpty else { return }
        parcel.scans += fresh.map { ReturnParcel.Scan(deduplicationKey: $0.deduplicationKey, status: $0.status, substatus: $0.substatus, occurredAt: $0.occurredAt) }
        self.parcel = parcel
        updatedAt = now
        // The merchant's count (received), and a return that is over, stay as they are.
        guard decision == .approved, [.awaiting, .inTransit, .lost, .expired].contains(logistics) else { return }
        let progress = parcel.progress
        if logistics == .expired {
            guard let sent = progress.shippedAt, let deadline = shipBackBy, sent <= deadline else { return }
            try money.move(to: .pending)
        }
        let next: ReturnLogistics = switch (progress.status, progress.substatus) {
        case (.exception, .lost?): .lost
        case (.returnedToSender, _): .awaiting
        default: progress.shippedAt != nil ? .inTransit : .awaiting
        }
        if next != logistics { try logistics.move(to: next) }
    }

    /// Expires a return whose items were never sent within the policy's ship-back days: its
    /// units are free again and nothing is settled. False when it is not due.
    public mutating func expireIfDue(now: Date) throws(DomainError) -> Bool {
        guard let expiresAt, expiresAt <= now else { return false }
        try logistics.move(to: .expired)
        try money.move(to: .none)
        updatedAt = now
        return true
    }
}

public enum ReturnRules {
    /// The units of each SKU that the customer's live returns hold: they cannot be returned again.
    static func heldUnits(_ returns: [ReturnRecord]) -> [String: Int] {
        units(of: returns.filter { ReturnRecord.holdsCustomerUnits(kind: $0.kind, decision: $0.decision, logistics: $0.logistics) })
    }

    /// The units of each SKU in the customer's returns still under way (`isOpen`).
    static func unitsUnderWay(_ returns: [ReturnRecord]) -> [String: Int] {
        units(of: returns.filter { $0.isOpen && !$0.kind.isClaim })
    }

    private static func units(of returns: [ReturnRecord]) -> [String: Int] {
        returns.flatMap(\.lines).reduce(into: [:]) { $0[$1.sku, default: 0] += $1.quantity }
    }
}

/// The events of a return, carrying like every event the order's id, number and status.
public enum ReturnEvents {
    /// Opening a return: `return.requested`, and `return.approved` when the policy approves at once.
    static func opened(_ record: ReturnRecord, of order: OrderRecord) -> [DomainEvent] {
        var events = [event(.returnRequested, record, of: order)]
        if record.decision == .approved { events.append(event(.returnApproved, record, of: order)) }
        return events
    }

    /// The events of the moves from `before` to `after` that merchants' systems act on, in the
    /// order the state machines run: the decision, the items, the money.
    static func moved(from before: ReturnRecord, to after: ReturnRecord, of order: OrderRecord) -> [DomainEvent] {
        var types: [EventType] = []
        if before.decision != after.decision {
            switch after.decision {
            case .approved: types.append(.returnApproved)
            case .declined: types.append(.returnDeclined)
            case .cancelled: types.append(.returnCancelled)
            case .requested: break
            }
        }
        if before.logistics != after.logistics {
            switch after.logistics {
            case .received: types.append(.returnReceived)
            case .lost: types.append(.returnLost)
            case .expired: types.append(.returnExpired)
            case .notRequired, .awaiting, .inTransit: break
            }
        }
        // Declining, cancelling or expiring clears the money, and a revived return owes it again: no settlement.
        if before.money != after.money, after.money != .none, after.money != .pending { types.append(.returnResolved) }
        return types.map { event($0, after, of: order) }
    }

    private static func event(_ type: EventType, _ record: ReturnRecord, of order: OrderRecord) -> DomainEvent {
        var data: [String: JSONValue] = [
            "order_id": .string(order.id.apiText), "order_number": .string(order.orderNumber), "status": .string(order.status.rawValue),
            "return_id": .string(record.id.apiText), "kind": .string(record.kind.rawValue),
            "resolution": .string(record.resolution.rawValue), "method": .string(record.method.rawValue),
            "decision": .string(record.decision.rawValue), "logistics": .string(record.logistics.rawValue), "money": .string(record.money.rawValue),
            "lines": .array(record.lines.map { .object(["sku": .string($0.sku), "quantity": .integer(Int64($0.quantity))]) }),
        ]
        if let reason = record.decisionReason { data["reason"] = .string(reason) }
        if let shipment = record.shipmentID { data["shipment_id"] = .string(shipment.apiText) }
        if type == .returnResolved { data["settlement"] = settlement(record.quote) }
        return DomainEvent(type: type, data: .object(data))
    }

    /// What was settled, in minor units of the order's currency: all a payment system needs to
    /// pay it without reading the return again (the amounts the resolution does not use are left out).
    private static func settlement(_ quote: ReturnQuote) -> JSONValue {
        let amounts: [String: Int?] = [
            "subtotal": quote.subtotal, "restocking_fee": quote.restockingFee, "return_shipping_fee": quote.returnShippingFee,
            "refund_total": quote.refundTotal, "store_credit": quote.storeCredit, "exchange_difference": quote.exchangeDifference,
        ]
        var fields = amounts.compactMapValues { $0.map { JSONValue.integer(Int64($0)) } }
        fields["currency"] = .string(quote.currency)
        return .object(fields)
    }
}

extension OrderRecord {
    /// Opens a return of `lines`, checked against this order, the policy version it was placed
    /// under (the quote's rules, the gift rule) and its other returns, whose live units cannot be
    /// returned again; the policy's approval mode decides whether it waits for the merchant.
    public mutating func openReturn(_ lines: [ReturnLineRequest], resolution: ReturnResolution, method: ReturnMethod, gift: Bool,
                                    labelReference: String?, parcel: ReturnParcel? = nil, policy: ReturnPolicyVersion, by submitter: Submitter,
                                    id: UUID, storeToken: String, now: Date) throws(DomainError) -> ReturnRecord {
        var v = Validator()
        v.text(labelReference, "label_reference", min: 1, max: 200)
        if let parcel {
            v.check(method == .mail, "parcel", "is only for a mail return")
            v.text(parcel.carrier, "parcel.carrier", min: 1, max: 64)
            v.text(parcel.trackingNumber, "parcel.tracking_number", min: 1, max: 64)
        }
        try v.finish()
        let eligibility = ReturnEligibility.lines(of: self, policy: policy.policy, now: now)
        let quote = try ReturnQuotes.quote(lines, resolution: resolution, method: method, gift: gift, of: self, policy: policy.policy,
                                           eligibility: eligibility)
        let recorded = lines.map { line in
            ReturnLine(sku: line.sku, quantity: line.quantity, reason: line.reason, note: line.note, exchangeFor: line.exchangeFor,
                       unitPrice: self.lines.first { $0.sku == line.sku }?.unitPrice ?? 0, receipt: nil)
        }
        var record = ReturnRecord(
            id: id, orderID: self.id, policyVersion: policy.version, resolution: resolution, method: method, gift: gift, lines: recorded,
            quote: quote, restockingFeePercent: policy.policy.restockingFeePercent,
            decision: policy.policy.approval == .automatic ? .approved : .requested, decisionReason: nil,
            logistics: method == .returnless ? .notRequired : .awaiting, money: .pending, storeToken: method == .inStore ? storeToken : nil,
            labelReference: labelReference, submittedBy: submitter, createdAt: now, updatedAt: now)
        record.parcel = parcel.map { ReturnParcel(carrier: $0.carrier.lowercased(), trackingNumber: $0.trackingNumber) }
        record.shipBackDays = policy.policy.shipBackDays
        if record.decision == .approved { record.startShipBackDays(now: now) }
        returns.append(record)
        return record
    }

    /// Keeps the claim against the carrier in step with a shipment's status: opens one, once, when
    /// the carrier lost the shipment or sent it back (the merchant sends the items again unless it
    /// settles otherwise, and a parcel coming back is received like a return, without refunding
    /// anyone; but a parcel sent back because that was asked after a failed attempt is refunded,
    /// in full: nobody will take it at that door); a lost parcel sent back after all becomes a
    /// returned one; one delivered after all calls the claim off, while nothing is settled.
    mutating func keepClaimInStep(with shipment: ShipmentRecord, id: UUID, now: Date) {
        let lost = shipment.status == .exception && shipment.substatus == .lost
        let sentBack = shipment.status == .returnedToSender
        if let index = returns.firstIndex(where: { $0.shipmentID == shipment.id }) {
            guard returns[index].isOpen, returns[index].kind == .lostParcel else { return }
            do {
                if sentBack {
                    try returns[index].claimSentBack(now: now)
                } else if shipment.status == .delivered {
                    try returns[index].callOff(reason: "The carrier delivered the parcel after all.", now: now)
                }
            } catch {
                // An open claim for a lost parcel (approved, nothing travelling back, nothing
                // settled) makes both moves; a carrier's scan has nobody to answer a refusal.
                assertionFailure("\(error)")
            }
            return
        }
        guard lost || sentBack else { return }
        let kind: ReturnKind = sentBack ? .returnedToSender : .lostParcel
        let lines = shipment.lines.map { line in
            ReturnLine(sku: line.sku, quantity: line.quantity, reason: .other, note: nil, exchangeFor: nil,
                       unitPrice: self.lines.first { $0.sku == line.sku }?.unitPrice ?? 0, receipt: nil)
        }
        let method: ReturnMethod = sentBack ? .mail : .returnless
        let askedBack = sentBack && deliveryExceptions.contains { $0.shipmentID == shipment.id && $0.liveAction?.request.kind == .returnToSender }
        let resolution: ReturnResolution = askedBack ? .refund : .reship
        var quote = ReturnQuote(currency: currency, resolution: resolution, method: method,
                                lines: lines.map { .init(sku: $0.sku, quantity: $0.quantity, unitPrice: $0.unitPrice, amount: $0.unitPrice * $0.quantity,
                                                         exchangeAmount: nil) },
                                subtotal: 0, restockingFee: 0, returnShippingFee: 0)
        quote.total(restockingFeePercent: 0, gift: false)
        var claim = ReturnRecord(
            id: id, orderID: self.id, policyVersion: 0, resolution: resolution, method: method, gift: false, lines: lines, quote: quote,
            restockingFeePercent: 0, decision: .approved, decisionReason: nil, logistics: sentBack ? .inTransit : .notRequired,
            money: .pending, storeToken: nil, labelReference: nil, submittedBy: .merchant, createdAt: now, updatedAt: now)
        (claim.kind, claim.shipmentID) = (kind, shipment.id)
        returns.append(claim)
    }

    /// The shipments that count toward the order's quantities and status: not those a carrier
    /// lost or sent back whose claim the merchant settled by sending the items again (the new
    /// shipment carries them).
    var countedShipments: [ShipmentRecord] {
        let replaced = Set(returns.filter { $0.kind.isClaim && $0.money == .reshipped }.compactMap(\.shipmentID))
        return replaced.isEmpty ? shipments : shipments.filter { !replaced.contains($0.id) }
    }

    /// Applies a move to the return with this id (the return's own rules decide whether it may be made).
    public mutating func moveReturn(_ id: UUID, now: Date, _ apply: (inout ReturnRecord, Date) throws -> Void) throws -> ReturnRecord {
        guard let index = returns.firstIndex(where: { $0.id == id }) else { throw DomainError.notFound("No return with id \(id.apiText).") }
        try apply(&returns[index], now)
        return returns[index]
    }

    /// The units of each line that the customer no longer has (`ReturnRecord.unitsTakenBack`).
    public var returnedQuantities: [String: Int] {
        returns.flatMap { record in record.lines.map { ($0.sku, record.unitsTakenBack($0)) } }.reduce(into: [:]) { $0[$1.0, default: 0] += $1.1 }
    }
}
