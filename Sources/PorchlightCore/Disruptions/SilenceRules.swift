import Foundation

extension WorkCalendar {
    /// The hours between `start` and `end` that fall on the calendar's open days, the days
    /// counted in `timeZone`: how long a parcel has been silent in working time. Counting stops
    /// at `limit` hours (the caller needs no more), so an old parcel costs no more than a new one.
    public func openHours(from start: Date, to end: Date, in timeZone: TimeZone, atMost limit: Double = .infinity) -> Double {
        guard end > start else { return 0 }
        var seconds = 0.0
        var day = LocalDate(start, in: timeZone)
        let last = LocalDate(end, in: timeZone)
        while day <= last, seconds < limit * 3600 {
            if isOpen(day) {
                let opens = day.instant(atMinute: 0, in: timeZone)
                let closes = day.adding(days: 1).instant(atMinute: 0, in: timeZone)
                seconds += max(0, min(end, closes).timeIntervalSince(max(start, opens)))
            }
            day = day.adding(days: 1)
        }
        return min(seconds / 3600, limit)
    }
}

/// How long a parcel may stay silent before it is a disruption, in working hours, per status.
public struct DisruptionThresholds: Sendable, Equatable, Codable {
    /// A label created and no carrier scan since: the parcel was forgotten at the warehouse (a
    /// delay, never more).
    public var labelCreatedHours: Int
    /// On its way and no scan since: a delay, and twice as long a long delay.
    public var inTransitHours: Int
    /// Out for delivery and no scan since: a delay, and twice as long a long delay.
    public var outForDeliveryHours: Int

    public init(labelCreatedHours: Int, inTransitHours: Int, outForDeliveryHours: Int) {
        (self.labelCreatedHours, self.inTransitHours, self.outForDeliveryHours) = (labelCreatedHours, inTransitHours, outForDeliveryHours)
    }

    /// A working day without a first scan, two on the way, one out for delivery.
    public static let standard = DisruptionThresholds(labelCreatedHours: 24, inTransitHours: 48, outForDeliveryHours: 24)
    public static let hoursRange = 1...720

    func validate(_ field: String, _ v: inout Validator) {
        v.range(labelCreatedHours, "\(field).label_created_hours", Self.hoursRange)
        v.range(inTransitHours, "\(field).in_transit_hours", Self.hoursRange)
        v.range(outForDeliveryHours, "\(field).out_for_delivery_hours", Self.hoursRange)
    }
}

/// The merchant's thresholds: its own defaults, and some for particular carrier services.
public struct DisruptionSettings: Sendable, Equatable, Codable {
    public struct ForService: Sendable, Equatable, Codable {
        public var carrier: String
        /// Nil: every service of the carrier without thresholds of its own.
        public var serviceLevel: String?
        public var thresholds: DisruptionThresholds

        public init(carrier: String, serviceLevel: String?, thresholds: DisruptionThresholds) {
            (self.carrier, self.serviceLevel, self.thresholds) = (carrier, serviceLevel, thresholds)
        }
    }

    public var thresholds: DisruptionThresholds
    public var byService: [ForService]

    public init(thresholds: DisruptionThresholds, byService: [ForService]) {
        (self.thresholds, self.byService) = (thresholds, byService)
    }

    public static let standard = DisruptionSettings(thresholds: .standard, byService: [])
    public static let maxServices = 100

    /// A parcel's thresholds: its carrier service's, else its carrier's, else the merchant's.
    /// (Carriers are stored lower-cased; service levels compare without regard to case.)
    func thresholds(for shipment: ShipmentRecord) -> DisruptionThresholds {
        let carrier = byService.filter { $0.carrier.lowercased() == shipment.carrier.lowercased() }
        let exact = carrier.first { entry in
            entry.serviceLevel.map { level in shipment.serviceLevel.map { level.caseInsensitiveCompare($0) == .orderedSame } ?? false } ?? false
        }
        return (exact ?? carrier.first { $0.serviceLevel == nil })?.thresholds ?? thresholds
    }

    public func validate() throws(DomainError) {
        var v = Validator()
        thresholds.validate("thresholds", &v)
        v.count(byService.count, "by_service", 0...Self.maxServices)
        var seen = Set<String>()
        for (index, entry) in byService.prefix(Self.maxServices).enumerated() {
            v.code(entry.carrier, "by_service[\(index)].carrier")
            v.code(entry.serviceLevel, "by_service[\(index)].service_level")
            entry.thresholds.validate("by_service[\(index)].thresholds", &v)
            let key = "\(entry.carrier.lowercased())/\(entry.serviceLevel?.lowercased() ?? "")"
            v.check(seen.insert(key).inserted, "by_service[\(index)]", "repeats a carrier and service level")
        }
        try v.finish()
    }
}

/// The calendars silence is counted in: a label waits on the location's working days; a parcel
/// on its way on its carrier service's delivery days, less the location's holidays. Monday to
/// Friday for what the merchant has not set up. A declared disruption's extra days are counted
/// in the same delivery days (`deliveryCalendar(of:)`).
public struct SilenceCalendars: Sendable, Equatable {
    /// The promise's fulfilment location: its working days and holidays.
    public var location: WorkCalendar?
    /// The delivery days of the carrier services of the order's parcels, by `key`.
    public var deliveryDays: [ServiceKey: Set<Weekday>]

    public init(location: WorkCalendar?, deliveryDays: [ServiceKey: Set<Weekday>]) {
        (self.location, self.deliveryDays) = (location, deliveryDays)
    }

    public static let standard = SilenceCalendars(location: nil, deliveryDays: [:])

    func forLabel() -> WorkCalendar {
        location ?? WorkCalendar(days: Weekday.mondayToFriday)
    }

    func onTheWay(_ shipment: ShipmentRecord) -> WorkCalendar {
        WorkCalendar(days: deliveryCalendar(of: shipment).days, holidays: location?.holidays ?? [])
    }

    /// The days the parcel's carrier service delivers on, as the promise engine counts transit.
    func deliveryCalendar(of shipment: ShipmentRecord) -> WorkCalendar {
        WorkCalendar(days: deliveryDays[Self.key(carrier: shipment.carrier, serviceLevel: shipment.serviceLevel ?? "")] ?? Weekday.mondayToFriday)
    }

    /// Carrier services compare without regard to case, as the thresholds' do.
    public static func key(carrier: String, serviceLevel: String) -> ServiceKey {
        ServiceKey(carrier: carrier.lowercased(), serviceLevel: serviceLevel.lowercased())
    }
}
