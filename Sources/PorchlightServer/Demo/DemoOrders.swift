import Foundation
import Logging
import PorchlightCore
import PorchlightStore
import PostgresNIO

/// Loads realistic demo orders for a merchant through the same stores the API uses, so every
/// order is consistent: order numbers `DEMO-1001`…, a spread of states from processing to
/// delivered, exceptions and cancellations, plus the warehouse they ship from and the carrier
/// services they use, so delivery quotes work at once. With `reviews`, each delivered order gets a
/// published review of its first line in a real customer's words. Re-running updates the same
/// data (idempotent).
public func loadDemoOrders(count: Int, reviews demoReviews: [DemoReview] = [], merchant merchantUUID: UUID, client: PostgresClient,
                           logger: Logger) async throws {
    try await migrate(client: client, logger: logger)
    let merchant = MerchantID(merchantUUID)
    let database = Database(client: client)
    let orders = OrderStore(database: database)
    let shipments = ShipmentStore(database: database)
    let promises = PromiseStore(database: database)
    let reviews = ReviewStore(database: database)
    try await loadDemoPromiseSetup(promises, merchant: merchant, logger: logger)
    let now = Date()
    let estimator = try await PromisePlanner(store: promises).estimator(for: merchant, now: now, logger: logger)
    for index in 0..<count {
        let demo = DemoOrder(index: index, now: now)
        let (order, _) = try await orders.upsert(demo.draft, merchant: merchant, logger: logger)
        switch demo.fate {
        case .processing:
            continue
        case .cancelled:
            do {
                _ = try await orders.cancel(order.id, CancellationDraft(reason: .outOfStock, lines: nil), merchant: merchant, logger: logger)
            } catch DomainError.conflict {
                // Cancelled on an earlier run.
            }
        case .shipping(let scans, let partial):
            let trackingNumber = "DEMO\(100_000 + index)"
            if try await shipments.find(carrier: demo.carrier, trackingNumber: trackingNumber, merchant: merchant, logger: logger) != nil {
                continue  // shipped on an earlier run
            }
            let lines = partial ? [LineQuantity(sku: demo.draft.lines[0].sku, quantity: demo.draft.lines[0].quantity)]
                : demo.draft.lines.map { LineQuantity(sku: $0.sku, quantity: $0.quantity) }
            let shipment = try await shipments.create(
                ShipmentDraft(carrier: demo.carrier, serviceLevel: "standard", trackingNumber: trackingNumber,
                              originLocation: "WH-BUCHAREST", lines: lines),
                orderID: order.id, merchant: merchant, logger: logger)
            if !scans.isEmpty {
                _ = try await shipments.record(demo.events(scans), shipmentID: shipment.id, merchant: merchant, estimator: estimator, logger: logger)
            }
            if scans.contains(.delivered), !demoReviews.isEmpty {
                try await loadDemoReview(demoReviews[index % demoReviews.count], of: demo.draft, orderID: order.id, reviews: reviews,
                                         merchant: merchant, logger: logger)
            }
        }
    }
}

/// A real customer's review to load with the demo orders (e.g. from `datasets/olist/reviews.csv`).
public struct DemoReview: Sendable, Equatable {
    public var rating: Int
    public var title: String?
    public var text: String?

    /// The rows of a review file with the columns `score`, `title` and `message` (others are
    /// ignored); rows whose score is not 1 to 5 are skipped, and text is cut to what a review holds.
    public static func parse(csv text: String) -> [DemoReview] {
        var records = CSV.records(text)
        guard !records.isEmpty else { return [] }
        let header = records.removeFirst()
        guard let score = header.firstIndex(of: "score"), let title = header.firstIndex(of: "title"),
              let message = header.firstIndex(of: "message") else { return [] }
        func value(_ record: [String], _ index: Int, max: Int) -> String? {
            guard index < record.count else { return nil }
            let text = record[index].trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : String(text.prefix(max))
        }
        return records.compactMap { record in
            guard score < record.count, let rating = Int(record[score]), (1...5).contains(rating) else { return nil }
            return DemoReview(rating: rating, title: value(record, title, max: 150), text: value(record, message, max: 5000))
        }
    }
}

/// Submits the review for the order's first line, as the merchant's own form would, and publishes
/// it; a line reviewed on an earlier run is left as it is.
private func loadDemoReview(_ demo: DemoReview, of order: OrderDraft, orderID: UUID, reviews: ReviewStore, merchant: MerchantID,
                            logger: Logger) async throws {
    let name = order.customer.name.map { String($0.split(separator: " ").first ?? Substring($0)) } ?? "Cliente"
    let draft = ReviewDraft(sku: order.lines[0].sku, rating: demo.rating, title: demo.title, text: demo.text, displayName: name,
                            photoURLs: [], attributes: [:], incentivised: false, needsHelp: false)
    do {
        guard let (review, _) = try await reviews.submit(try draft.validate(), orderID: orderID, by: .merchant, merchant: merchant, logger: logger)
        else { return }
        _ = try await reviews.moderate(review.id, to: .published, reason: nil, merchant: merchant, logger: logger)
    } catch DomainError.conflict {
        // Reviewed on an earlier run.
    }
}

