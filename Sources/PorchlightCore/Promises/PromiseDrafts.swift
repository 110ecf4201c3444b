import Foundation

/// `HH:MM` clock times, as minutes after midnight.
public enum ClockTime {
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes)
        else { return nil }
        return hours * 60 + minutes
    }

    public static func text(_ minutes: Int) -> String {
        String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }
}

/// A location as a client sends it; `validate` turns it into the domain value or names every fault.
public struct LocationDraft: Sendable {
    public var code, country, timeZone, cutoffTime: String
    public var name, region, postalCode: String?
    public var handlingDays: Int
    public var workingDays: [Weekday]
    public var holidays: [String]

    public init(code: String, name: String?, country: String, region: String?, postalCode: String?, timeZone: String,
                cutoffTime: String, handlingDays: Int, workingDays: [Weekday], holidays: [String]) {
        (self.code, self.name, self.country, self.region, self.postalCode) = (code, name, country, region, postalCode)
        (self.timeZone, self.cutoffTime, self.handlingDays, self.workingDays, self.holidays) = (timeZone, cutoffTime, handlingDays, workingDays, holidays)
    }

    public func validate() throws(DomainError) -> FulfilmentLocation {
        var v = Validator()
        v.code(code, "location_code")
        v.text(name, "name", max: 200)
        v.check(Formats.countryCodes.contains(country), "country", "must be an ISO 3166-1 alpha-2 country code such as RO")
        v.text(region, "region", max: 100)
        v.text(postalCode, "postal_code", max: 20)
        let zone = TimeZone(identifier: timeZone)
        v.check(zone != nil && timeZone.contains("/") || timeZone == "UTC", "time_zone", "must be an IANA time zone such as Europe/Bucharest")
        let cutoff = ClockTime.minutes(cutoffTime)
        v.check(cutoff != nil, "cutoff_time", "must be a local time HH:MM such as 14:00")
        v.range(handlingDays, "handling_days", 0...30)
        v.check(!workingDays.isEmpty && Set(workingDays).count == workingDays.count, "working_days", "must name 1 to 7 different weekdays")
        v.count(holidays.count, "holidays", 0...366)
        let dates = holidays.map(LocalDate.init)
        for (index, date) in dates.enumerated() where date == nil {
            v.fail("holidays[\(index)]", "must be a date YYYY-MM-DD")
        }
        try v.finish()
        return FulfilmentLocation(code: code, name: name, country: country, region: region, postalCode: postalCode,
                                  timeZone: zone!, cutoffMinutes: cutoff!, handlingDays: handlingDays,
                                  workingDays: WorkCalendar(days: Set(workingDays), holidays: Set(dates.compactMap { $0 })))
    }
}

/// A carrier service as a client sends it.
public struct CarrierServiceDraft: Sendable {
    public struct Baseline: Sendable {
        public var country: String
        public var region: String?
        public var minDays, maxDays: Int
        public init(country: String, region: String?, minDays: Int, maxDays: Int) {
            (self.country, self.region, self.minDays, self.maxDays) = (country, region, minDays, maxDays)
        }
    }

    public struct Slot: Sendable {
        public var start, end: String
        public var capacity: Int
        public init(start: String, end: String, capacity: Int) {
            (self.start, self.end, self.capacity) = (start, end, capacity)
        }
    }

    public var carrier, serviceLevel: String
    public var pickupDays, deliveryDays: [Weekday]
    public var baseline: [Baseline]
    public var scheduled: (minimumLeadDays: Int, horizonDays: Int, slots: [Slot])?
    public var deliveryActions: [DeliveryActionKind]?

    public init(carrier: String, serviceLevel: String, pickupDays: [Weekday], deliveryDays: [Weekday], baseline: [Baseline],
                scheduled: (minimumLeadDays: Int, horizonDays: Int, slots: [Slot])?, deliveryActions: [DeliveryActionKind]? = nil) {
        (self.carrier, self.serviceLevel, self.pickupDays, self.deliveryDays) = (carrier.lowercased(), serviceLevel, pickupDays, deliveryDays)
        (self.baseline, self.scheduled, self.deliveryActions) = (baseline, scheduled, deliveryActions)
    }

