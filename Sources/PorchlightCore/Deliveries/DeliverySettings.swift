import Foundation

/// What a customer may ask the carrier to do after a failed delivery attempt.
public enum DeliveryActionKind: String, Sendable, Codable, CaseIterable {
    /// Deliver again on a chosen day.
    case reattempt
    /// Deliver again with instructions for the driver (a gate code, a safe place).
    case instructions
    /// Deliver again to a corrected address in the same country.
    case addressChange = "address_change"
    /// Take it to one of the merchant's pick-up points.
    case pickupPoint = "pickup_point"
    /// Send it back to the merchant: its carrier claim is resolved by a refund (`keepClaimInStep`).
    case returnToSender = "return_to_sender"

    /// Whether a customer with this proof may ask for it: a postal-code look-up is guessable,
    /// so it may only ask for the parcel to come again as addressed.
    public func allowed(for proof: CustomerProof) -> Bool {
        proof.satisfies(.email) || self == .reattempt
    }
}

/// Opening hours of a pick-up point on some weekdays, `HH:MM` local time.
public struct OpeningHours: Sendable, Equatable, Codable {
    public var days: [Weekday]
    public var opens: String
    public var closes: String

    public init(days: [Weekday], opens: String, closes: String) { (self.days, self.opens, self.closes) = (days, opens, closes) }
}

/// A place the merchant lets customers redirect a parcel to.
public struct PickupPoint: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var address: Address
    public var openingHours: [OpeningHours]

    public init(id: String, name: String, address: Address, openingHours: [OpeningHours]) {
        (self.id, self.name, self.address, self.openingHours) = (id, name, address, openingHours)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, address, openingHours = "opening_hours"
    }
}

/// The merchant's settings for failed deliveries.
public struct DeliverySettings: Sendable, Equatable, Codable {
    /// How long the customer has to choose, in working hours of the destination (Monday to
    /// Friday, less its public holidays).
    public var actionWindowHours: Int
    /// How many days ahead a reattempt may be asked for.
    public var reattemptDays: Int
    /// What happens when nobody chose in time: `reattempt` (on the first day the carrier
    /// delivers) or `return_to_sender`.
    public var defaultAction: DeliveryActionKind
    public var pickupPoints: [PickupPoint]
    /// For how many minutes after placing an order its customer may cancel it themselves (until
    /// a parcel is handed to the carrier); 0: not at all.
    public var selfCancelMinutes: Int

    public init(actionWindowHours: Int, reattemptDays: Int, defaultAction: DeliveryActionKind, pickupPoints: [PickupPoint], selfCancelMinutes: Int = 0) {
        (self.actionWindowHours, self.reattemptDays, self.defaultAction, self.pickupPoints, self.selfCancelMinutes)
            = (actionWindowHours, reattemptDays, defaultAction, pickupPoints, selfCancelMinutes)
    }

    public static let standard = DeliverySettings(actionWindowHours: 48, reattemptDays: 5, defaultAction: .returnToSender, pickupPoints: [])
    public static let selfCancelRange = 0...10_080
    public static let actionWindowRange = 4...240
    public static let reattemptDaysRange = 1...14
    public static let maxPickupPoints = 100

    enum CodingKeys: String, CodingKey {
        case actionWindowHours = "action_window_hours", reattemptDays = "reattempt_days", defaultAction = "default_action"
        case pickupPoints = "pickup_points", selfCancelMinutes = "self_cancel_minutes"
    }

    /// Every field to fix: bounds, a default that needs no customer input, pick-up points with
    /// unique codes, a valid address and opening hours that open before they close.
    public func validate() throws(DomainError) {
        var v = Validator()
        v.range(actionWindowHours, "action_window_hours", Self.actionWindowRange)
        v.range(reattemptDays, "reattempt_days", Self.reattemptDaysRange)
        v.range(selfCancelMinutes, "self_cancel_minutes", Self.selfCancelRange)
        v.check([.reattempt, .returnToSender].contains(defaultAction), "default_action", "must be reattempt or return_to_sender: the others need the customer's input")
        v.count(pickupPoints.count, "pickup_points", 0...Self.maxPickupPoints)
        v.check(Set(pickupPoints.map(\.id)).count == pickupPoints.count, "pickup_points", "must give each point its own id")
        for (index, point) in pickupPoints.prefix(Self.maxPickupPoints).enumerated() {
            let field = "pickup_points[\(index)]"
            v.code(point.id, "\(field).id")
            v.text(point.name, "\(field).name", min: 1, max: 200)
            DeliveryAddress.check(point.address, "\(field).address", in: &v)
            v.count(point.openingHours.count, "\(field).opening_hours", 1...14)
            for (position, hours) in point.openingHours.enumerated() {
                let at = "\(field).opening_hours[\(position)]"
                v.count(hours.days.count, "\(at).days", 1...7)
                let (opens, closes) = (ClockTime.minutes(hours.opens), ClockTime.minutes(hours.closes))
                v.check(opens != nil, "\(at).opens", "must be a time as HH:MM")
                v.check(closes != nil, "\(at).closes", "must be a time as HH:MM")
                if let opens, let closes { v.check(opens < closes, "\(at).closes", "must be after opens") }
            }
        }
        try v.finish()
    }
}

/// The address rules for a parcel's new destination: the fields carriers take, each within
/// bounds, and a postal code in the country's format.
public enum DeliveryAddress {
    public static func check(_ address: Address, _ field: String, in v: inout Validator) {
        v.text(address.name, "\(field).name", max: 200)
        v.text(address.line1, "\(field).line1", min: 1, max: 200)
        v.text(address.line2, "\(field).line2", max: 200)
        v.text(address.city, "\(field).city", min: 1, max: 100)
        v.text(address.region, "\(field).region", max: 100)
        v.check(Formats.countryCodes.contains(address.country), "\(field).country", "must be an ISO 3166-1 alpha-2 country code")
        if let code = address.postalCode {
            v.check(Countries.hasPostalFormat(code, country: address.country), "\(field).postal_code",
                    "is not a postal code of \(address.country)" + (Countries.postalFormatExample(address.country).map { " (for example \($0))" } ?? ""))
        } else {
            v.fail("\(field).postal_code", "is required")
        }
    }
}
