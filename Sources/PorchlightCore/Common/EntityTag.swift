/// Which version of a document a response shows (an HTTP entity tag, RFC 9110 §8.8.3). Every
/// change to an order, its shipments or its returns gives the order a new version, so the
/// order's version tells whether any of those documents may have changed. The customer's view
/// also depends on the view's proof and on the fields the merchant hides: its tag names them too.
public struct EntityTag: Equatable, Sendable {
    /// The version of the order the document was made from.
    public let orderVersion: Int
    /// What else shaped the document (empty but for the customer view).
    let variant: String

    /// An order's document, or one of its shipments' or returns'.
    public init(orderVersion: Int) {
        (self.orderVersion, variant) = (orderVersion, "")
    }

    /// The customer's view of an order at `orderVersion`.
    public init(customerViewAt orderVersion: Int, proof: CustomerProof, hidden: Set<CustomerViewField>) {
        let hiddenBits = CustomerViewField.allCases.enumerated().reduce(0) { bits, field in
            hidden.contains(field.element) ? bits | 1 << field.offset : bits
        }
        (self.orderVersion, variant) = (orderVersion, ".\(proof.rawValue).\(hiddenBits)")
    }

    /// As the `ETag` field carries it: `"7"`, or `"7.email.0"` for a customer view.
    public var field: String { "\"\(orderVersion)\(variant)\"" }
}

/// An `If-None-Match` or `If-Match` field: `*` (any version), or the entity tags it lists.
public enum EntityTagCondition: Equatable, Sendable {
    case any
    case tags([Listed])

    public struct Listed: Equatable, Sendable {
        /// Between the quotes.
        public var opaque: String
        /// `W/"…"`: a weak tag, which `If-Match` never matches (strong comparison).
        public var weak: Bool

        public init(opaque: String, weak: Bool) {
            (self.opaque, self.weak) = (opaque, weak)
        }
    }

    /// Reads the field; nil when it is neither `*` nor a comma-separated list of quoted tags.
    public init?(field: String) {
        let text = Substring(field).trimmingWhitespace
        if text == "*" {
            self = .any
            return
        }
        var listed: [Listed] = []
        var rest = text
        while !rest.isEmpty {
            var weak = false
            if rest.hasPrefix("W/") {
                weak = true
                rest = rest.dropFirst(2)
            }
            guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
            let opaque = rest[rest.index(after: rest.startIndex)..<close]
            // etagc: visible ASCII but the quote, or any non-ASCII byte; no spaces.
            guard opaque.unicodeScalars.allSatisfy({ $0.value == 0x21 || (0x23...0x7E).contains($0.value) || $0.value >= 0x80 })
            else { return nil }
            listed.append(Listed(opaque: String(opaque), weak: weak))
            rest = rest[rest.index(after: close)...].trimmingWhitespace
            guard rest.isEmpty || rest.first == "," else { return nil }
            rest = rest.drop { $0 == "," || $0 == " " || $0 == "\t" }
        }
        guard !listed.isEmpty else { return nil }
        self = .tags(listed)
    }

    /// For `If-None-Match`: whether the client already holds the document whose `ETag` field is
    /// `current` (weak comparison), so the answer is a 304.
    public func holds(tagField current: String) -> Bool {
        switch self {
        case .any: true
        case .tags(let listed): listed.contains { "\"\($0.opaque)\"" == current }
        }
    }

    /// For `If-Match`: whether a change may go ahead on an order at `orderVersion`. A listed
    /// tag matches when it was made from that version, whatever view of the order it tagged
    /// (strong comparison: a weak tag never matches).
    public func allowsChange(atOrderVersion orderVersion: Int) -> Bool {
        switch self {
        case .any:
            return true
        case .tags(let listed):
            return listed.contains { tag in
                !tag.weak && tag.opaque.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first == "\(orderVersion)"
            }
        }
    }
}

extension Substring {
    /// Without the spaces and tabs (HTTP's optional whitespace) at either end.
    fileprivate var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        return self[first...last]
    }
}