    public func validate() throws(DomainError) -> CarrierService {
        var v = Validator()
        v.code(carrier, "carrier")
        v.code(serviceLevel, "service_level")
        for (field, days) in [("pickup_days", pickupDays), ("delivery_days", deliveryDays)] {
            v.check(!days.isEmpty && Set(days).count == days.count, field, "must name 1 to 7 different weekdays")
        }
        v.count(baseline.count, "baseline_transit", 1...300)
        var seen = Set<String>()
        for (index, entry) in baseline.enumerated() {
            let field = "baseline_transit[\(index)]"
            v.check(Formats.countryCodes.contains(entry.country), "\(field).country", "must be an ISO 3166-1 alpha-2 country code such as RO")
            v.text(entry.region, "\(field).region", min: 1, max: 100)
            v.range(entry.minDays, "\(field).min_days", 0...60)
            v.range(entry.maxDays, "\(field).max_days", 0...60)
            v.check(entry.minDays <= entry.maxDays, "\(field).max_days", "must be at least min_days")
            v.check(seen.insert("\(entry.country)/\(entry.region ?? "")").inserted, field, "repeats a country and region given earlier")
        }
        var scheduledDelivery: ScheduledDelivery?
        if let scheduled {
            v.range(scheduled.minimumLeadDays, "scheduled_delivery.minimum_lead_days", 0...60)
            v.range(scheduled.horizonDays, "scheduled_delivery.horizon_days", 1...30)
            v.count(scheduled.slots.count, "scheduled_delivery.slots", 1...24)
            var slots: [ScheduledDelivery.Slot] = []
            for (index, slot) in scheduled.slots.enumerated() {
                let field = "scheduled_delivery.slots[\(index)]"
                let start = ClockTime.minutes(slot.start), end = ClockTime.minutes(slot.end)
                v.check(start != nil, "\(field).start", "must be a local time HH:MM")
                v.check(end != nil, "\(field).end", "must be a local time HH:MM")
                if let start, let end {
                    v.check(start < end, "\(field).end", "must be after start")
                    v.check(!slots.contains { $0.startMinutes == start }, "\(field).start", "repeats the start of an earlier slot")
                    slots.append(.init(startMinutes: start, endMinutes: end, capacity: slot.capacity))
                }
                v.range(slot.capacity, "\(field).capacity", 1...100_000)
            }
            scheduledDelivery = ScheduledDelivery(minimumLeadDays: scheduled.minimumLeadDays, horizonDays: scheduled.horizonDays, slots: slots)
        }
        if let deliveryActions {
            v.check(Set(deliveryActions).count == deliveryActions.count, "ndr_actions", "must name each action at most once")
        }
        try v.finish()
        return CarrierService(
            carrier: carrier, serviceLevel: serviceLevel,
            pickupDays: WorkCalendar(days: Set(pickupDays)), deliveryDays: WorkCalendar(days: Set(deliveryDays)),
            baselineTransit: baseline.map { BaselineTransit(country: $0.country, region: $0.region, days: $0.minDays...$0.maxDays) },
            scheduledDelivery: scheduledDelivery, deliveryActions: deliveryActions.map(Set.init))
    }
}

/// A quote request as a client sends it.
public struct QuoteDraft: Sendable {
    public static let furthestPast: TimeInterval = 3_600
    public static let furthestFuture: TimeInterval = 90 * 86_400

    public var location: String
    public var destination: Destination
    public var at: Date?
    public var services: [ServiceKey]?

    public init(location: String, destination: Destination, at: Date?, services: [ServiceKey]?) {
        self.location = location
        self.destination = Destination(country: destination.country, region: destination.region,
                                       postalCode: destination.postalCode.map(Formats.normalizedPostalCode))
        self.at = at
        self.services = services?.map { ServiceKey(carrier: $0.carrier.lowercased(), serviceLevel: $0.serviceLevel) }
    }

    /// The instant the quote is for.
    public func validate(now: Date) throws(DomainError) -> Date {
        var v = Validator()
        v.text(location, "location", min: 1, max: 64)
        v.check(Formats.countryCodes.contains(destination.country), "destination.country", "must be an ISO 3166-1 alpha-2 country code such as RO")
        v.text(destination.region, "destination.region", max: 100)
        if let postalCode = destination.postalCode {
            v.check(Formats.isPostalCode(postalCode), "destination.postal_code", "must be 2 to 10 letters and digits, e.g. 400001")
        }
        let at = self.at ?? now
        v.check(at >= now.addingTimeInterval(-Self.furthestPast), "at", "must not be more than 1 hour in the past")
        v.check(at <= now.addingTimeInterval(Self.furthestFuture), "at", "must be at most 90 days ahead")
        if let services { v.count(services.count, "services", 1...50) }
        try v.finish()
        return at
    }
}
