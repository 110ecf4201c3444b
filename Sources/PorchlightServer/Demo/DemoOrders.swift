import Foundation
import Logging
import PorchlightCore
import PorchlightStore
import PostgresNIO

/// Loads a demo shop's history for a merchant through the same stores the API uses, so every
/// order is consistent: the warehouse and carrier services quotes need, and `count` orders of the
/// last 90 days (`DemoHistory`, numbered `DEMO-1001`…), from delivered down to processing, with
/// exceptions, failed attempts and cancellations. With `reviews`, each delivered order gets a
/// published review of its first line in a real customer's words. Re-running it is idempotent;
/// run later, it plays the same orders on to now and adds those placed since.
public func loadDemoOrders(count: Int, reviews demoReviews: [DemoReview] = [], merchant merchantUUID: UUID, client: PostgresClient,
                           logger: Logger) async throws {
    try await migrate(client: client, logger: logger)
    let merchant = MerchantID(merchantUUID)
    let database = Database(client: client)
    let orders = OrderStore(database: database)
    let shipments = ShipmentStore(database: database)
    let promises = PromiseStore(database: database)
    let reviews = ReviewStore(database: database)
    let openedAt = try await loadDemoPromiseSetup(promises, merchant: merchant, logger: logger)
    let pages = TrackingPageStore(database: database)
    if try await pages.branding(merchant: merchant, logger: logger) == nil {
        try await pages.save(DemoShop.page(merchant), now: database.clock.now, merchant: merchant, logger: logger)
    }
    // Every message on, at any hour and a minute after the last scan, so the demo's customers
    // are emailed about what happens from now on (scripts/run keeps them in a local mail sink).
    let messages = MessageStore(database: database)
    if try await messages.settings(merchant: merchant, logger: logger).kinds.isEmpty {
        let settings = MessageSettings(kinds: Set(MessageKind.allCases), channels: [.email, .webhook], fromAddress: "orders@demo-shop.example",
                                       fromName: nil, replyTo: nil, quietHours: QuietHours(startMinute: 0, endMinute: 0), coalesceMinutes: 1,
                                       dailyCap: MessageSettings.standard.dailyCap)
        try await messages.replaceSettings(settings, merchant: merchant, now: database.clock.now, logger: logger)
    }
    let now = database.clock.now
    let estimator = try await PromisePlanner(store: promises).estimator(for: merchant, now: now, logger: logger)
    for demo in DemoHistory(count: count, openedAt: openedAt).orders(placedBy: now) {
        let (json, _) = try await orders.upsert(demo.draft, merchant: merchant, logger: logger)
        let stored = try StoredDemoOrder(json)
        switch demo.fate {
        case .cancelled(let at):
            guard at <= now, stored.status != .cancelled else { continue }
            _ = try await orders.cancel(json.id, CancellationDraft(reason: .outOfStock, lines: nil), merchant: merchant, logger: logger)
        case .shipped(let scans):
            let due = scans.filter { $0.occurredAt <= now }
            guard !due.isEmpty else { continue }  // no label yet: still being prepared
            let recorded = stored.shipments.first
            let shipmentID: UUID
            if let recorded {
                shipmentID = recorded.id
            } else {
                shipmentID = try await shipments.create(
                    ShipmentDraft(carrier: demo.carrier, serviceLevel: "standard", trackingNumber: demo.trackingNumber,
                                  originLocation: DemoShop.warehouse.code, lines: demo.draft.lines.map { LineQuantity(sku: $0.sku, quantity: $0.quantity) }),
                    orderID: json.id, merchant: merchant, logger: logger).id
            }
            let new = due.dropFirst(recorded?.events.count ?? 0)
            guard !new.isEmpty else { continue }
            _ = try await shipments.record(due, shipmentID: shipmentID, merchant: merchant, estimator: estimator, logger: logger)
            if new.contains(where: { $0.status == .delivered }), !demoReviews.isEmpty {
                try await loadDemoReview(demoReviews[demo.index % demoReviews.count], of: demo.draft, orderID: json.id, reviews: reviews,
                                         merchant: merchant, logger: logger)
            }
        }
    }
}

/// What the loader reads back of a demo order: its status, and its parcel's scans so far.
private struct StoredDemoOrder: Decodable {
    struct Shipment: Decodable {
        struct Event: Decodable {}
        var id: UUID
        var events: [Event]
    }

    var status: OrderStatus
    var shipments: [Shipment]

    init(_ order: OrderJSON) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        self = try decoder.decode(Self.self, from: order.json)
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

/// The demo warehouse and couriers (`DemoShop`); returns when the warehouse was first set up,
/// where the demo's history ends.
private func loadDemoPromiseSetup(_ store: PromiseStore, merchant: MerchantID, logger: Logger) async throws -> Date {
    let (warehouse, _) = try await store.upsertLocation(DemoShop.warehouse, merchant: merchant, logger: logger)
    for service in DemoShop.services {
        _ = try await store.upsertService(service, merchant: merchant, logger: logger)
    }
    return warehouse.createdAt
}
