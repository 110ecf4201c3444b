import Foundation

/// What a customer proved to get their token. The proof decides how much of the order they see,
/// and which customer actions they may take.
public enum CustomerProof: String, Sendable, Codable, CaseIterable {
    /// The order number and the destination's postal code: guessable, so the least detail.
    case postalCode = "postal_code"
    /// The order number and the customer's email.
    case email
    /// A link the merchant sent to the customer (`POST /v1/orders/{id}/customer-links`).
    case link

    /// Whether this proof is enough for something that needs `required`. A link counts as much as
    /// the email: the merchant sent it to the customer's email or phone.
    public func satisfies(_ required: CustomerProof) -> Bool {
        strength >= required.strength
    }

    private var strength: Int {
        switch self {
        case .postalCode: 1
        case .email, .link: 2
        }
    }
}

/// A customer link: a token the merchant sends the customer, lasting as long as the merchant
/// chooses (30 days unless told, at most 90).
public enum CustomerLink {
    public static let defaultDays = 30
    public static let longestDays = 90

    public static func lifetime(days: Int?) throws(DomainError) -> Duration {
        let days = days ?? defaultDays
        var v = Validator()
        v.range(days, "expires_in_days", 1...longestDays)
        try v.finish()
        return .seconds(days * 86_400)
    }
}

/// What a merchant can keep out of every customer view, on top of what is never in it.
public enum CustomerViewField: String, Sendable, Codable, CaseIterable {
    /// Shipments' tracking numbers (some merchants keep customers on their own tracking page).
    case trackingNumbers = "tracking_numbers"
    /// The carrier's own words on each scan, which can name drivers or neighbours.
    case eventDescriptions = "event_descriptions"
    /// Where each scan happened.
    case eventLocations = "event_locations"
    case productLinks = "product_links"
    case images

    /// The fields a merchant chose to hide, each at most once.
    public static func hidden(_ fields: [CustomerViewField]) throws(DomainError) -> Set<CustomerViewField> {
        var v = Validator()
        v.check(Set(fields).count == fields.count, "hidden_fields", "must not repeat a field")
        try v.finish()
        return Set(fields)
    }
}

/// What a customer sees of shipments and their scans. A postal-code proof never sees tracking
/// numbers or the carrier's words, whatever the merchant chose: the carrier's own page, or "left
/// with <neighbour>", tell names and addresses. Scan places never include a postal code.
public struct ShipmentDetail: Sendable, Equatable {
    public var trackingNumbers: Bool
    public var eventDescriptions: Bool
    public var eventLocations: Bool

    public init(proof: CustomerProof, hiding hidden: Set<CustomerViewField>) {
        let full = proof.satisfies(.email)
        trackingNumbers = full && !hidden.contains(.trackingNumbers)
        eventDescriptions = full && !hidden.contains(.eventDescriptions)
        eventLocations = !hidden.contains(.eventLocations)
    }
}

/// Who is looking at an order, and so which view of it they get.
public enum OrderViewer: Sendable, Equatable {
    case merchant
    case customer(CustomerProof)
}

/// What a viewer sees of a return and of a return quote. The merchant sees everything. A customer
/// never sees internal ids of other objects (a claim's shipment). With the email or a link, the
/// buyer sees the prices paid (a gift's recipient does not: only what they would get back), the
/// return parcel's tracking number, the label reference and the store-credit code. A postal-code
/// proof is guessable, so it learns whether and what is being returned and how far the return has
/// got: never an amount, a tracking number, a code or the merchant's note on its decision.
public struct ReturnDetail: Sendable, Equatable {
    /// Unit prices, subtotals, fees and the refund: what was paid.
    public var pricesPaid: Bool
    /// Store credit and an exchange's difference: what the customer would get or pay.
    public var amountsDue: Bool
    public var shipmentID: Bool
    public var parcelTracking: Bool
    /// The label reference and the store-credit code.
    public var codes: Bool
    public var decisionReason: Bool

    /// What `viewer` sees of a return or a quote; `gift` when a gift's recipient returns it. The one
    /// place that decides who sees a return's prices and codes: every answer about a return is mapped
    /// through it (`Components.Schemas.Return(_:detail:)`, `Components.Schemas.ReturnQuote(_:detail:)`).
    public init(viewer: OrderViewer, gift: Bool) {
        switch viewer {
        case .merchant:
            (pricesPaid, amountsDue, shipmentID, parcelTracking, codes, decisionReason) = (true, true, true, true, true, true)
        case .customer(let proof):
            let buyer = proof.satisfies(.email)
            (pricesPaid, amountsDue, shipmentID) = (buyer && !gift, buyer, false)
            (parcelTracking, codes, decisionReason) = (buyer, buyer, buyer)
        }
    }

    public static let merchant = ReturnDetail(viewer: .merchant, gift: false)
}

