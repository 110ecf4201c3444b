import Foundation

/// Why the merchant declared a disruption.
public enum DisruptionCause: String, Sendable, CaseIterable, Codable {
    case weather
    case carrierDelay = "carrier_delay"
    case warehouseBacklog = "warehouse_backlog"
    case customs, strike, other
}

/// Which shipments a declared disruption holds up. Every key given must match (a parcel of one
/// of the carriers *and* to one of the countries); within a key, any item may. At least one key.
public struct DisruptionScope: Sendable, Equatable, Codable {
    public struct Carrier: Sendable, Equatable, Codable {
        public var carrier: String
        /// Nil: every service of the carrier.
        public var serviceLevel: String?
        public init(carrier: String, serviceLevel: String?) { (self.carrier, self.serviceLevel) = (carrier, serviceLevel) }
    }

    public struct Region: Sendable, Equatable, Codable {
        public var country: String
        public var region: String
        public init(country: String, region: String) { (self.country, self.region) = (country, region) }
    }

    public struct PostalPrefix: Sendable, Equatable, Codable {
        public var country: String
        public var prefix: String
        public init(country: String, prefix: String) { (self.country, self.prefix) = (country, prefix) }
    }

    public var carriers: [Carrier] = []
    public var destinationCountries: [String] = []
    public var destinationRegions: [Region] = []
    public var destinationPostalPrefixes: [PostalPrefix] = []
    /// Fulfilment location codes the parcels leave from.
    public var locations: [String] = []
    public var shipmentIDs: [UUID] = []

    public init() {}

    public var isEmpty: Bool {
        carriers.isEmpty && destinationCountries.isEmpty && destinationRegions.isEmpty && destinationPostalPrefixes.isEmpty
            && locations.isEmpty && shipmentIDs.isEmpty
    }

    /// Whether a parcel of the order is in scope.
    public func matches(_ shipment: ShipmentRecord, of order: OrderRecord) -> Bool {
        matches(ScopedParcel(shipment, of: order))
    }

    /// Whether the parcel is in scope. Carriers, service levels and regions compare without
    /// regard to case; postal codes as the service normalises them.
    public func matches(_ parcel: ScopedParcel) -> Bool {
        func same(_ a: String, _ b: String?) -> Bool { b.map { a.caseInsensitiveCompare($0) == .orderedSame } ?? false }
        let destination = parcel.destination
        let postalCode = destination.postalCode.map(Formats.normalizedPostalCode)
        return (carriers.isEmpty || carriers.contains { same($0.carrier, parcel.carrier) && ($0.serviceLevel.map { same($0, parcel.serviceLevel) } ?? true) })
            && (destinationCountries.isEmpty || destinationCountries.contains(destination.country))
            && (destinationRegions.isEmpty || destinationRegions.contains { $0.country == destination.country && same($0.region, destination.region) })
            && (destinationPostalPrefixes.isEmpty || destinationPostalPrefixes.contains { prefix in
                prefix.country == destination.country && postalCode?.hasPrefix(Formats.normalizedPostalCode(prefix.prefix)) == true
            })
            && (locations.isEmpty || locations.contains { same($0, parcel.location) })
            && (shipmentIDs.isEmpty || shipmentIDs.contains(parcel.shipmentID))
    }
}

/// What a disruption's scope looks at in a parcel: few enough facts that a declaration can find
/// the orders it may hold up without loading each whole.
public struct ScopedParcel: Sendable, Equatable {
    public var shipmentID: UUID
    public var carrier: String
    public var serviceLevel: String?
    /// The fulfilment location it leaves from: its own, else the order's promise's.
    public var location: String?
    /// The order's destination.
    public var destination: Address

    public init(shipmentID: UUID, carrier: String, serviceLevel: String?, location: String?, destination: Address) {
        (self.shipmentID, self.carrier, self.serviceLevel, self.location, self.destination) = (shipmentID, carrier, serviceLevel, location, destination)
    }

