import Foundation

/// A bookable delivery slot as a quote offers it.
public struct QuotedSlot: Codable, Sendable, Equatable {
    public var slotID: String
    public var date: String
    public var start: String
    public var end: String
    public var capacity: Int
    public var remaining: Int

    // Spelled so that snake_case conversion round-trips "slot_id".
    enum CodingKeys: String, CodingKey {
        case slotID = "slotId", date, start, end, capacity, remaining
    }

    public init(slotID: String, date: String, start: String, end: String, capacity: Int, remaining: Int) {
        (self.slotID, self.date, self.start, self.end, self.capacity, self.remaining) = (slotID, date, start, end, capacity, remaining)
    }
}

/// One option of a quote, as stored with the quote and shown to the client.
public struct QuotedOption: Codable, Sendable, Equatable {
    public var optionID: String
    public var carrier: String
    public var serviceLevel: String
    public var orderBy: Date
    public var handlingStartsOn: String
    public var earliest: String
    public var latest: String
    public var confidence: Double
    public var transitBasis: EstimateBasis
    public var handlingBasis: EstimateBasis
    public var slots: [QuotedSlot]
    /// The raw forecast (cumulative probability by day from `handlingStartsOn`), kept with the
    /// promise so its outcome can recalibrate later promises.
    public var forecast: [Double]

    enum CodingKeys: String, CodingKey {
        case optionID = "optionId", carrier, serviceLevel, orderBy, handlingStartsOn, earliest, latest, confidence
        case transitBasis, handlingBasis, slots, forecast
    }

    public init(_ option: DeliveryOption, slots: [QuotedSlot]) {
        optionID = Self.id(for: option.service)
        carrier = option.service.carrier
        serviceLevel = option.service.serviceLevel
        orderBy = option.orderBy
        handlingStartsOn = option.handlingStartsOn.description
        earliest = option.window.earliest.description
        latest = option.window.latest.description
        confidence = option.window.statedConfidence
        transitBasis = option.transitBasis
        handlingBasis = option.handlingBasis
        self.slots = slots
        forecast = option.forecast
    }

    public static func id(for service: ServiceKey) -> String {
        "\(service.carrier):\(service.serviceLevel)"
    }
}

public struct DeliveryQuote: Sendable {
    public static let lifetime: TimeInterval = 30 * 60

    public var id: UUID
    public var location: String
    public var destination: Destination
    public var quotedAt: Date
    public var expiresAt: Date
    public var options: [QuotedOption]

    public init(id: UUID, location: String, destination: Destination, quotedAt: Date, expiresAt: Date, options: [QuotedOption]) {
        (self.id, self.location, self.destination, self.quotedAt, self.expiresAt, self.options) = (id, location, destination, quotedAt, expiresAt, options)
    }
}

/// The quote option (and slot) a customer chose at checkout.
public struct DeliverySelection: Sendable, Equatable {
    public var quoteID: UUID
    public var optionID: String
    public var slotID: String?

    public init(quoteID: UUID, optionID: String, slotID: String?) {
        (self.quoteID, self.optionID, self.slotID) = (quoteID, optionID, slotID)
    }
}

extension ScheduledDelivery {
    /// The days that offer slots: delivery days no earlier than the option's latest date (so the
    /// parcel is there in time) nor than `minimumLeadDays` after the order, `horizonDays` of them.
    public func slotDays(after window: DeliveryWindow, orderedOn: LocalDate, deliveryDays: WorkCalendar) -> [LocalDate] {
        var day = deliveryDays.firstOpen(onOrAfter: max(window.latest, orderedOn.adding(days: minimumLeadDays)))
        var days: [LocalDate] = []
        for _ in 0..<horizonDays {
            days.append(day)
            day = deliveryDays.advance(day, by: 1)
        }
        return days
    }

    public static func slotID(day: LocalDate, slot: Slot) -> String {
        "\(day)/\(ClockTime.text(slot.startMinutes))"
    }
}
