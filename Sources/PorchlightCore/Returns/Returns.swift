import Foundation

/// Whether the merchant agreed to the return.
public enum ReturnDecision: String, Sendable, CaseIterable {
    /// Waiting for the merchant (approval `on_request`).
    case requested, approved, declined, cancelled

    /// A return so decided holds its units: they cannot be returned again, and they count as returned.
    public var holdsUnits: Bool { self == .requested || self == .approved }
}

/// Where the items are.
public enum ReturnLogistics: String, Sendable, CaseIterable {
    /// Nothing travels back (a returnless method).
    case notRequired = "not_required"
    /// Waiting for the customer to send or bring them.
    case awaiting
    case received
}

/// Where the money is.
public enum ReturnMoney: String, Sendable, CaseIterable {
    case pending, refunded, credited, exchanged, kept
    /// Nothing to settle: the return was declined or cancelled.
    case none
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
public struct ReturnRecord: Sendable, Equatable {
    public var id: UUID
    public var orderID: UUID
    public var policyVersion: Int
    public var resolution: ReturnResolution
    public var method: ReturnMethod
    /// A gift's recipient returns it: store credit or an exchange, never a refund to the buyer's card.
    public var gift: Bool
    public var lines: [ReturnLine]
    public var quote: ReturnQuote
    /// The policy's restocking fee when the return was opened, to count the refund again at receipt.
    public var restockingFeePercent: Int
    public var decision: ReturnDecision
    public var decisionReason: String?
    public var logistics: ReturnLogistics
    public var money: ReturnMoney
    /// For an in-store return: the token the store scans.
    public var storeToken: String?
    public var labelReference: String?
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

    /// Holds units of the order: not declined or cancelled.
    public var isLive: Bool { decision.holdsUnits }

    /// Under way: live and not settled yet.
    public var isOpen: Bool { isLive && money == .pending }

    /// The units of `line` the customer no longer has: those received, or, before anything came
    /// back, all of them once the money went back (a refund, credit or keep-it). A line so
    /// returned in full can no longer be reviewed.
    public func unitsTakenBack(_ line: ReturnLine) -> Int {
        guard isLive else { return 0 }
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
        (decision, decisionReason, updatedAt) = (next, reason, now)
        if next == .declined { money = .none }
    }

    /// The customer or the merchant calls the return off, before anything came back or was settled.
    public mutating func cancel(reason: String?, now: Date) throws(DomainError) {
        guard isLive else { throw .conflict("The return is \(decision.rawValue) already.") }
        guard logistics != .received else { throw .conflict("The return's items were received; it can no longer be cancelled.") }
        guard money == .pending else { throw .conflict("The return is settled (\(money.rawValue)); it can no longer be cancelled.") }
        var v = Validator()
        v.text(reason, "reason", max: 500)
        try v.finish()
        (decision, decisionReason, money, updatedAt) = (.cancelled, reason, .none, now)
    }

    /// Records what came back, per line. Receiving never refunds: settling is `settle`.
    public mutating func receive(_ receipt: [ReturnReceiptLine], now: Date) throws(DomainError) {
        guard decision == .approved else {
            throw .conflict("The return is \(decision.rawValue); only an approved return is received.")
        }
        guard logistics == .awaiting else {
            throw .conflict(logistics == .received ? "The return was received already." : "Nothing travels back for this return (\(method.rawValue)).")
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
        for index in lines.indices {
            lines[index].receipt = receipt.first { $0.sku == lines[index].sku }
        }
        // What went missing is not paid for (an exchange settled before receipt stays settled).
        if money == .pending {
            quote = quote.recounted(received: Dictionary(uniqueKeysWithValues: receipt.map { ($0.sku, $0.received) }),
                                    restockingFeePercent: restockingFeePercent, gift: gift)
        }
        (logistics, updatedAt) = (.received, now)
    }

    /// Settles the money as the resolution says. An exchange or a kept item may be settled before
    /// the items come back (an instant exchange); a refund or store credit waits for them, unless
    /// nothing travels back.
    public mutating func settle(now: Date) throws(DomainError) {
        guard decision == .approved else {
            throw .conflict("The return is \(decision.rawValue); only an approved return is settled.")
        }
        guard money == .pending else { throw .conflict("The return is settled already (\(money.rawValue)).") }
        let settlesBeforeReceipt = resolution == .exchange || resolution == .keepItem || logistics == .notRequired
        guard settlesBeforeReceipt || logistics == .received else {
            throw .conflict("A \(resolution.rawValue) is settled once the items are received; the return is \(logistics.rawValue).")
        }
        money = switch resolution {
        case .refund: .refunded
        case .storeCredit: .credited
        case .exchange: .exchanged
        case .keepItem: .kept
        }
        updatedAt = now
    }
}

public enum ReturnRules {
    /// The units of each SKU that the live returns hold: they cannot be returned again.
    public static func heldUnits(_ returns: [ReturnRecord]) -> [String: Int] {
        units(of: returns.filter(\.isLive))
    }

