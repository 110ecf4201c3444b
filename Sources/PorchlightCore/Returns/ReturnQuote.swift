import Foundation

/// Why the customer returns a line: a structured reason (for analytics) and an optional note.
public enum ReturnReason: String, Sendable, CaseIterable {
    case damaged, defective
    case wrongItem = "wrong_item"
    case notAsDescribed = "not_as_described"
    case tooSmall = "too_small"
    case tooLarge = "too_large"
    case changedMind = "changed_mind"
    case arrivedLate = "arrived_late"
    case other
}

/// What the customer takes instead, for an exchange: the SKU and its current price.
public struct ExchangeItem: Sendable, Equatable {
    public var sku: String
    public var unitPrice: Int

    public init(sku: String, unitPrice: Int) {
        self.sku = sku
        self.unitPrice = unitPrice
    }
}

/// One line of a return as the customer asks for it.
public struct ReturnLineRequest: Sendable, Equatable {
    public var sku: String
    public var quantity: Int
    public var reason: ReturnReason
    public var note: String?
    public var exchangeFor: ExchangeItem?

    public init(sku: String, quantity: Int, reason: ReturnReason, note: String?, exchangeFor: ExchangeItem?) {
        self.sku = sku
        self.quantity = quantity
        self.reason = reason
        self.note = note
        self.exchangeFor = exchangeFor
    }
}

/// What a return would settle to, in the order's currency (minor units). Nothing is stored.
public struct ReturnQuote: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var sku: String
        public var quantity: Int
        public var unitPrice: Int
        /// `unitPrice` × `quantity`.
        public var amount: Int
        /// The exchange item's price × `quantity`, for an exchange.
        public var exchangeAmount: Int?

        public init(sku: String, quantity: Int, unitPrice: Int, amount: Int, exchangeAmount: Int?) {
            self.sku = sku
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.amount = amount
            self.exchangeAmount = exchangeAmount
        }
    }

    public var currency: String
    public var resolution: ReturnResolution
    public var method: ReturnMethod
    public var lines: [Line]
    /// What the returned items were paid.
    public var subtotal: Int
    public var restockingFee: Int
    public var returnShippingFee: Int
    /// Back to the original payment (a refund, or keep-it).
    public var refundTotal: Int?
    public var storeCredit: Int?
    /// For an exchange: what the customer pays (positive) or gets back (negative).
    public var exchangeDifference: Int?

    public init(currency: String, resolution: ReturnResolution, method: ReturnMethod, lines: [Line], subtotal: Int, restockingFee: Int,
                returnShippingFee: Int, refundTotal: Int? = nil, storeCredit: Int? = nil, exchangeDifference: Int? = nil) {
        self.currency = currency
        self.resolution = resolution
        self.method = method
        self.lines = lines
        self.subtotal = subtotal
        self.restockingFee = restockingFee
        self.returnShippingFee = returnShippingFee
        self.refundTotal = refundTotal
        self.storeCredit = storeCredit
        self.exchangeDifference = exchangeDifference
    }
}

