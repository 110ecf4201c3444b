import Foundation

/// The order exactly as the API shows it (the `Order` schema of openapi.yaml), built from the
/// aggregate after every change and stored with it, so that a read sends the stored text as is.
/// Field names are spelled out in `CodingKeys`; absent values are omitted.
public struct OrderDocument: Sendable, Equatable, Codable {
    struct Line: Sendable, Equatable, Codable {
        var sku: String
        var name: String
        var quantity: Int
        var unitPrice: Int
        var category: String?
        var imageUrl: String?
        var productUrl: String?
        var finalSale: Bool
        var cancelledQuantity: Int
        var shippedQuantity: Int
        var deliveredQuantity: Int
        /// Absent from documents stored before returns existed.
        var returnedQuantity: Int?

        enum CodingKeys: String, CodingKey {
            case sku, name, quantity, unitPrice = "unit_price", category, imageUrl = "image_url", productUrl = "product_url"
            case finalSale = "final_sale", cancelledQuantity = "cancelled_quantity", shippedQuantity = "shipped_quantity"
            case deliveredQuantity = "delivered_quantity", returnedQuantity = "returned_quantity"
        }
    }

    /// The order's open disruption alert.
    struct Alert: Sendable, Equatable, Codable {
        var id: String
        var reason: String
        var severity: String
        var shipmentID: String?
        var openedAt: String
        var updatedAt: String

        enum CodingKeys: String, CodingKey {
            case id, reason, severity, shipmentID = "shipment_id", openedAt = "opened_at", updatedAt = "updated_at"
        }

        init(_ alert: AlertRecord) {
            (id, reason, severity, shipmentID) = (alert.id.apiText, alert.reason.rawValue, alert.severity.rawValue, alert.shipmentID?.apiText)
            (openedAt, updatedAt) = (APITime.text(alert.openedAt), APITime.text(alert.updatedAt))
        }
    }

    /// The declared disruption holding the order up.
    struct Declared: Sendable, Equatable, Codable {
        var id: String
        var cause: DisruptionCause
        var extraDays: Int
        var customerMessage: String?
        /// With `customerMessage` only; absent from documents stored before messages had languages.
        var customerMessageLanguage: CustomerLanguage?
        /// Absent when there are none.
        var customerMessages: [CustomerLanguage: String]?
        var shipmentIDs: [String]

        enum CodingKeys: String, CodingKey {
            case id, cause, extraDays = "extra_days", customerMessage = "customer_message"
            case customerMessageLanguage = "customer_message_language", customerMessages = "customer_messages", shipmentIDs = "shipment_ids"
        }

        init(_ delay: DeclaredDelay) {
            (id, cause, extraDays, customerMessage) = (delay.disruptionID.apiText, delay.cause, delay.extraDays, delay.customerMessage)
            customerMessageLanguage = delay.customerMessage == nil ? nil : delay.customerMessageLanguage
            customerMessages = delay.customerMessages.isEmpty ? nil : delay.customerMessages
            shipmentIDs = delay.shipmentIDs.map(\.apiText)
        }
    }

    /// A remedy offered for one of the order's alerts, in brief (its code is for the customer:
    /// `GET /v1/orders/{id}/remedies`).
    struct Remedy: Sendable, Equatable, Codable {
        var id: String
        var alertID: String
        var offers: [RemedyKind]
        var expiresAt: String
        var choice: RemedyKind?
        var chosenAt: String?
        var appliedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, alertID = "alert_id", offers, expiresAt = "expires_at", choice, chosenAt = "chosen_at", appliedAt = "applied_at"
        }

