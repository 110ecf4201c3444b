import Foundation

/// Which events an endpoint receives: every type (also types added later), or the listed ones.
public enum WebhookEventSelection: Sendable, Equatable {
    case all
    case only(Set<EventType>)

    /// The wildcard that selects every type, as the API and the database spell it.
    public static let wildcard = "*"

    public func includes(_ type: EventType) -> Bool {
        switch self {
        case .all: true
        case .only(let types): types.contains(type)
        }
    }

    /// As the API and the database list it: `["*"]`, or the types in catalogue order.
    public var selectors: [String] {
        switch self {
        case .all: [Self.wildcard]
        case .only(let types): EventType.allCases.filter(types.contains).map(\.rawValue)
        }
    }

    /// Reads selectors; nil when one is unknown, or the wildcard is mixed with types.
    public init?(selectors: [String]) {
        if selectors == [Self.wildcard] {
            self = .all
            return
        }
        let types = selectors.compactMap(EventType.init(rawValue:))
        guard !types.isEmpty, types.count == selectors.count else { return nil }
        self = .only(Set(types))
    }
}

/// What an endpoint receives: the selected types of the events that happened since it was
/// created or last re-enabled. (Events get their feed position only once every transaction
/// older than theirs has ended, so "since" is decided by the event's time, not its position.)
public struct WebhookSubscription: Sendable {
    public var selection: WebhookEventSelection
    public var since: Date

    public init(selection: WebhookEventSelection, since: Date) {
        (self.selection, self.since) = (selection, since)
    }

    public func includes(_ type: EventType, at occurredAt: Date) -> Bool {
        occurredAt >= since && selection.includes(type)
    }
}

/// What a merchant changes of an endpoint (nil: unchanged).
public struct WebhookEndpointChange: Sendable {
    public var url: URL?
    public var description: String?
    public var selection: WebhookEventSelection?
    public var enabled: Bool?

    public init(url: URL?, description: String?, selection: WebhookEventSelection?, enabled: Bool?) {
        (self.url, self.description, self.selection, self.enabled) = (url, description, selection, enabled)
    }
}

/// An endpoint's settings as the merchant gives them, before they are checked.
public struct WebhookEndpointDraft: Sendable {
    public var url: String?
    public var description: String?
    public var eventTypes: [String]?

    public init(url: String?, description: String?, eventTypes: [String]?) {
        (self.url, self.description, self.eventTypes) = (url, description, eventTypes)
    }

    /// The fields given, checked.
    public struct Checked: Sendable {
        public var url: URL?
        public var description: String?
        public var selection: WebhookEventSelection?
    }

    /// Checks every given field, collecting what is wrong with each.
    public func validate(addresses: WebhookAddressPolicy) throws(DomainError) -> Checked {
        var v = Validator()
        var checkedURL: URL?
        if let url {
            v.text(url, "url", min: 1, max: 2048)
            switch addresses.check(url: url) {
            case .success(let parsed): checkedURL = parsed
            case .failure(let refusal): v.fail("url", refusal.message)
            }
        }
        v.text(description, "description", max: 500)
        var selection: WebhookEventSelection?
        if let eventTypes {
            v.count(eventTypes.count, "event_types", 1...20)
            v.check(Set(eventTypes).count == eventTypes.count, "event_types", "must not repeat a type")
            selection = WebhookEventSelection(selectors: eventTypes)
            v.check(selection != nil, "event_types", "must be [\"*\"] or event types from the catalogue, without \"*\"")
        }
        try v.finish()
        return Checked(url: checkedURL, description: description, selection: selection)
    }
}

/// Where webhooks may be sent. A merchant's URL must not reach into the network Porchlight runs
/// in (server-side request forgery): loopback, private, link-local (with the cloud metadata
/// service at 169.254.169.254), carrier-grade NAT, multicast and reserved addresses are refused,
/// for an address written in the URL and for every address its host resolves to at delivery.
/// Plain `http` is refused too, except to loopback when `allowLoopback` is set (local development
/// and tests).
public struct WebhookAddressPolicy: Sendable {
    public var allowLoopback: Bool

