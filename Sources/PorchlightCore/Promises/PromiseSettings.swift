import Foundation

/// Where parcels leave from: a warehouse or a store, with the clock and calendar it works by.
public struct FulfilmentLocation: Sendable, Equatable {
    public var code: String
    public var name: String?
    public var country: String
    public var region: String?
    public var postalCode: String?
    public var timeZone: TimeZone
    /// Orders placed before this local time on a working day start being handled that day.
    public var cutoffMinutes: Int
    /// Working days from the start of handling to the hand-off, until shipments teach better.
    public var handlingDays: Int
    public var workingDays: WorkCalendar

    public init(code: String, name: String? = nil, country: String, region: String?, postalCode: String? = nil,
                timeZone: TimeZone, cutoffMinutes: Int, handlingDays: Int, workingDays: WorkCalendar) {
        self.code = code
        self.name = name
        self.country = country
        self.region = region
        self.postalCode = postalCode
        self.timeZone = timeZone
        self.cutoffMinutes = cutoffMinutes
        self.handlingDays = handlingDays
        self.workingDays = workingDays
    }

    /// The first day an order placed at `instant` can be worked on: today before the cut-off on a
    /// working day, otherwise the next working day.
    public func handlingStart(forOrderPlacedAt instant: Date) -> LocalDate {
        let today = LocalDate(instant, in: timeZone)
        if workingDays.isOpen(today) && instant < today.instant(atMinute: cutoffMinutes, in: timeZone) {
            return today
        }
        return workingDays.firstOpen(onOrAfter: today.adding(days: 1))
    }
}

/// A configured transit range for destinations in a country, or one region of it.
public struct BaselineTransit: Sendable, Equatable {
    public var country: String
    public var region: String?
    public var days: ClosedRange<Int>

    public init(country: String, region: String? = nil, days: ClosedRange<Int>) {
        self.country = country
        self.region = region
        self.days = days
    }
}

/// Scheduled delivery: customers ordering at least `minimumLeadDays` ahead may pick a time slot.
public struct ScheduledDelivery: Sendable, Equatable {
    public struct Slot: Sendable, Equatable {
        public var startMinutes: Int
        public var endMinutes: Int
        public var capacity: Int

        public init(startMinutes: Int, endMinutes: Int, capacity: Int) {
            self.startMinutes = startMinutes
            self.endMinutes = endMinutes
            self.capacity = capacity
        }
    }

    public var minimumLeadDays: Int
    /// How many delivery days, from the first one allowed, offer slots.
    public var horizonDays: Int
    public var slots: [Slot]

    public init(minimumLeadDays: Int, horizonDays: Int, slots: [Slot]) {
        self.minimumLeadDays = minimumLeadDays
        self.horizonDays = horizonDays
        self.slots = slots
    }
}

public struct ServiceKey: Sendable, Hashable, CustomStringConvertible {
    public var carrier: String
    public var serviceLevel: String

    public init(carrier: String, serviceLevel: String) {
        self.carrier = carrier
        self.serviceLevel = serviceLevel
    }

    public var description: String { "\(carrier)/\(serviceLevel)" }
}

/// A carrier's service as the merchant uses it.
public struct CarrierService: Sendable, Equatable {
    public var carrier: String
    public var serviceLevel: String
    public var pickupDays: WorkCalendar
    public var deliveryDays: WorkCalendar
    public var baselineTransit: [BaselineTransit]
    public var scheduledDelivery: ScheduledDelivery?
    /// What the carrier does after a failed attempt when asked (NDR actions); nil: every action.
    public var deliveryActions: Set<DeliveryActionKind>?

    public init(carrier: String, serviceLevel: String, pickupDays: WorkCalendar, deliveryDays: WorkCalendar,
                baselineTransit: [BaselineTransit], scheduledDelivery: ScheduledDelivery? = nil, deliveryActions: Set<DeliveryActionKind>? = nil) {
        self.deliveryActions = deliveryActions
        self.carrier = carrier
        self.serviceLevel = serviceLevel
        self.pickupDays = pickupDays
        self.deliveryDays = deliveryDays
        self.baselineTransit = baselineTransit
        self.scheduledDelivery = scheduledDelivery
    }

    public var key: ServiceKey { ServiceKey(carrier: carrier, serviceLevel: serviceLevel) }

    /// The configured range for a destination: its region's, else its country's; nil where the
    /// service does not deliver.
    public func baseline(for destination: Destination) -> ClosedRange<Int>? {
        let inCountry = baselineTransit.filter { $0.country == destination.country }
        if let region = destination.region, let match = inCountry.first(where: { $0.region == region }) {
            return match.days
        }
        return inCountry.first(where: { $0.region == nil })?.days
    }
}

public struct Destination: Sendable, Equatable {
    public var country: String
    public var region: String?
    public var postalCode: String?

    public init(country: String, region: String?, postalCode: String? = nil) {
        self.country = country
        self.region = region
        self.postalCode = postalCode
    }
}

/// How sure promises should be: the share of orders that should arrive by the promised date.
public struct PromisePolicy: Sendable, Equatable {
    public static let defaultOnTimeTarget = 0.93
    public static let onTimeTargets = 0.5...0.99

    public var onTimeTarget: Double

    public init(onTimeTarget: Double = PromisePolicy.defaultOnTimeTarget) {
        self.onTimeTarget = onTimeTarget
    }

    /// A target a merchant asked for, refused outside `onTimeTargets`.
    public init(validating onTimeTarget: Double) throws(DomainError) {
        var v = Validator()
        v.check(Self.onTimeTargets.contains(onTimeTarget), "on_time_target", "must be between 0.5 and 0.99")
        try v.finish()
        self.init(onTimeTarget: onTimeTarget)
    }

    /// The window opens at the mirror-image quantile, so it holds the central mass of outcomes.
    public var earliestLevel: Double { 1 - onTimeTarget }
}