/// The order as its customer sees it (the `CustomerOrder` schema): status, lines, shipments and
/// their timelines, promise and estimate. Never the merchant's metadata, prices, internal ids of
/// other objects, or why the merchant cancelled. How much of the address and contact shows
/// depends on the proof: with a postal code, the city and a masked street and no contact
/// details; with the email or a link, the full address and email, and the phone masked.
public struct CustomerOrderView: Sendable, Equatable, Encodable {
    struct Contact: Sendable, Equatable, Encodable {
        var name: String?
        var email: String
        var phone: String?
    }

    struct Line: Sendable, Equatable, Encodable {
        var sku: String
        var name: String
        var imageUrl: String?
        var productUrl: String?
        var quantity: Int
        var cancelledQuantity: Int
        var shippedQuantity: Int
        var deliveredQuantity: Int
        var returnedQuantity: Int?

        enum CodingKeys: String, CodingKey {
            case sku, name, imageUrl = "image_url", productUrl = "product_url", quantity
            case cancelledQuantity = "cancelled_quantity", shippedQuantity = "shipped_quantity", deliveredQuantity = "delivered_quantity"
            case returnedQuantity = "returned_quantity"
        }
    }

    struct Window: Sendable, Equatable, Encodable {
        var earliest: String
        var latest: String
    }

    struct Promise: Sendable, Equatable, Encodable {
        var earliest: String
        var latest: String
        var slot: OrderDocument.Promise.Slot?
        var outcome: PromiseOutcome?
        var deliveredOn: String?

        enum CodingKeys: String, CodingKey {
            case earliest, latest, slot, outcome, deliveredOn = "delivered_on"
        }
    }

    struct Shipment: Sendable, Equatable, Encodable {
        struct Event: Sendable, Equatable, Encodable {
            var status: TrackingStatus
            var substatus: TrackingSubstatus?
            var description: String?
            var location: Place?
            var occurredAt: String

            enum CodingKeys: String, CodingKey {
                case status, substatus, description, location, occurredAt = "occurred_at"
            }
        }

        /// Where a scan happened, without the postal code.
        struct Place: Sendable, Equatable, Encodable {
            var city: String?
            var region: String?
            var country: String?
        }

        var carrier: String
        var serviceLevel: String?
        var trackingNumber: String?
        var status: TrackingStatus
        var substatus: TrackingSubstatus?
        var shippedAt: String?
        var deliveredAt: String?
        var estimate: Window?
        var lines: [LineQuantity]
        var events: [Event]

        enum CodingKeys: String, CodingKey {
            case carrier, serviceLevel = "service_level", trackingNumber = "tracking_number", status, substatus
            case shippedAt = "shipped_at", deliveredAt = "delivered_at", estimate, lines, events
        }
    }

    /// One of the order's returns in brief: the merchant's document without a claim's shipment.
    struct Return: Sendable, Equatable, Encodable {
        var id: String
        var kind: String
        var resolution: String
        var method: String
        var decision: String
        var logistics: String
        var money: String
        var lines: [OrderDocument.Return.Line]
        var createdAt: String
        var updatedAt: String

        enum CodingKeys: String, CodingKey {
            case id, kind, resolution, method, decision, logistics, money, lines, createdAt = "created_at", updatedAt = "updated_at"
        }

        init(_ stored: OrderDocument.Return) {
            (id, kind, resolution, method) = (stored.id, stored.kind, stored.resolution, stored.method)
            (decision, logistics, money, lines) = (stored.decision, stored.logistics, stored.money, stored.lines)
            (createdAt, updatedAt) = (stored.createdAt, stored.updatedAt)
        }
    }

    /// The open alert: the merchant's document without the shipment it is about.
    struct Alert: Sendable, Equatable, Encodable {
        var id: String
        var reason: String
        var severity: String
        var openedAt: String
        var updatedAt: String

        enum CodingKeys: String, CodingKey {
            case id, reason, severity, openedAt = "opened_at", updatedAt = "updated_at"
        }

        init(_ stored: OrderDocument.Alert) {
            (id, reason, severity, openedAt, updatedAt) = (stored.id, stored.reason, stored.severity, stored.openedAt, stored.updatedAt)
        }
    }

    var id: String
    var orderNumber: String
    var proof: CustomerProof
    var status: OrderStatus
    var placedAt: String
    var cancelledAt: String?
    var contact: Contact?
    var destination: AddressFields
    var lines: [Line]
    var shipments: [Shipment]
    var promise: Promise?
    var estimate: Window?
    var promiseAtRisk: Bool?
    /// The order's returns in brief, as the merchant's document has them (no prices), and its
    /// open disruption alert: what a chatbot needs for "where is my refund?" and "why is it late?".
    var returns: [Return]?
    var alert: Alert?
    /// For cash on delivery: whether the customer has confirmed the order.
    var confirmation: OrderConfirmation?