    public init(allowLoopback: Bool) {
        self.allowLoopback = allowLoopback
    }

    public struct Refusal: Error, Sendable, Equatable {
        public var message: String
    }

    /// Checks what the URL itself says: scheme, host, and the host when it is an address. A URL
    /// is ASCII (RFC 3986); the parser would accept an IRI and turn its host into punycode.
    public func check(url text: String) -> Result<URL, Refusal> {
        guard text.unicodeScalars.allSatisfy(\.isASCII) else {
            return .failure(Refusal(message: "must be an absolute URL in ASCII: write a non-ASCII host name as punycode (xn--...) and percent-encode the rest"))
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
              url.user == nil, url.password == nil
        else { return .failure(Refusal(message: "must be an absolute URL such as https://hooks.example.com/porchlight, without credentials")) }
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
        let address = IPAddress(parsing: name)
        let loopback = address?.isLoopback ?? (name == "localhost" || name.hasSuffix(".localhost"))
        switch scheme {
        case "https": break
        case "http" where allowLoopback && loopback: break
        default: return .failure(Refusal(message: "must be an https URL"))
        }
        if let address, let refusal = check(address) { return .failure(refusal) }
        if address == nil {
            if loopback && !allowLoopback { return .failure(Refusal(message: "must not point to this machine (localhost); for local trials, start the service with WEBHOOKS_ALLOW_LOOPBACK=true")) }
            if Self.internalNames.contains(where: { name == $0 || name.hasSuffix("." + $0) }) {
                return .failure(Refusal(message: "must not point to an internal or metadata host (\(name))"))
            }
        }
        return .success(url)
    }

    /// Host names that only ever lead inside the provider's network.
    static let internalNames = ["metadata.google.internal", "metadata", "internal", "local"]

    /// Refuses an address the URL's host is, or resolves to.
    public func check(_ address: IPAddress) -> Refusal? {
        if address.isLoopback { return allowLoopback ? nil : Refusal(message: "must not point to a loopback address (\(address)); for local trials, start the service with WEBHOOKS_ALLOW_LOOPBACK=true") }
        if let kind = address.forbiddenKind { return Refusal(message: "must not point to a \(kind) address (\(address))") }
        return nil
    }
}

/// An IPv4 or IPv6 address as bytes, classified for `WebhookAddressPolicy`.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6).
    public var bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses dotted IPv4 or textual IPv6; nil for a host name.
    public init?(parsing text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// The IPv4 address an IPv6 address carries and leads to: mapped `::ffff:a.b.c.d`,
    /// compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` and `64:ff9b:1::/48`, 6to4 `2002:ab:cd::`.
    var embeddedIPv4: IPAddress? {
        guard bytes.count == 16 else { return nil }
        let b = bytes
        let zeroPrefix = b[0..<10].allSatisfy { $0 == 0 }
        if zeroPrefix && b[10] == 0xff && b[11] == 0xff { return IPAddress(bytes: Array(b[12..<16])) }
        // Compatible, except `::` and `::1`, which are IPv6's own.
        if zeroPrefix && b[10] == 0 && b[11] == 0 && !b[12..<15].allSatisfy({ $0 == 0 }) { return IPAddress(bytes: Array(b[12..<16])) }
        if b[0..<4] == [0x00, 0x64, 0xff, 0x9b] && (b[4..<12].allSatisfy { $0 == 0 } || (b[4] == 0 && b[5] == 1)) {
            return IPAddress(bytes: Array(b[12..<16]))
        }
        if b[0] == 0x20 && b[1] == 0x02 { return IPAddress(bytes: Array(b[2..<6])) }
        return nil
    }

    public var isLoopback: Bool {
        if let v4 = embeddedIPv4 { return v4.isLoopback }
        return bytes.count == 4 ? bytes[0] == 127 : bytes == Array(repeating: 0, count: 15) + [1]
    }

    /// What kind of non-public address this is, if it is one (loopback aside).
    var forbiddenKind: String? {
        if let v4 = embeddedIPv4 { return v4.forbiddenKind }
        let b = bytes
        if b.count == 4 {
            switch (b[0], b[1]) {
            case (0, _): return "reserved"
            case (10, _), (172, 16...31), (192, 168): return "private"
            case (100, 64...127): return "shared (carrier-grade NAT)"
            case (169, 254): return "link-local or metadata"
            case (192, 0) where b[2] == 0: return "reserved"
            case (198, 18...19): return "benchmarking"
            case (224...239, _): return "multicast"
            case (240...255, _): return "reserved"
            default: return nil
            }
        }
        if b.allSatisfy({ $0 == 0 }) { return "unspecified" }
        switch b[0] {
        case 0xfc, 0xfd: return "private"
        case 0xfe where b[1] & 0xc0 == 0x80: return "link-local"
        case 0xfe where b[1] & 0xc0 == 0xc0: return "site-local"
        case 0xff: return "multicast"
        default: return nil
        }
    }
}

/// A merchant's webhook endpoint as stored (its secrets are not part of it).
public struct WebhookEndpoint: Sendable, Equatable {
    public var id: UUID
    public var url: String
    public var description: String
    public var selection: WebhookEventSelection
    /// Changed only by `move(to:now:)`, as `WebhookEndpointState.allowed` says.
    public private(set) var disabledReason: WebhookDisabledReason?
    public private(set) var disabledAt: Date?
    public private(set) var failingSince: Date?
    /// It receives the events that happened from then on (see `WebhookSubscription`).
    public private(set) var receivesSince: Date
    public var createdAt: Date
    public var updatedAt: Date