    public init(_ shipment: ShipmentRecord, of order: OrderRecord) {
        self.init(shipmentID: shipment.id, carrier: shipment.carrier, serviceLevel: shipment.serviceLevel,
                  location: shipment.originLocation ?? order.promise?.locationCode, destination: order.destination)
    }
}

/// A disruption the merchant declared: a storm, a strike, a backlog, holding up the parcels in
/// its scope by about `extraDays`.
public struct DeclaredDisruption: Sendable, Equatable {
    public var id: UUID
    public var cause: DisruptionCause
    public var scope: DisruptionScope
    public var startsAt: Date
    /// Nil: until the merchant resolves it.
    public var expectedEndAt: Date?
    public var extraDays: Int
    /// The merchant's own words for its customers, written in `customerMessageLanguage`, shown
    /// after the service's sentence to those reading it in that language (`DeclaredDelay.customerMessage(in:)`).
    public var customerMessage: String?
    public var customerMessageLanguage: CustomerLanguage
    /// Its words in other languages.
    public var customerMessages: [CustomerLanguage: String]
    public var resolvedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, cause: DisruptionCause, scope: DisruptionScope, startsAt: Date, expectedEndAt: Date?, extraDays: Int,
                customerMessage: String?, customerMessageLanguage: CustomerLanguage = .en, customerMessages: [CustomerLanguage: String] = [:],
                resolvedAt: Date?, createdAt: Date, updatedAt: Date) {
        (self.id, self.cause, self.scope, self.startsAt, self.expectedEndAt, self.extraDays) = (id, cause, scope, startsAt, expectedEndAt, extraDays)
        (self.customerMessage, self.customerMessageLanguage, self.customerMessages) = (customerMessage, customerMessageLanguage, customerMessages)
        (self.resolvedAt, self.createdAt, self.updatedAt) = (resolvedAt, createdAt, updatedAt)
    }

    public enum Status: String, Sendable, CaseIterable {
        /// Declared ahead of its start.
        case scheduled
        case active
        /// The merchant said it is over, or its expected end came (the detector pass records
        /// that as its resolution).
        case resolved
    }

    public func status(at now: Date) -> Status {
        endedAt(at: now) != nil ? .resolved : now < startsAt ? .scheduled : .active
    }

    /// When it ended, as of `now`: resolved by the merchant, or its expected end come.
    public func endedAt(at now: Date) -> Date? {
        if let resolvedAt { return resolvedAt }
        if let expectedEndAt, now >= expectedEndAt { return expectedEndAt }
        return nil
    }

    /// The next moment its status changes by time alone: its start, then its expected end.
    func nextChange(after now: Date) -> Date? {
        switch status(at: now) {
        case .scheduled: startsAt
        case .active: expectedEndAt
        case .resolved: nil
        }
    }

    public static let extraDaysRange = 0...60
    /// Disruptions a merchant may have not yet resolved: every order's load reads them.
    public static let maxUnresolved = 20
    public static let maxScopeItems = 100
    public static let maxShipmentIDs = 100
    public static let maxCustomerMessage = 500
}

/// What a declared disruption does to an order while it is active and holds up one of its
/// parcels still on the way: the worst one (most extra days) when several do.
public struct DeclaredDelay: Sendable, Equatable, Codable {
    public var disruptionID: UUID
    public var cause: DisruptionCause
    public var extraDays: Int
    /// The disruption's messages (`DeclaredDisruption.customerMessage`).
    public var customerMessage: String?
    public var customerMessageLanguage: CustomerLanguage
    public var customerMessages: [CustomerLanguage: String]
    /// The parcels it holds up: their estimates are the ones that move.
    public var shipmentIDs: [UUID]

    public init(disruptionID: UUID, cause: DisruptionCause, extraDays: Int, customerMessage: String?,
                customerMessageLanguage: CustomerLanguage = .en, customerMessages: [CustomerLanguage: String] = [:], shipmentIDs: [UUID]) {
        (self.disruptionID, self.cause, self.extraDays, self.shipmentIDs) = (disruptionID, cause, extraDays, shipmentIDs)
        (self.customerMessage, self.customerMessageLanguage, self.customerMessages) = (customerMessage, customerMessageLanguage, customerMessages)
    }

