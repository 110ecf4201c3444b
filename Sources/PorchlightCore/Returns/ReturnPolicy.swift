import Foundation

/// How a return is settled.
public enum ReturnResolution: String, Sendable, CaseIterable {
    /// Money back to the original payment.
    case refund
    case storeCredit = "store_credit"
    /// Another SKU (or size) instead.
    case exchange
    /// Money back, and the customer keeps the item (below the keep-it threshold).
    case keepItem = "keep_item"
    /// The items sent again: for a claim against a parcel the carrier lost or sent back.
    case reship
}

/// How the item travels back.
public enum ReturnMethod: String, Sendable, CaseIterable {
    /// By post, with a return label.
    case mail
    /// Handed in at one of the merchant's stores, with a QR token.
    case inStore = "in_store"
    /// Nothing travels back (keep-it, or a refund the merchant grants without the item).
    case returnless
}

public enum ReturnApproval: String, Sendable, CaseIterable {
    /// A request within policy is approved at once.
    case automatic
    /// Every request waits for the merchant to approve or decline it.
    case onRequest = "on_request"
}

/// Orders placed in a date range (a holiday season) may be returned until a fixed date, if that
/// is later than their usual deadline.
public struct HolidayExtension: Sendable, Equatable {
    public var placedFrom: LocalDate
    public var placedThrough: LocalDate
    public var returnableThrough: LocalDate

    public init(placedFrom: LocalDate, placedThrough: LocalDate, returnableThrough: LocalDate) {
        self.placedFrom = placedFrom
        self.placedThrough = placedThrough
        self.returnableThrough = returnableThrough
    }
}

/// A merchant's return policy. Each change is a new version; an order is judged by the version in
/// force when it was placed (`ReturnPolicyVersion`).
public struct ReturnPolicy: Sendable, Equatable {
    /// Days after delivery an item can be returned, counted in `timeZone`: the last day is
    /// delivery day plus `windowDays`, to its end.
    public var windowDays: Int
    /// When a shipment's delivery is not known (the carrier never said), the window counts from
    /// its hand-off plus these days.
    public var transitBufferDays: Int
    /// The merchant's time zone, in which days are counted.
    public var timeZone: TimeZone
    public var holidayExtension: HolidayExtension?
    /// SKUs and categories that cannot be returned, besides lines marked `final_sale`.
    public var finalSaleSKUs: Set<String>
    public var finalSaleCategories: Set<String>
    public var resolutions: Set<ReturnResolution>
    public var methods: Set<ReturnMethod>
    /// Taken from a refund to the original payment, in percent of the returned items' price.
    public var restockingFeePercent: Int
    /// Charged for a mail return, in minor units.
    public var returnShippingFee: Int
    /// No return shipping fee when the resolution is an exchange.
    public var freeExchangeShipping: Bool
    /// A return worth at most this much (minor units) may be refunded with the item kept; 0: never.
    public var keepItThreshold: Int
    public var approval: ReturnApproval
    /// Codes of the fulfilment locations that take in-store returns.
    public var inStoreLocations: [String]
    /// Days from opening a return to send or bring the items; after that it expires.
    public var shipBackDays: Int

    public init(windowDays: Int, transitBufferDays: Int, timeZone: TimeZone, holidayExtension: HolidayExtension?, finalSaleSKUs: Set<String>,
                finalSaleCategories: Set<String>, resolutions: Set<ReturnResolution>, methods: Set<ReturnMethod>, restockingFeePercent: Int,
                returnShippingFee: Int, freeExchangeShipping: Bool, keepItThreshold: Int, approval: ReturnApproval, inStoreLocations: [String],
                shipBackDays: Int) {
        self.windowDays = windowDays
        self.transitBufferDays = transitBufferDays
        self.timeZone = timeZone
        self.holidayExtension = holidayExtension
        self.finalSaleSKUs = finalSaleSKUs
        self.finalSaleCategories = finalSaleCategories
        self.resolutions = resolutions
        self.methods = methods
        self.restockingFeePercent = restockingFeePercent
        self.returnShippingFee = returnShippingFee
        self.freeExchangeShipping = freeExchangeShipping
        self.keepItThreshold = keepItThreshold
        self.approval = approval
        self.inStoreLocations = inStoreLocations
        self.shipBackDays = shipBackDays
    }