    public var enabled: Bool { disabledReason == nil }

    public var state: WebhookEndpointState { disabledReason.map(WebhookEndpointState.disabled) ?? .enabled }

    public init(id: UUID, url: String, description: String, selection: WebhookEventSelection, disabledReason: WebhookDisabledReason?,
                disabledAt: Date?, failingSince: Date?, receivesSince: Date, createdAt: Date, updatedAt: Date) {
        (self.id, self.url, self.description, self.selection) = (id, url, description, selection)
        (self.disabledReason, self.disabledAt, self.failingSince, self.receivesSince, self.createdAt, self.updatedAt) =
            (disabledReason, disabledAt, failingSince, receivesSince, createdAt, updatedAt)
    }

    /// The endpoint after the merchant's change at `now`. Disabling keeps the pending deliveries
    /// for later (and an automatic reason, if there was one); re-enabling clears the failure and
    /// receives the events that happen from now on.
    public func changed(_ change: WebhookEndpointChange, now: Date) throws(DomainError) -> WebhookEndpoint {
        var endpoint = self
        if let url = change.url { endpoint.url = url.absoluteString }
        if let description = change.description { endpoint.description = description }
        if let selection = change.selection { endpoint.selection = selection }
        switch change.enabled {
        case true? where !enabled: try endpoint.move(to: .enabled, now: now)
        case false? where enabled: try endpoint.move(to: .disabled(.merchant), now: now)
        default: break
        }
        endpoint.updatedAt = now
        return endpoint
    }

    /// Moves the endpoint to `next` at `now`, as the table allows: disabled, it notes when;
    /// re-enabled, its failure is forgotten and it receives what happens from now on.
    mutating func move(to next: WebhookEndpointState, now: Date) throws(DomainError) {
        try state.checkMove(to: next)
        switch next {
        case .enabled: (disabledReason, disabledAt, failingSince, receivesSince) = (nil, nil, nil, now)
        case .disabled(let reason): (disabledReason, disabledAt) = (reason, now)
        }
    }

    /// A merchant has at most this many endpoints: each event is sent to each of them.
    public static let maxPerMerchant = 16
}