    /// What `disruption` does to the parcels it holds up.
    init(_ disruption: DeclaredDisruption, holding shipmentIDs: [UUID]) {
        self.init(disruptionID: disruption.id, cause: disruption.cause, extraDays: disruption.extraDays, customerMessage: disruption.customerMessage,
                  customerMessageLanguage: disruption.customerMessageLanguage, customerMessages: disruption.customerMessages, shipmentIDs: shipmentIDs)
    }

    /// The merchant's words for a customer reading `language`: those written in it, else none.
    /// Never another language's words after a sentence in the customer's own.
    public func customerMessage(in language: CustomerLanguage) -> String? {
        customerMessages[language] ?? (language == customerMessageLanguage ? customerMessage : nil)
    }

    /// Spelled out: the store finds orders by `disruption_id` in the stored JSON.
    enum CodingKeys: String, CodingKey {
        case disruptionID = "disruption_id", cause, extraDays = "extra_days", customerMessage = "customer_message"
        case customerMessageLanguage = "customer_message_language", customerMessages = "customer_messages", shipmentIDs = "shipment_ids"
    }

    /// Delays stored before messages had languages were English ones.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(disruptionID: try container.decode(UUID.self, forKey: .disruptionID), cause: try container.decode(DisruptionCause.self, forKey: .cause),
                  extraDays: try container.decode(Int.self, forKey: .extraDays),
                  customerMessage: try container.decodeIfPresent(String.self, forKey: .customerMessage),
                  customerMessageLanguage: try container.decodeIfPresent(CustomerLanguage.self, forKey: .customerMessageLanguage) ?? .en,
                  customerMessages: try container.decodeIfPresent([CustomerLanguage: String].self, forKey: .customerMessages) ?? [:],
                  shipmentIDs: try container.decode([UUID].self, forKey: .shipmentIDs))
    }

    /// A declared disruption of three days or more is a long delay; a shorter one a delay.
    public var severity: AlertSeverity { extraDays >= 3 ? .longDelay : .delay }
}

/// A disruption as the merchant declares it, before it is checked.
public struct DisruptionDraft: Sendable {
    public var cause: DisruptionCause
    public var scope: DisruptionScope
    public var startsAt: Date?
    public var expectedEndAt: Date?
    public var extraDays: Int?
    public var customerMessage: String?
    /// Nil: English.
    public var customerMessageLanguage: CustomerLanguage?
    /// By language tag, as given: Core checks the tags.
    public var customerMessages: [String: String]

    public init(cause: DisruptionCause, scope: DisruptionScope, startsAt: Date?, expectedEndAt: Date?, extraDays: Int?, customerMessage: String?,
                customerMessageLanguage: CustomerLanguage? = nil, customerMessages: [String: String] = [:]) {
        (self.cause, self.scope, self.startsAt, self.expectedEndAt, self.extraDays) = (cause, scope, startsAt, expectedEndAt, extraDays)
        (self.customerMessage, self.customerMessageLanguage, self.customerMessages) = (customerMessage, customerMessageLanguage, customerMessages)
    }

    /// The disruption declared at `now`, or every field to fix: a scope with nothing in it, an
    /// end not after the start or already past, too many items, unknown countries, messages in
    /// a language the service does not speak or twice in one.
    public func declared(id: UUID, now: Date) throws(DomainError) -> DeclaredDisruption {
        var v = Validator()
        scope.validate(&v)
        let startsAt = startsAt ?? now
        DeclaredDisruption.checkEnd(expectedEndAt, startsAt: startsAt, now: now, &v)
        let extraDays = extraDays ?? 0
        v.range(extraDays, "extra_days", DeclaredDisruption.extraDaysRange)
        v.text(customerMessage, "customer_message", min: 1, max: DeclaredDisruption.maxCustomerMessage)
        let declared = DeclaredDisruption(
            id: id, cause: cause, scope: scope, startsAt: startsAt, expectedEndAt: expectedEndAt, extraDays: extraDays,
            customerMessage: customerMessage, customerMessageLanguage: customerMessageLanguage ?? .en,
            customerMessages: DeclaredDisruption.messagesByLanguage(customerMessages, min: 1, &v), resolvedAt: nil, createdAt: now, updatedAt: now)
        declared.checkMessagesDoNotRepeat(&v)
        try v.finish()
        return declared
    }
}