        init(_ remedy: RemedyRecord) {
            (id, alertID, offers, expiresAt) = (remedy.id.apiText, remedy.alertID.apiText, remedy.options.map(\.kind), APITime.text(remedy.expiresAt))
            (choice, chosenAt, appliedAt) = (remedy.choice?.kind, remedy.chosenAt.map(APITime.text), remedy.appliedAt.map(APITime.text))
        }
    }

    /// A return of the order, in brief: its full record is `GET /v1/returns/{id}`.
    struct Return: Sendable, Equatable, Codable {
        struct Line: Sendable, Equatable, Codable { var sku: String; var quantity: Int }
        var id: String
        var kind: String
        var shipmentID: String?
        var resolution: String
        var method: String
        var decision: String
        var logistics: String
        var money: String
        var lines: [Line]
        var createdAt: String
        var updatedAt: String

        enum CodingKeys: String, CodingKey {
            case id, kind, shipmentID = "shipment_id", resolution, method, decision, logistics, money, lines
            case createdAt = "created_at", updatedAt = "updated_at"
        }

        init(_ record: ReturnRecord) {
            (id, kind, shipmentID) = (record.id.apiText, record.kind.rawValue, record.shipmentID?.apiText)
            (resolution, method) = (record.resolution.rawValue, record.method.rawValue)
            (decision, logistics, money) = (record.decision.rawValue, record.logistics.rawValue, record.money.rawValue)
            lines = record.lines.map { Line(sku: $0.sku, quantity: $0.quantity) }
            (createdAt, updatedAt) = (APITime.text(record.createdAt), APITime.text(record.updatedAt))
        }
    }

    struct Promise: Sendable, Equatable, Codable {
        struct Slot: Sendable, Equatable, Codable { var date: String; var start: String; var end: String }
        var earliest: String
        var latest: String
        var confidence: Double
        var carrier: String
        var serviceLevel: String
        var location: String
        var slot: Slot?
        var quoteID: String
        var engineVersion: String
        var promisedAt: String
        var outcome: PromiseOutcome?
        var deliveredOn: String?
        var missedAfter: MissedAfter?

        enum CodingKeys: String, CodingKey {
            case earliest, latest, confidence, carrier, serviceLevel = "service_level", location, slot, quoteID = "quote_id"
            case engineVersion = "engine_version", promisedAt = "promised_at", outcome, deliveredOn = "delivered_on", missedAfter = "missed_after"
        }
    }

    struct Estimate: Sendable, Equatable, Codable {
        var earliest: String
        var latest: String
        var confidence: Double
        var basis: EstimateBasis
        var updatedAt: String

        enum CodingKeys: String, CodingKey {
            case earliest, latest, confidence, basis, updatedAt = "updated_at"
        }

        init(_ window: DeliveryWindow, basis: EstimateBasis, updatedAt: Date) {
            (earliest, latest, confidence) = (window.earliest.description, window.latest.description, window.confidence)
            (self.basis, self.updatedAt) = (basis, APITime.text(updatedAt))
        }
    }

    var id: String
    var orderNumber: String
    var version: Int
    var status: OrderStatus
    var channel: Channel
    var customer: CustomerFields
    var destination: AddressFields
    var placedAt: String
    var currency: String
    var subtotal: Int
    var lines: [Line]
    var shipments: [ShipmentDocument]
    /// Absent from documents stored before returns existed.
    var returns: [Return]?
    var alert: Alert?
    var declaredDisruption: Declared?
    /// Absent while the order has none.
    var remedies: [Remedy]?
    var promise: Promise?
    var estimate: Estimate?
    var promiseAtRisk: Bool?
    var metadata: JSONValue
    var cancelledAt: String?
    var cancellationReason: CancellationReason?
    /// Present for cash on delivery only.
    var cashOnDelivery: Bool?
    var confirmation: OrderConfirmation?
    var confirmedAt: String?
    var rtoRisk: Bool?
    var createdAt: String
    var updatedAt: String

    /// Keys that sort after "shipments" hold scalars only: `texts(of:)` splices the shipments in
    /// at the last `"shipments":[]` of the text.
    enum CodingKeys: String, CodingKey {
        case id, orderNumber = "order_number", version, status, channel, customer, destination, placedAt = "placed_at"
        case currency, subtotal, lines, shipments, returns, alert, declaredDisruption = "declared_disruption", remedies, promise, estimate, promiseAtRisk = "promise_at_risk", metadata
        case cancelledAt = "cancelled_at", cancellationReason = "cancellation_reason"
        case cashOnDelivery = "cash_on_delivery", confirmation, confirmedAt = "confirmed_at", rtoRisk = "rto_risk"
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    public init(_ order: OrderRecord, context: MerchantContext) {
        let shipped = order.lineQuantities
        let delivered = order.deliveredQuantities
        let returned = order.returnedQuantities
        id = order.id.apiText
        orderNumber = order.orderNumber
        version = order.version
        status = order.status
        channel = order.channel
        customer = CustomerFields(order.customer)
        destination = AddressFields(order.destination)
        placedAt = APITime.text(order.placedAt)
        currency = order.currency
        subtotal = order.subtotal
        lines = order.lines.map { line in
            Line(sku: line.sku, name: line.name, quantity: line.quantity, unitPrice: line.unitPrice, category: line.category,
                 imageUrl: line.imageUrl, productUrl: line.productUrl, finalSale: line.finalSale,
                 cancelledQuantity: line.cancelledQuantity, shippedQuantity: shipped[line.sku]?.shipped ?? 0,
                 deliveredQuantity: delivered[line.sku] ?? 0, returnedQuantity: returned[line.sku] ?? 0)
        }
        shipments = order.shipments.map { ShipmentDocument($0, of: order) }
        returns = order.returns.map(Return.init)
        alert = order.alert.map(Alert.init)
        declaredDisruption = order.declared.map(Declared.init)
        remedies = order.remedies.isEmpty ? nil : order.remedies.map(Remedy.init)
        promise = order.promise.map { promise in
            Promise(earliest: promise.window.earliest.description, latest: promise.window.latest.description,
                    confidence: promise.window.confidence, carrier: promise.carrier, serviceLevel: promise.serviceLevel,
                    location: promise.locationCode,
                    slot: promise.slot.map { .init(date: $0.date.description, start: $0.start, end: $0.end) },
                    quoteID: promise.quoteID.apiText, engineVersion: promise.engineVersion,
                    promisedAt: APITime.text(promise.promisedAt), outcome: promise.outcome,
                    deliveredOn: promise.deliveredOn?.description, missedAfter: promise.missedAfter)
        }
        estimate = order.estimate(context: context).map { Estimate($0.window, basis: $0.basis, updatedAt: $0.updatedAt) }
        promiseAtRisk = order.promiseAtRisk(context: context)
        metadata = order.metadata
        cancelledAt = order.cancelledAt.map(APITime.text)
        if order.cashOnDelivery {
            (cashOnDelivery, confirmation, confirmedAt, rtoRisk) = (true, order.confirmation, order.confirmedAt.map(APITime.text), order.rtoRisk)
        }
        cancellationReason = order.cancellationReason
        createdAt = APITime.text(order.createdAt)
        updatedAt = APITime.text(order.updatedAt)
    }

    /// The stored text: compact, keys sorted, so equal documents have equal text.
    public func json() throws -> String { try JSON.text(of: self) }

    /// The stored texts of the order's document and of its shipments' documents (by shipment
    /// id), as `json()` writes them. Each shipment is encoded once and its text spliced into the
    /// order's: encoding was the largest part of a change's time in Swift. A shipment is read
    /// back from its order's document by its text there, so the splice must keep it whole.
    public static func texts(of order: OrderRecord, context: MerchantContext) throws -> (order: String, shipments: [UUID: String]) {
        var document = OrderDocument(order, context: context)
        let shipments = try document.shipments.map { try $0.json() }
        document.shipments = []
        var text = try document.json()
        // Keys are sorted and only scalars follow "shipments", so its last match is the order's
        // own (the metadata, before it, may hold the same text).
        let empty = #""shipments":[]"#
        guard let place = text.range(of: empty, options: .backwards) else {
            throw EncodingError.invalidValue(order.id, .init(codingPath: [CodingKeys.shipments], debugDescription: "no shipments key"))
        }
        text.replaceSubrange(place, with: #""shipments":["# + shipments.joined(separator: ",") + "]")
        return (text, Dictionary(uniqueKeysWithValues: zip(order.shipments.map(\.id), shipments)))
    }

    /// A stored document read back (for views built from it, such as the customer's).
    public init(json: Data) throws {
        self = try JSONDecoder().decode(Self.self, from: json)
    }
}

/// A shipment exactly as the API shows it (the `Shipment` schema), spliced whole into its order's document.
public struct ShipmentDocument: Sendable, Equatable, Codable {
    struct Event: Sendable, Equatable, Codable {
        var id: String
        var status: TrackingStatus
        var substatus: TrackingSubstatus?
        var carrierStatusCode: String?
        var carrierStatusText: String?
        var location: LocationFields?
        var occurredAt: String
        var carrierEventId: String?
        var recordedAt: String

        enum CodingKeys: String, CodingKey {
            case id, status, substatus, carrierStatusCode = "carrier_status_code", carrierStatusText = "carrier_status_text"
            case location, occurredAt = "occurred_at", carrierEventId = "carrier_event_id", recordedAt = "recorded_at"
        }
    }

    var id: String
    var orderID: String
    var orderNumber: String
    var carrier: String
    var serviceLevel: String?
    var trackingNumber: String
    var originLocation: String?
    var status: TrackingStatus
    var substatus: TrackingSubstatus?
    var shippedAt: String?
    var deliveredAt: String?
    var estimate: OrderDocument.Estimate?
    var lines: [LineQuantity]
    var events: [Event]
    var createdAt: String
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, orderID = "order_id", orderNumber = "order_number", carrier, serviceLevel = "service_level"
        case trackingNumber = "tracking_number", originLocation = "origin_location", status, substatus
        case shippedAt = "shipped_at", deliveredAt = "delivered_at", estimate, lines, events
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    public init(_ shipment: ShipmentRecord, of order: OrderRecord) {
        id = shipment.id.apiText
        orderID = order.id.apiText
        orderNumber = order.orderNumber
        carrier = shipment.carrier
        serviceLevel = shipment.serviceLevel
        trackingNumber = shipment.trackingNumber
        originLocation = shipment.originLocation
        status = shipment.status
        substatus = shipment.substatus
        shippedAt = shipment.shippedAt.map(APITime.text)
        deliveredAt = shipment.deliveredAt.map(APITime.text)
        estimate = shipment.estimate.map { .init($0.window, basis: $0.basis, updatedAt: $0.estimatedAt) }
        lines = shipment.lines.sorted { $0.sku < $1.sku }
        // The timeline in carrier time; ties in arrival order, then by id, so the order never
        // depends on how the rows were read. (Each id's text only for a tie: the sort runs on
        // every change, over every event of the parcel.)
        events = shipment.events
            .sorted { a, b in
                if a.occurredAt != b.occurredAt { return a.occurredAt < b.occurredAt }
                if a.recordedAt != b.recordedAt { return a.recordedAt < b.recordedAt }
                return a.id.apiText < b.id.apiText
            }
            .map { event in
                Event(id: event.id.apiText, status: event.status, substatus: event.substatus,
                      carrierStatusCode: event.carrierStatusCode, carrierStatusText: event.carrierStatusText,
                      location: event.location.map(LocationFields.init), occurredAt: APITime.text(event.occurredAt),
                      carrierEventId: event.carrierEventId, recordedAt: APITime.text(event.recordedAt))
            }
        createdAt = APITime.text(shipment.createdAt)
        updatedAt = APITime.text(shipment.updatedAt)
    }

    /// The stored text, as for orders.
    public func json() throws -> String { try JSON.text(of: self) }
}

// The contract's spelling of the nested value types.

struct CustomerFields: Sendable, Equatable, Codable {
    var email: String
    var phone: String?
    var name: String?
    var locale: String?

    init(_ customer: Customer) {
        (email, phone, name, locale) = (customer.email, customer.phone, customer.name, customer.locale)
    }
}

struct AddressFields: Sendable, Equatable, Codable {
    var name: String?
    var line1: String
    var line2: String?
    var city: String
    var region: String?
    var postalCode: String?
    var country: String

    enum CodingKeys: String, CodingKey {
        case name, line1, line2, city, region, postalCode = "postal_code", country
    }

    init(_ address: Address) {
        (name, line1, line2, city, region, postalCode, country)
            = (address.name, address.line1, address.line2, address.city, address.region, address.postalCode, address.country)
    }
}

struct LocationFields: Sendable, Equatable, Codable {
    var city: String?
    var region: String?
    var postalCode: String?
    var country: String?

    enum CodingKeys: String, CodingKey {
        case city, region, postalCode = "postal_code", country
    }

    init(_ location: EventLocation) {
        (city, region, postalCode, country) = (location.city, location.region, location.postalCode, location.country)
    }
}

extension UUID {
    /// Lower-case, as the API writes ids.
    public var apiText: String { uuidString.lowercased() }
}