    /// What a merchant that has set no policy offers: 30 days from delivery, refunds, store credit
    /// and exchanges by mail, no fees, approved at once; counted in UTC here, where the merchant
    /// is in `ReturnPolicyVersion.standard(firstLocationZone:)`.
    public static let standard = ReturnPolicy(
        windowDays: 30, transitBufferDays: 7, timeZone: TimeZone(identifier: "UTC")!, holidayExtension: nil, finalSaleSKUs: [],
        finalSaleCategories: [], resolutions: [.refund, .storeCredit, .exchange], methods: [.mail], restockingFeePercent: 0,
        returnShippingFee: 0, freeExchangeShipping: true, keepItThreshold: 0, approval: .automatic, inStoreLocations: [], shipBackDays: 30)

    /// The policy, or field errors naming what to fix.
    public func validated() throws(DomainError) -> ReturnPolicy {
        var v = Validator()
        v.range(windowDays, "window_days", 1...365)
        v.range(transitBufferDays, "transit_buffer_days", 0...60)
        if let holiday = holidayExtension {
            v.check(holiday.placedFrom <= holiday.placedThrough, "holiday_extension.placed_through", "must not be before placed_from")
            v.check(holiday.returnableThrough >= holiday.placedThrough, "holiday_extension.returnable_through", "must not be before placed_through")
        }
        v.count(finalSaleSKUs.count, "final_sale_skus", 0...1000)
        // Sets have no positions to name: the first bad entry speaks for the list.
        for sku in finalSaleSKUs.sorted() where !v.text(sku, "final_sale_skus", min: 1, max: 100) { break }
        v.count(finalSaleCategories.count, "final_sale_categories", 0...100)
        for category in finalSaleCategories.sorted() where !v.text(category, "final_sale_categories", min: 1, max: 100) { break }
        for (index, code) in inStoreLocations.enumerated() { v.text(code, "in_store_locations[\(index)]", min: 1, max: 64) }
        v.check(!resolutions.isEmpty, "resolutions", "must allow at least one resolution")
        v.check(!methods.isEmpty, "methods", "must allow at least one method")
        v.range(restockingFeePercent, "restocking_fee_percent", 0...100)
        v.range(returnShippingFee, "return_shipping_fee", 0...1_000_000)
        v.range(keepItThreshold, "keep_it_threshold", 0...1_000_000)
        v.range(shipBackDays, "ship_back_days", 1...365)
        v.check(!resolutions.contains(.reship), "resolutions", "cannot include reship: it is for claims against the carrier")
        v.check(!resolutions.contains(.keepItem) || keepItThreshold > 0, "keep_it_threshold", "must be above 0 when keep_item is allowed")
        v.check(!resolutions.contains(.keepItem) || methods.contains(.returnless), "methods", "must allow returnless when keep_item is allowed")
        v.check(!methods.contains(.inStore) || !inStoreLocations.isEmpty, "in_store_locations", "must name a location when in_store is allowed")
        v.count(inStoreLocations.count, "in_store_locations", 0...100)
        try v.finish()
        return self
    }
}

/// A stored version of a merchant's policy.
public struct ReturnPolicyVersion: Sendable, Equatable {
    /// 0 for the standard policy of a merchant that has set none.
    public var version: Int
    public var policy: ReturnPolicy
    public var effectiveAt: Date?

    public init(version: Int, policy: ReturnPolicy, effectiveAt: Date?) {
        self.version = version
        self.policy = policy
        self.effectiveAt = effectiveAt
    }

    /// What a merchant that has set no policy offers, as a version: its days counted in the time
    /// zone of the merchant's first fulfilment location, where its parcels leave from and its
    /// returns come back to (a deadline at the warehouse's midnight, not Greenwich's); UTC while
    /// it has none.
    public static func standard(firstLocationZone: TimeZone?) -> ReturnPolicyVersion {
        var policy = ReturnPolicy.standard
        policy.timeZone = firstLocationZone ?? policy.timeZone
        return ReturnPolicyVersion(version: 0, policy: policy, effectiveAt: nil)
    }

    /// The versions the merchant's orders are judged by, oldest first: those it `stored`, or the
    /// standard one while it has set none.
    public static func history(stored: [ReturnPolicyVersion], firstLocationZone: TimeZone?) -> [ReturnPolicyVersion] {
        stored.isEmpty ? [standard(firstLocationZone: firstLocationZone)] : stored
    }

    /// The version an order placed at `placedAt` is judged by: the last one in force then; an
    /// order placed before the first version takes the first (the standard policy stands in only
    /// while the merchant has set none: it was never the merchant's). `versions` oldest first
    /// (`history`).
    public static func inForce(at placedAt: Date, among versions: [ReturnPolicyVersion]) -> ReturnPolicyVersion {
        versions.last { ($0.effectiveAt ?? .distantPast) <= placedAt } ?? versions.first ?? standard(firstLocationZone: nil)
    }
}