extension DisruptionScope {
    func validate(_ v: inout Validator) {
        v.check(!isEmpty, "scope", "must name at least one carrier, destination, location or shipment")
        let limit = 0...DeclaredDisruption.maxScopeItems
        v.count(carriers.count, "scope.carriers", limit)
        v.count(destinationCountries.count, "scope.destination_countries", limit)
        v.count(destinationRegions.count, "scope.destination_regions", limit)
        v.count(destinationPostalPrefixes.count, "scope.destination_postal_prefixes", limit)
        v.count(locations.count, "scope.locations", limit)
        v.count(shipmentIDs.count, "scope.shipment_ids", 0...DeclaredDisruption.maxShipmentIDs)
        func country(_ code: String, _ field: String) {
            v.check(Formats.countryCodes.contains(code), field, "must be an ISO 3166-1 alpha-2 country code such as US")
        }
        for (index, carrier) in carriers.prefix(DeclaredDisruption.maxScopeItems).enumerated() {
            v.code(carrier.carrier, "scope.carriers[\(index)].carrier")
            v.code(carrier.serviceLevel, "scope.carriers[\(index)].service_level")
        }
        for (index, code) in destinationCountries.prefix(DeclaredDisruption.maxScopeItems).enumerated() {
            country(code, "scope.destination_countries[\(index)]")
        }
        for (index, region) in destinationRegions.prefix(DeclaredDisruption.maxScopeItems).enumerated() {
            country(region.country, "scope.destination_regions[\(index)].country")
            v.text(region.region, "scope.destination_regions[\(index)].region", min: 1, max: 64)
        }
        for (index, prefix) in destinationPostalPrefixes.prefix(DeclaredDisruption.maxScopeItems).enumerated() {
            country(prefix.country, "scope.destination_postal_prefixes[\(index)].country")
            if v.text(prefix.prefix, "scope.destination_postal_prefixes[\(index)].prefix", min: 1, max: 16) {
                v.check(!Formats.normalizedPostalCode(prefix.prefix).isEmpty, "scope.destination_postal_prefixes[\(index)].prefix",
                        "must have a letter or digit")
            }
        }
        for (index, location) in locations.prefix(DeclaredDisruption.maxScopeItems).enumerated() {
            v.code(location, "scope.locations[\(index)]")
        }
    }
}

/// What `PATCH /v1/disruptions/{id}` asks for.
public struct DisruptionChange: Sendable {
    public var expectedEndAt: Date?
    public var extraDays: Int?
    /// Nil: unchanged; empty: removed.
    public var customerMessage: String?
    /// Nil: unchanged.
    public var customerMessageLanguage: CustomerLanguage?
    /// By language tag, as given: the languages named change, an empty text removes one.
    public var customerMessages: [String: String]
    public var resolve: Bool

    public init(expectedEndAt: Date?, extraDays: Int?, customerMessage: String?, customerMessageLanguage: CustomerLanguage? = nil,
                customerMessages: [String: String] = [:], resolve: Bool) {
        (self.expectedEndAt, self.extraDays, self.resolve) = (expectedEndAt, extraDays, resolve)
        (self.customerMessage, self.customerMessageLanguage, self.customerMessages) = (customerMessage, customerMessageLanguage, customerMessages)
    }

    /// Whether it changes any of the merchant's words.
    var changesMessages: Bool {
        customerMessage != nil || customerMessageLanguage != nil || !customerMessages.isEmpty
    }
}

