/// Which version of a document a response shows (an HTTP entity tag, RFC 9110 §8.8.3). Every
/// change to an order, its shipments or its returns gives the order a new version, so the
/// order's version tells whether any of those documents may have changed. Where one document
/// shows differently to different viewers (the customer's view; a return), the tag also names
/// what shaped it, so a client never gets a 304 for a copy another viewer was shown.
public struct EntityTag: Equatable, Sendable {
    /// The version of the order the document was made from.
    public let orderVersion: Int
    /// What else shaped the document (empty but for the customer view).
    let variant: String

    /// An order's document, or one of its shipments' or returns'.
    public init(orderVersion: Int) {
        (self.orderVersion, variant) = (orderVersion, "")
    }

    /// The customer's view of an order at `orderVersion`: its proof and the fields hidden, by
    /// name (not by position, which a new field would shift).
    public init(customerViewAt orderVersion: Int, proof: CustomerProof, hidden: Set<CustomerViewField>) {
        let hiding = hidden.map(\.rawValue).sorted().joined(separator: "+")
        (self.orderVersion, variant) = (orderVersion, ".\(proof.rawValue)" + (hiding.isEmpty ? "" : ".\(hiding)"))
    }

    /// A return of an order at `orderVersion`, as `detail` shows it: the merchant's (everything)
    /// has the order's tag, a customer's names what it leaves out.
    public init(returnAt orderVersion: Int, detail: ReturnDetail) {
        let shown = [detail.pricesPaid, detail.amountsDue, detail.shipmentID, detail.parcelTracking, detail.codes, detail.decisionReason]
        (self.orderVersion, variant) = (orderVersion, detail == .merchant ? "" : ".return-" + shown.map { $0 ? "1" : "0" }.joined())
    }

    /// As the `ETag` field carries it: `"7"`, `"7.email"` or `"7.postal_code.images"` for a
    /// customer view, `"7.return-100111"` for a customer's return.
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
            // Visible ASCII but the quote, no spaces (RFC 9110's etagc without obs-text, as the contract's pattern says).
            guard opaque.unicodeScalars.allSatisfy({ $0.value == 0x21 || (0x23...0x7E).contains($0.value) })
            else { return nil }
            listed.append(Listed(opaque: String(opaque), weak: weak))
            rest = rest[rest.index(after: close)...].trimmingWhitespace
            if rest.isEmpty { break }
            guard rest.first == "," else { return nil }
            rest = rest.dropFirst().trimmingWhitespace
            guard !rest.isEmpty else { return nil }  // a trailing comma
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
