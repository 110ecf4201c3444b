import Foundation

/// What a merchant may offer a customer whose order is disrupted.
public enum RemedyKind: String, Sendable, CaseIterable, Codable {
    /// A code from the merchant's pool, each used once.
    case discountCode = "discount_code"
    /// A percentage off the next order.
    case discountPercent = "discount_percent"
    case freeShipping = "free_shipping"
    case shippingRefund = "shipping_refund"
    case reship
    case cancelAndRefund = "cancel_and_refund"
}

/// One offer: a kind, and for `discount_percent` its percentage.
public struct RemedyOption: Sendable, Equatable, Codable {
    public var kind: RemedyKind
    public var percent: Int?

    public init(kind: RemedyKind, percent: Int? = nil) { (self.kind, self.percent) = (kind, percent) }
}

/// One of the merchant's rules: an alert of these reasons (any, when empty), at least this
/// severe, at least this many days late, on an order worth at least this much, is offered these.
public struct RemedyRule: Sendable, Equatable, Codable {
    public var reasons: [AlertReason]
    public var minSeverity: AlertSeverity
    public var minDelayDays: Int
    /// In the order's currency's minor units, as the order's subtotal.
    public var minOrderValue: Int
    public var offers: [RemedyOption]
    /// How long the customer has to choose.
    public var validDays: Int

    public init(reasons: [AlertReason], minSeverity: AlertSeverity, minDelayDays: Int, minOrderValue: Int, offers: [RemedyOption], validDays: Int) {
        (self.reasons, self.minSeverity, self.minDelayDays, self.minOrderValue, self.offers, self.validDays)
            = (reasons, minSeverity, minDelayDays, minOrderValue, offers, validDays)
    }

    func applies(to alert: AlertRecord, delayDays: Int, orderValue: Int) -> Bool {
        (reasons.isEmpty || reasons.contains(alert.reason)) && alert.severity >= minSeverity
            && delayDays >= minDelayDays && orderValue >= minOrderValue
    }

    public static let maxRules = 50
    public static let maxOrderValue = 1_000_000_000_000
    public static let percentRange = 1...100
    public static let validDaysRange = 1...90
}

/// The merchant's remedy rules, first match wins.
public struct RemedyRules: Sendable, Equatable, Codable {
    public var rules: [RemedyRule]

    public init(rules: [RemedyRule]) { self.rules = rules }

    /// Every field to fix: too many rules, no offers or the same kind twice in one rule, a
    /// percentage missing or given where it means nothing, bounds.
    public func validate() throws(DomainError) {
        var v = Validator()
        v.count(rules.count, "rules", 0...RemedyRule.maxRules)
        for (index, rule) in rules.prefix(RemedyRule.maxRules).enumerated() {
            let field = "rules[\(index)]"
            v.range(rule.minDelayDays, "\(field).min_delay_days", 0...365)
            v.range(rule.minOrderValue, "\(field).min_order_value", 0...RemedyRule.maxOrderValue)
            v.count(rule.reasons.count, "\(field).reasons", 0...AlertReason.allCases.count)
            v.check(Set(rule.reasons).count == rule.reasons.count, "\(field).reasons", "must name each reason at most once")
            v.range(rule.validDays, "\(field).valid_days", RemedyRule.validDaysRange)
            v.count(rule.offers.count, "\(field).offers", 1...RemedyKind.allCases.count)
            v.check(Set(rule.offers.map(\.kind)).count == rule.offers.count, "\(field).offers", "must offer each kind at most once")
            for (position, offer) in rule.offers.enumerated() {
                if offer.kind == .discountPercent {
                    v.check(offer.percent.map(RemedyRule.percentRange.contains) == true, "\(field).offers[\(position)].percent",
                            "must be between 1 and 100 for discount_percent")
                } else {
                    v.check(offer.percent == nil, "\(field).offers[\(position)].percent", "is only for discount_percent")
                }
            }
        }
        try v.finish()
    }

    /// The first rule for this alert, or nil.
    func rule(for alert: AlertRecord, delayDays: Int, orderValue: Int) -> RemedyRule? {
        rules.first { $0.applies(to: alert, delayDays: delayDays, orderValue: orderValue) }
    }
}

/// The merchant's pool of discount codes, each given to one customer at most.
public enum RemedyCodes {
    public static let maxPerUpload = 1_000

    /// Every bad code: 1 to 1,000 codes a time, each a code as carriers' and locations' are.
    public static func validate(_ codes: [String]) throws(DomainError) {
        var v = Validator()
        v.count(codes.count, "codes", 1...maxPerUpload)
        for (index, code) in codes.prefix(maxPerUpload).enumerated() { v.code(code, "codes[\(index)]") }
        try v.finish()
    }
}

/// The offer made to a customer for one alert: made once, chosen once, applied by the merchant.
public struct RemedyRecord: Sendable, Equatable {
    public var id: UUID
    public var alertID: UUID
    public var options: [RemedyOption]
    public var offeredAt: Date
    public var expiresAt: Date
    /// The choice and its application move the remedy's `Status`, only as its table allows.
    public private(set) var choice: RemedyOption?
    public private(set) var chosenAt: Date?
    /// The pool's code given with a `discount_code` choice (set by the store as it is chosen).
    public var code: String?
    public private(set) var appliedAt: Date?