extension DeclaredDisruption {
    /// Applies a change at `now`: extends it, changes its extra days or message, or resolves it.
    /// Resolving a resolved (or ended) disruption changes nothing; any other change to one is a
    /// conflict. Returns whether this change resolved it.
    public mutating func apply(_ change: DisruptionChange, now: Date) throws(DomainError) -> Bool {
        guard change.expectedEndAt != nil || change.extraDays != nil || change.changesMessages || change.resolve else {
            throw .validation([FieldError(field: "body", message: "must change expected_end_at, extra_days, customer_message, "
                                              + "customer_message_language, customer_messages or status")])
        }
        if status(at: now) == .resolved {
            guard change.resolve, change.expectedEndAt == nil, change.extraDays == nil, !change.changesMessages else {
                throw .conflict("Disruption \(id.apiText) is resolved and cannot change any more; declare a new one.")
            }
            return false
        }
        var v = Validator()
        if let end = change.expectedEndAt { Self.checkEnd(end, startsAt: startsAt, now: now, &v) }
        if let extraDays = change.extraDays { v.range(extraDays, "extra_days", Self.extraDaysRange) }
        v.text(change.customerMessage, "customer_message", max: Self.maxCustomerMessage)
        var changed = self
        changed.expectedEndAt = change.expectedEndAt ?? expectedEndAt
        changed.extraDays = change.extraDays ?? extraDays
        if let message = change.customerMessage { changed.customerMessage = message.isEmpty ? nil : message }
        changed.customerMessageLanguage = change.customerMessageLanguage ?? customerMessageLanguage
        for (language, message) in Self.messagesByLanguage(change.customerMessages, min: 0, &v) {
            changed.customerMessages[language] = message.isEmpty ? nil : message
        }
        changed.checkMessagesDoNotRepeat(&v)
        try v.finish()
        if change.resolve { changed.resolvedAt = now }
        changed.updatedAt = now
        self = changed
        return change.resolve
    }

    /// The merchant's messages by language tag (`customer_messages`), those in the languages
    /// the service speaks; any other tag, and a text too short (`min`) or too long, is a field
    /// error.
    static func messagesByLanguage(_ messages: [String: String], min: Int, _ v: inout Validator) -> [CustomerLanguage: String] {
        let spoken = CustomerLanguage.allCases.map(\.rawValue).joined(separator: ", ")
        var byLanguage: [CustomerLanguage: String] = [:]
        for (tag, message) in messages.sorted(by: { $0.key < $1.key }) {
            let field = "customer_messages.\(tag)"
            guard let language = CustomerLanguage(rawValue: tag) else {
                v.fail(field, "must be a language the service speaks: one of \(spoken)")
                continue
            }
            if v.text(message, field, min: min, max: maxCustomerMessage) { byLanguage[language] = message }
        }
        return byLanguage
    }

    /// `customer_message` is already the words in its language: another text for it in
    /// `customer_messages` would leave the customer one of the two at random.
    func checkMessagesDoNotRepeat(_ v: inout Validator) {
        let language = customerMessageLanguage.rawValue
        v.check(customerMessage == nil || customerMessages[customerMessageLanguage] == nil, "customer_messages.\(language)",
                "repeats customer_message, which is in \(language) (customer_message_language): give the words for a language once")
    }

    static func checkEnd(_ end: Date?, startsAt: Date, now: Date, _ v: inout Validator) {
        guard let end else { return }
        v.check(end > startsAt, "expected_end_at", "must be after starts_at")
        v.check(end > now, "expected_end_at", "must be in the future")
    }

    /// The data of `disruption.declared` and `disruption.resolved`.
    public var eventFields: [String: JSONValue?] {
        ["disruption_id": .string(id.apiText), "cause": .string(cause.rawValue), "extra_days": .integer(Int64(extraDays)),
         "starts_at": .string(APITime.text(startsAt)), "expected_end_at": expectedEndAt.map { .string(APITime.text($0)) },
         "resolved_at": resolvedAt.map { .string(APITime.text($0)) }]
    }
}