/// The demo warehouse and the couriers of the demo orders, delivering to every demo customer's
/// country: one to three days at home, longer abroad.
private func loadDemoPromiseSetup(_ store: PromiseStore, merchant: MerchantID, logger: Logger) async throws {
    _ = try await store.upsertLocation(FulfilmentLocation(
        code: "WH-BUCHAREST", name: "Bucharest warehouse", country: "RO", region: "B", postalCode: "077190",
        timeZone: TimeZone(identifier: "Europe/Bucharest")!, cutoffMinutes: 14 * 60, handlingDays: 1,
        workingDays: WorkCalendar(days: Weekday.mondayToFriday, holidays: [LocalDate("2026-12-25")!, LocalDate("2027-01-01")!])),
        merchant: merchant, logger: logger)
    for carrier in DemoOrder.carriers {
        _ = try await store.upsertService(CarrierService(
            carrier: carrier, serviceLevel: "standard",
            pickupDays: WorkCalendar(days: Weekday.mondayToFriday), deliveryDays: WorkCalendar(days: Weekday.mondayToSaturday),
            baselineTransit: [BaselineTransit(country: "RO", days: 1...3), BaselineTransit(country: "ES", days: 3...5),
                              BaselineTransit(country: "GB", days: 3...6), BaselineTransit(country: "RU", days: 5...10),
                              BaselineTransit(country: "ID", days: 6...12), BaselineTransit(country: "CN", days: 6...12)]),
            merchant: merchant, logger: logger)
    }
}

/// One deterministic demo order: its index decides its customer, lines and fate.
private struct DemoOrder {
    enum Fate {
        case processing
        case cancelled
        /// Shipped (all lines, or only the first) with these carrier scans so far.
        case shipping([TrackingStatus], partial: Bool)
    }

    let index: Int
    let placedAt: Date
    let draft: OrderDraft
    let fate: Fate
    let carrier: String
    static let carriers = ["dhl", "ups", "fan_courier"]

    private static let customers = [
        ("Ana Popescu", "ana.popescu@example.com", "ro", "Bucharest", "030031", "RO"),
        ("Lucía García", "lucia.garcia@example.com", "es", "Madrid", "28013", "ES"),
        ("Budi Santoso", "budi.santoso@example.com", "id", "Jakarta", "10110", "ID"),
        ("Ivan Petrov", "ivan.petrov@example.com", "ru", "Moscow", "101000", "RU"),
        ("Li Wei", "li.wei@example.com", "zh-Hans", "Shanghai", "200000", "CN"),
        ("Emma Smith", "emma.smith@example.com", "en", "Leeds", "LS1 4AP", "GB"),
    ]
    private static let products = [
        ("TEE-RED-M", "Red tee (M)", 4990, "apparel"), ("TEE-BLU-L", "Blue tee (L)", 4990, "apparel"),
        ("MUG-01", "Porch mug", 2990, "home"), ("LAMP-02", "Porch lamp", 15900, "home"),
        ("SOCK-3P", "Socks, 3 pairs", 1990, "apparel"), ("BOOK-07", "Field guide", 8900, "books"),
    ]
    private static let fates: [Fate] = [
        .processing, .shipping([], partial: false), .shipping([.infoReceived], partial: false),
        .shipping([.infoReceived, .inTransit], partial: false), .shipping([.infoReceived, .inTransit], partial: true),
        .shipping([.infoReceived, .inTransit, .outForDelivery], partial: false),
        .shipping([.infoReceived, .inTransit, .outForDelivery, .delivered], partial: false),
        .shipping([.infoReceived, .inTransit, .outForDelivery, .delivered], partial: false),
        .shipping([.infoReceived, .inTransit, .exception], partial: false),
        .shipping([.infoReceived, .inTransit, .outForDelivery, .attemptedDelivery], partial: false),
        .shipping([.infoReceived, .inTransit, .availableForPickup], partial: false),
        .cancelled,
    ]

    init(index: Int, now: Date) {
        self.index = index
        let customer = Self.customers[index % Self.customers.count]
        let first = Self.products[index % Self.products.count]
        let second = Self.products[(index * 7 + 3) % Self.products.count]
        let products = first.0 == second.0 ? [first] : [first, second]
        // Placed two to twenty-three days ago, so that every scan lies in the past.
        placedAt = now.addingTimeInterval(-(21 * 24 * 3600) * Double(index % 97) / 97 - 2 * 24 * 3600)
        fate = Self.fates[index % Self.fates.count]
        carrier = Self.carriers[index % Self.carriers.count]
        let (name, email, locale, city, postalCode, country) = customer
        draft = OrderDraft(
            orderNumber: "DEMO-\(1001 + index)",
            channel: Channel(type: [.web, .app, .marketplace, .social, .pos][index % 5], name: index % 5 == 2 ? "amazon" : nil),
            customer: Customer(email: email.replacingOccurrences(of: "@", with: "+\(index)@"), phone: nil, name: name, locale: locale),
            destination: Address(name: name, line1: "\(index % 90 + 1) Main Street", line2: nil, city: city, region: nil, postalCode: postalCode, country: country),
            placedAt: placedAt,
            currency: "EUR",
            lines: products.enumerated().map { position, product in
                OrderLineDraft(sku: product.0, name: product.1, quantity: 1 + (index + position) % 3, unitPrice: product.2,
                               category: product.3, imageUrl: "https://shop.example.com/img/\(product.0).jpg",
                               productUrl: "https://shop.example.com/p/\(product.0)", finalSale: product.0 == "BOOK-07")
            },
            metadataJSON: #"{"source":"demo"}"#)
    }

    /// Carrier scans, a few hours apart after the order was placed.
    func events(_ scans: [TrackingStatus]) -> [TrackingEventDraft] {
        scans.enumerated().map { step, status in
            TrackingEventDraft(
                status: status, substatus: status == .exception ? .weatherDelay : nil,
                carrierStatusCode: status.rawValue.uppercased(), carrierStatusText: status.rawValue.replacingOccurrences(of: "_", with: " ").capitalized,
                location: EventLocation(city: "Bucharest", region: nil, postalCode: nil, country: "RO"),
                occurredAt: placedAt.addingTimeInterval(Double(step + 1) * 6 * 3600),
                carrierEventId: "demo-\(index)-\(step)")
        }
    }
}