public enum ReturnQuotes {
    /// The settlement of returning `lines` of `order` under `policy`, or field errors naming each
    /// thing the policy or the order refuses (the reason for a line that cannot be returned).
    /// A gift's recipient gets store credit or an exchange, never money back to the buyer. A
    /// refund or store credit whose fees would take all the items were paid is refused too.
    public static func quote(_ lines: [ReturnLineRequest], resolution: ReturnResolution, method: ReturnMethod, gift: Bool, of order: OrderRecord,
                             policy: ReturnPolicy, eligibility: [LineEligibility]) throws(DomainError) -> ReturnQuote {
        var v = Validator()
        v.count(lines.count, "lines", 1...100)
        v.check(policy.resolutions.contains(resolution), "resolution", "is not one the return policy allows (\(allowed(policy.resolutions)))")
        v.check(!gift || resolution == .storeCredit || resolution == .exchange, "resolution",
                "must be store_credit or exchange for a gift: a gift's recipient is never refunded to the buyer's payment")
        v.check(policy.methods.contains(method), "method", "is not one the return policy allows (\(allowed(policy.methods)))")
        v.check(resolution != .keepItem || method == .returnless, "method", "must be returnless when the customer keeps the item")
        var seen = Set<String>()
        var quoted: [ReturnQuote.Line] = []
        for (index, line) in lines.enumerated() {
            let field = "lines[\(index)]"
            v.check(seen.insert(line.sku).inserted, "\(field).sku", "must appear once")
            v.text(line.note, "\(field).note", max: 1000)
            v.check((line.exchangeFor != nil) == (resolution == .exchange), "\(field).exchange_for",
                    resolution == .exchange ? "is required for an exchange" : "is only for an exchange")
            if let item = line.exchangeFor {
                v.text(item.sku, "\(field).exchange_for.sku", min: 1, max: 100)
                guard (0...maximumUnitPrice).contains(item.unitPrice) else {
                    v.fail("\(field).exchange_for.unit_price", "must be between 0 and \(maximumUnitPrice)")
                    continue
                }
            }
            guard let orderLine = order.lines.first(where: { $0.sku == line.sku }),
                  let eligible = eligibility.first(where: { $0.sku == line.sku })
            else {
                v.fail("\(field).sku", "is not a line of this order")
                continue
            }
            if let reason = eligible.reason {
                v.fail("\(field).sku", "cannot be returned: \(reason.rawValue)")
                continue
            }
            guard (1...max(1, eligible.returnableQuantity)).contains(line.quantity) else {
                v.fail("\(field).quantity", "must be between 1 and \(eligible.returnableQuantity), the units that can still be returned")
                continue
            }
            quoted.append(.init(sku: line.sku, quantity: line.quantity, unitPrice: orderLine.unitPrice, amount: orderLine.unitPrice * line.quantity,
                                exchangeAmount: line.exchangeFor.map { $0.unitPrice * line.quantity }))
        }
        let subtotal = quoted.map(\.amount).reduce(0, +)
        v.check(resolution != .keepItem || subtotal <= policy.keepItThreshold, "resolution",
                "keep_item is only for returns worth at most \(policy.keepItThreshold) (this one: \(subtotal))")
        try v.finish()

        let freeShipping = resolution == .exchange && policy.freeExchangeShipping
        var quote = ReturnQuote(currency: order.currency, resolution: resolution, method: method, lines: quoted, subtotal: subtotal, restockingFee: 0,
                                returnShippingFee: method == .mail && !freeShipping ? policy.returnShippingFee : 0)
        quote.total(restockingFeePercent: policy.restockingFeePercent, gift: gift)
        // Items sent back for nothing: refused, so that the customer learns it before sending them.
        let fees = quote.restockingFee + quote.returnShippingFee
        if resolution == .refund || resolution == .storeCredit, fees > 0, fees >= subtotal {
            throw .validation([FieldError(field: "resolution", message: "leaves nothing to pay back: the fees (\(fees)) take all of the \(subtotal) "
                                          + "the items were paid; choose another resolution or method")])
        }
        return quote
    }

    /// The most an exchange item may cost, in minor units.
    public static let maximumUnitPrice = 100_000_000

    private static func allowed<T: RawRepresentable>(_ values: Set<T>) -> String where T.RawValue == String {
        values.map(\.rawValue).sorted().joined(separator: ", ")
    }
}

extension ReturnQuote {
    /// The same return counted again with the units that came back (`received` per SKU): what
    /// went missing is not paid for. The return shipping fee stays as quoted.
    public func recounted(received: [String: Int], restockingFeePercent: Int, gift: Bool) -> ReturnQuote {
        var quote = self
        quote.lines = lines.map { line in
            let quantity = received[line.sku] ?? line.quantity
            let unitExchange = line.exchangeAmount.map { $0 / max(line.quantity, 1) }
            return Line(sku: line.sku, quantity: quantity, unitPrice: line.unitPrice, amount: line.unitPrice * quantity,
                        exchangeAmount: unitExchange.map { $0 * quantity })
        }
        quote.total(restockingFeePercent: restockingFeePercent, gift: gift)
        return quote
    }

    /// Fills in the subtotal, the restocking fee (taken from a refund to the original payment)
    /// and what the customer gets, from the lines and the return shipping fee. A quote whose fees
    /// take everything is refused; at receipt, missing units can still leave less than the fees,
    /// and then nothing is paid back (the customer owes nothing).
    mutating func total(restockingFeePercent: Int, gift: Bool) {
        subtotal = lines.map(\.amount).reduce(0, +)
        restockingFee = resolution == .refund ? (subtotal * restockingFeePercent + 50) / 100 : 0
        (refundTotal, storeCredit, exchangeDifference) = (nil, nil, nil)
        switch resolution {
        case .refund: refundTotal = max(0, subtotal - restockingFee - returnShippingFee)
        case .keepItem: refundTotal = subtotal
        case .reship: break  // the items go out again; no money moves
        case .storeCredit: storeCredit = max(0, subtotal - returnShippingFee)
        case .exchange:
            let difference = lines.compactMap(\.exchangeAmount).reduce(0, +) - subtotal + returnShippingFee
            // What a gift's recipient has left over is store credit, never money to the buyer.
            if gift && difference < 0 {
                (exchangeDifference, storeCredit) = (0, -difference)
            } else {
                exchangeDifference = difference
            }
        }
    }
}