    public init(id: UUID, alertID: UUID, options: [RemedyOption], offeredAt: Date, expiresAt: Date, choice: RemedyOption?,
                chosenAt: Date?, code: String?, appliedAt: Date?) {
        (self.id, self.alertID, self.options, self.offeredAt, self.expiresAt) = (id, alertID, options, offeredAt, expiresAt)
        (self.choice, self.chosenAt, self.code, self.appliedAt) = (choice, chosenAt, code, appliedAt)
    }

    public enum Status: String, Sendable, CaseIterable {
        case offered, chosen, applied
        /// Offered and not chosen in time.
        case expired
    }

    public func status(at now: Date) -> Status {
        if appliedAt != nil { return .applied }
        if choice != nil { return .chosen }
        return now >= expiresAt ? .expired : .offered
    }

    /// Records the customer's choice of an option of an offer still open.
    mutating func choose(_ option: RemedyOption, now: Date) throws(DomainError) {
        try status(at: now).checkMove(to: .chosen)
        (choice, chosenAt) = (option, now)
    }

    /// Records that the merchant gave the customer what they chose.
    mutating func markApplied(now: Date) throws(DomainError) {
        try status(at: now).checkMove(to: .applied)
        appliedAt = now
    }
}

extension OrderRecord {
    /// How many days late the order is: its estimate past the promise, or a declared
    /// disruption's extra days, the larger.
    public func delayDays(context: MerchantContext) -> Int {
        let overPromise = promise.flatMap { promise in estimate(context: context).map { $0.window.latest.days(since: promise.window.latest) } } ?? 0
        return max(0, overPromise, declared?.extraDays ?? 0)
    }

    /// Offers a remedy for the open alert, as it opens or escalates, when the merchant's first
    /// matching rule says so; once per alert (an alert that escalates into a rule gets its offer
    /// then). Rules set later do not reach alerts already open.
    mutating func offerRemedy(now: Date, newID: UUID, context: MerchantContext) {
        guard let alert, !remedies.contains(where: { $0.alertID == alert.id }),
              let rule = context.remedyRules?.rule(for: alert, delayDays: delayDays(context: context), orderValue: subtotal) else { return }
        remedies.append(RemedyRecord(id: newID, alertID: alert.id, options: rule.offers, offeredAt: now,
                                     expiresAt: now.addingTimeInterval(Double(rule.validDays) * 86_400), choice: nil, chosenAt: nil,
                                     code: nil, appliedAt: nil))
    }

    /// The customer's choice, exactly once: the same choice again changes nothing; another one
    /// is a conflict, as is a choice after the offer expired or one not offered.
    public mutating func chooseRemedy(_ id: UUID, kind: RemedyKind, now: Date) throws(DomainError) {
        guard let index = remedies.firstIndex(where: { $0.id == id }) else { throw .notFound("No remedy with id \(id.apiText) on this order.") }
        let remedy = remedies[index]
        if let chosen = remedy.choice {
            guard chosen.kind == kind else {
                throw .conflict("This remedy was already chosen (\(chosen.kind.rawValue)); a choice is made once.")
            }
            return
        }
        guard remedy.status(at: now) == .offered else { throw .conflict("This offer expired at \(APITime.text(remedy.expiresAt)).") }
        guard let option = remedy.options.first(where: { $0.kind == kind }) else {
            throw .validation([FieldError(field: "kind", message: "must be one of the offered kinds: "
                                          + remedy.options.map(\.kind.rawValue).joined(separator: ", "))])
        }
        try remedies[index].choose(option, now: now)
    }

    /// The merchant has given the customer what they chose; once (again changes nothing).
    public mutating func markRemedyApplied(_ id: UUID, now: Date) throws(DomainError) {
        guard let index = remedies.firstIndex(where: { $0.id == id }) else { throw .notFound("No remedy with id \(id.apiText) on this order.") }
        guard remedies[index].choice != nil else { throw .conflict("The customer has not chosen a remedy yet.") }
        if remedies[index].appliedAt == nil { try remedies[index].markApplied(now: now) }
    }
}

/// The events of an order's remedies: offered, chosen, applied.
enum RemedyEvents {
    static func between(_ before: [RemedyRecord], _ after: [RemedyRecord]) -> [(EventType, RemedyRecord)] {
        let previous = Dictionary(uniqueKeysWithValues: before.map { ($0.id, $0) })
        return after.flatMap { remedy -> [(EventType, RemedyRecord)] in
            let old = previous[remedy.id]
            var events: [(EventType, RemedyRecord)] = []
            if old == nil { events.append((.remedyOffered, remedy)) }
            if old?.choice == nil, remedy.choice != nil { events.append((.remedyChosen, remedy)) }
            if old?.appliedAt == nil, remedy.appliedAt != nil { events.append((.remedyApplied, remedy)) }
            return events
        }
    }

    static func fields(_ remedy: RemedyRecord) -> [String: JSONValue?] {
        ["remedy_id": .string(remedy.id.apiText), "alert_id": .string(remedy.alertID.apiText),
         "offers": .array(remedy.options.map { .string($0.kind.rawValue) }), "expires_at": .string(APITime.text(remedy.expiresAt)),
         "choice": remedy.choice.map { .string($0.kind.rawValue) }]
    }
}
