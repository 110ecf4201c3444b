import Foundation

/// Customer order lookup: the order number plus the email or the destination postal code.
public struct OrderLookup: Sendable, Equatable {
    /// How long the token of a lookup lasts: long enough to read the page and act on it.
    public static let tokenLifetime: Duration = .seconds(3600)

    public var orderNumber: String
    public var email: String?
    public var postalCode: String?

    private var givenPostalCode: String?

    public init(orderNumber: String, email: String?, postalCode: String?) {
        self.orderNumber = orderNumber
        self.email = email?.lowercased()
        self.postalCode = postalCode.map(Formats.normalizedPostalCode)
        givenPostalCode = postalCode
    }

    public func validate() throws(DomainError) {
        var v = Validator()
        v.text(orderNumber, "order_number", min: 1, max: 64)
        v.text(email, "email", max: 320)
        v.text(postalCode, "postal_code", max: 20)
        v.check(email?.isEmpty == false || postalCode?.isEmpty == false, "email",
                "give the customer's email or the destination postal_code")
        // Checked as given (the stored form drops spaces and dashes), so "-" cannot match an
        // order stored without a postal code.
        if let given = givenPostalCode {
            v.check(Formats.isPostalCode(given), "postal_code", "must be 2 to 10 letters and digits, e.g. 400001")
        }
        try v.finish()
    }

    /// What a match proves: the email when it matched (the stronger proof), else the postal code.
    public func proof(emailMatched: Bool) -> CustomerProof {
        emailMatched ? .email : .postalCode
    }
}

/// Stops guessing, not just slows it: attempts are counted per order number (someone trying
/// postal codes for one order) and per client address (someone walking many order numbers), each
/// in a window of 15 minutes, and a subject past its limit is refused until its window ends.
/// Each attempt is counted before the order is looked for (so parallel guesses cannot slip past
/// the limit) and given back when it finds the order: what stays counted are the misses.
/// Unknown order numbers count like wrong answers, so the answers never tell which exist.
public enum LookupThrottle {
    public enum Subject: Sendable, Hashable {
        case orderNumber(String)
        case clientAddress(IPAddress)

        /// How the subject is stored. An IPv6 client counts by its /64, the block one customer's
        /// line gets (else one line would be a world of addresses); an IPv4 one embedded in IPv6
        /// counts as that IPv4 address.
        public var key: String {
            switch self {
            case .orderNumber(let number):
                return "order:" + number
            case .clientAddress(let address):
                let client = address.embeddedIPv4 ?? address
                guard client.bytes.count == 16 else { return "address:\(client)" }
                return "address:\(IPAddress(bytes: Array(client.bytes[0..<8]) + Array(repeating: 0, count: 8))!)/64"
            }
        }

        /// Misses allowed in one window: a customer mistyping their postal code a few times, or
        /// a household looking up several orders with a typo each, stays under it.
        public var limit: Int {
            switch self {
            case .orderNumber: 5
            case .clientAddress: 10
            }
        }

        /// The `reason` label of the blocked-lookups metric.
        public var reason: String {
            switch self {
            case .orderNumber: "order_number"
            case .clientAddress: "client_address"
            }
        }
    }

    /// A subject's attempts in its current window, this one included, as stored.
    public struct Count: Sendable, Equatable {
        public var key: String
        public var misses: Int
        public var secondsLeft: Int

        public init(key: String, misses: Int, secondsLeft: Int) {
            (self.key, self.misses, self.secondsLeft) = (key, misses, secondsLeft)
        }
    }

    public static let window: Duration = .seconds(15 * 60)

    /// What a lookup is counted against; without a known client address, only its order number.
    public static func subjects(of lookup: OrderLookup, clientAddress: IPAddress?) -> [Subject] {
        [.orderNumber(lookup.orderNumber)] + (clientAddress.map { [.clientAddress($0)] } ?? [])
    }

    /// The first subject past its limit with this attempt, with its refusal (429 with
    /// `Retry-After`); nil to go ahead.
    public static func refusal(of subjects: [Subject], counts: [Count]) -> (subject: Subject, error: DomainError)? {
        for subject in subjects {
            guard let count = counts.first(where: { $0.key == subject.key }), count.misses > subject.limit else { continue }
            let seconds = max(1, count.secondsLeft)
            let detail = switch subject {
            case .orderNumber: "Too many attempts for this order number. Try again in \(seconds) seconds."
            case .clientAddress: "Too many failed lookups from your address. Try again in \(seconds) seconds."
            }
            return (subject, .tooManyRequests(detail: detail, retryAfterSeconds: seconds))
        }
        return nil
    }
}
