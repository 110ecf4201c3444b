import Foundation

public struct ShipmentDraft: Sendable, Equatable {
    /// Stored lower-cased, so `DHL` and `dhl` are one carrier.
    public var carrier: String
    public var serviceLevel: String?
    public var trackingNumber: String
    public var originLocation: String?
    public var lines: [LineQuantity]

    public init(carrier: String, serviceLevel: String?, trackingNumber: String, originLocation: String?, lines: [LineQuantity]) {
        self.carrier = carrier.lowercased()
        self.serviceLevel = serviceLevel
        self.trackingNumber = trackingNumber
        self.originLocation = originLocation
        self.lines = lines
    }

    public func validate() throws(DomainError) {
        var v = Validator()
        v.code(carrier, "carrier")
        v.text(serviceLevel, "service_level", min: 1, max: 64)
        v.text(trackingNumber, "tracking_number", min: 1, max: 64)
        v.check(trackingNumber.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") },
                "tracking_number", "must use only letters, digits and '-'")
        v.text(originLocation, "origin_location", min: 1, max: 64)
        LineQuantity.validate(lines, &v)
        try v.finish()
    }
}

/// Stored as JSON (snake_case keys); the order load reads each key by name
/// (`OrderAggregates.ShipmentsQuery`): a new field is added there too.
public struct EventLocation: Sendable, Codable, Equatable {
    public var city: String?
    public var region: String?
    public var postalCode: String?
    public var country: String?

    public init(city: String?, region: String?, postalCode: String?, country: String?) {
        self.city = city
        self.region = region
        self.postalCode = postalCode
        self.country = country
    }
}

/// A carrier tracking event as posted by a feed.
public struct TrackingEventDraft: Sendable, Equatable {
    public var status: TrackingStatus
    public var substatus: TrackingSubstatus?
    public var carrierStatusCode: String?
    public var carrierStatusText: String?
    public var location: EventLocation?
    public var occurredAt: Date
    public var carrierEventId: String?

    public init(status: TrackingStatus, substatus: TrackingSubstatus?, carrierStatusCode: String?, carrierStatusText: String?, location: EventLocation?, occurredAt: Date, carrierEventId: String?) {
        self.status = status
        self.substatus = substatus
        self.carrierStatusCode = carrierStatusCode
        self.carrierStatusText = carrierStatusText
        self.location = location
        self.occurredAt = occurredAt
        self.carrierEventId = carrierEventId
    }

    /// Identifies an event across redeliveries: the carrier's own id when it sends one, otherwise
    /// what the event says (status, time to the millisecond, code and place).
    public var deduplicationKey: String {
        if let carrierEventId { return "id:\(carrierEventId)" }
        let millis = Int64((occurredAt.timeIntervalSince1970 * 1000).rounded())
        let place = [location?.city, location?.postalCode, location?.country].map { $0 ?? "" }
        return (["ev", status.rawValue, String(millis), carrierStatusCode ?? ""] + place).joined(separator: "|")
    }

    public static let maxBatch = 500

    /// Validates a batch; `now` rejects events claimed to happen more than a day from now.
    public static func validate(batch: [TrackingEventDraft], now: Date) throws(DomainError) {
        var v = Validator()
        v.count(batch.count, "events", 1...maxBatch)
        let earliest = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01
        for (index, event) in batch.enumerated() {
            let field = "events[\(index)]"
            v.check(event.status != .pending, "\(field).status", "must be a carrier status, not pending")
            v.text(event.carrierStatusCode, "\(field).carrier_status_code", max: 64)
            v.text(event.carrierStatusText, "\(field).carrier_status_text", max: 500)
            v.text(event.carrierEventId, "\(field).carrier_event_id", min: 1, max: 128)
            v.check(event.occurredAt >= earliest && event.occurredAt <= now.addingTimeInterval(86_400),
                    "\(field).occurred_at", "must be a time between 2000-01-01 and tomorrow")
            if let location = event.location {
                v.text(location.city, "\(field).location.city", max: 100)
                v.text(location.region, "\(field).location.region", max: 100)
                v.text(location.postalCode, "\(field).location.postal_code", max: 20)
                if let country = location.country {
                    v.check(Formats.countryCodes.contains(country), "\(field).location.country",
                            "must be an ISO 3166-1 alpha-2 country code such as DE")
                }
            }
        }
        try v.finish()
    }
}