    /// The units of each SKU in returns still under way (`isOpen`).
    static func unitsUnderWay(_ returns: [ReturnRecord]) -> [String: Int] {
        units(of: returns.filter(\.isOpen))
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
        if before.logistics != after.logistics, after.logistics == .received { types.append(.returnReceived) }
        // Declining or cancelling clears the money; that is no settlement.
        if before.money != after.money, after.money != .none { types.append(.returnResolved) }
        return types.map { event($0, after, of: order) }
    }

    private static func event(_ type: EventType, _ record: ReturnRecord, of order: OrderRecord) -> DomainEvent {
        var data: [String: JSONValue] = [
            "order_id": .string(order.id.apiText), "order_number": .string(order.orderNumber), "status": .string(order.status.rawValue),
            "return_id": .string(record.id.apiText), "resolution": .string(record.resolution.rawValue), "method": .string(record.method.rawValue),
            "decision": .string(record.decision.rawValue), "logistics": .string(record.logistics.rawValue), "money": .string(record.money.rawValue),
            "lines": .array(record.lines.map { .object(["sku": .string($0.sku), "quantity": .integer(Int64($0.quantity))]) }),
        ]
        if let reason = record.decisionReason { data["reason"] = .string(reason) }
        return DomainEvent(type: type, data: .object(data))
    }
}

extension OrderRecord {
    /// Opens a return of `lines`, checked against this order, the policy version it was placed
    /// under (the quote's rules, the gift rule) and its other returns, whose live units cannot be
    /// returned again; the policy's approval mode decides whether it waits for the merchant.
    public mutating func openReturn(_ lines: [ReturnLineRequest], resolution: ReturnResolution, method: ReturnMethod, gift: Bool,
                                    labelReference: String?, policy: ReturnPolicyVersion, by submitter: Submitter, id: UUID, storeToken: String,
                                    now: Date) throws(DomainError) -> ReturnRecord {
        var v = Validator()
        v.text(labelReference, "label_reference", min: 1, max: 200)
        try v.finish()
        let eligibility = ReturnEligibility.lines(of: self, policy: policy.policy, now: now)
        let quote = try ReturnQuotes.quote(lines, resolution: resolution, method: method, gift: gift, of: self, policy: policy.policy,
                                           eligibility: eligibility)
        let recorded = lines.map { line in
            ReturnLine(sku: line.sku, quantity: line.quantity, reason: line.reason, note: line.note, exchangeFor: line.exchangeFor,
                       unitPrice: self.lines.first { $0.sku == line.sku }?.unitPrice ?? 0, receipt: nil)
        }
        let record = ReturnRecord(
            id: id, orderID: self.id, policyVersion: policy.version, resolution: resolution, method: method, gift: gift, lines: recorded,
            quote: quote, restockingFeePercent: policy.policy.restockingFeePercent,
            decision: policy.policy.approval == .automatic ? .approved : .requested, decisionReason: nil,
            logistics: method == .returnless ? .notRequired : .awaiting, money: .pending, storeToken: method == .inStore ? storeToken : nil,
            labelReference: labelReference, submittedBy: submitter, createdAt: now, updatedAt: now)
        returns.append(record)
        return record
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