    enum CodingKeys: String, CodingKey {
        case id, orderNumber = "order_number", proof, status, placedAt = "placed_at", cancelledAt = "cancelled_at"
        case contact, destination, lines, shipments, promise, estimate, promiseAtRisk = "promise_at_risk", returns, alert, confirmation
    }

    /// The view for `proof`, without the fields the merchant hides.
    public init(_ order: OrderDocument, proof: CustomerProof, hiding hidden: Set<CustomerViewField> = []) {
        let full = proof.satisfies(.email)
        let detail = ShipmentDetail(proof: proof, hiding: hidden)
        id = order.id
        orderNumber = order.orderNumber
        self.proof = proof
        status = order.status
        placedAt = order.placedAt
        cancelledAt = order.cancelledAt
        contact = full ? Contact(name: order.customer.name, email: order.customer.email, phone: order.customer.phone.map(Masking.phone)) : nil
        destination = order.destination
        if !full {
            // The city, region and country, and the street masked.
            destination.line1 = Masking.street(destination.line1)
            (destination.name, destination.line2, destination.postalCode) = (nil, nil, nil)
        }
        lines = order.lines.map { line in
            Line(sku: line.sku, name: line.name, imageUrl: hidden.contains(.images) ? nil : line.imageUrl,
                 productUrl: hidden.contains(.productLinks) ? nil : line.productUrl, quantity: line.quantity,
                 cancelledQuantity: line.cancelledQuantity, shippedQuantity: line.shippedQuantity, deliveredQuantity: line.deliveredQuantity,
                 returnedQuantity: line.returnedQuantity)
        }
        shipments = order.shipments.map { shipment in
            Shipment(
                carrier: shipment.carrier, serviceLevel: shipment.serviceLevel,
                trackingNumber: detail.trackingNumbers ? shipment.trackingNumber : nil,
                status: shipment.status, substatus: shipment.substatus, shippedAt: shipment.shippedAt, deliveredAt: shipment.deliveredAt,
                estimate: shipment.estimate.map { Window(earliest: $0.earliest, latest: $0.latest) },
                lines: shipment.lines,
                events: shipment.events.map { event in
                    Shipment.Event(status: event.status, substatus: event.substatus,
                                   description: detail.eventDescriptions ? event.carrierStatusText : nil,
                                   location: detail.eventLocations
                                       ? event.location.map { Shipment.Place(city: $0.city, region: $0.region, country: $0.country) } : nil,
                                   occurredAt: event.occurredAt)
                })
        }
        promise = order.promise.map {
            Promise(earliest: $0.earliest, latest: $0.latest, slot: $0.slot, outcome: $0.outcome, deliveredOn: $0.deliveredOn)
        }
        estimate = order.estimate.map { Window(earliest: $0.earliest, latest: $0.latest) }
        promiseAtRisk = order.promiseAtRisk
        (returns, alert) = (order.returns?.map(Return.init), order.alert.map(Alert.init))
        confirmation = order.confirmation
    }

    public func json() throws -> String { try JSON.text(of: self) }
}

/// How personal data is shown to someone who proved less than the whole of it.
public enum Masking {
    /// Each word keeps its first character, and words with a digit (house numbers) or ending in a
    /// full stop (abbreviations such as "Str.") stay whole: "Str. Lipscani 12" → "Str. L••••• 12".
    /// Masked words have a fixed length, so the mask does not tell how long the name is.
    public static func street(_ line: String) -> String {
        line.split(separator: " ").map { word in
            word.contains(where: \.isNumber) || word.hasSuffix(".") ? String(word) : String(word.prefix(1)) + "•••••"
        }.joined(separator: " ")
    }

    /// The plus sign and the last three digits: "+40712345678" → "+••••••••678".
    public static func phone(_ number: String) -> String {
        let digits = number.dropFirst()
        return "+" + String(repeating: "•", count: max(0, digits.count - 3)) + digits.suffix(3)
    }
}

/// What the customer's page needs of an order beyond its customer view, none of it shown as such.
extension OrderDocument {
    /// The shipments' ids in the order every customer view lists them: the page numbers parcels
    /// this way (the first is parcel 1), so no shipment id reaches the customer.
    public var shipmentIDs: [UUID] { shipments.compactMap { UUID(uuidString: $0.id) } }

    /// The categories of the order's lines, for the merchant's recommendations.
    public var lineCategories: [String] { lines.compactMap(\.category) }

    /// The language the merchant stored for the customer, if any.
    public var customerLocale: String? { customer.locale }

    /// The delivery address's country: a corrected address stays in it.
    public var destinationCountry: String { destination.country }
}

extension OrderDocument {
    /// The document's version, which grows with every change to the order.
    public var currentVersion: Int { version }
}
