import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// What the customer page counts, per merchant and day; nothing about who.
public enum PageMetric: String, Sendable, CaseIterable {
    case pageView = "page_view"
    case lookup
    case remedyChosen = "remedy_chosen"
    case returnOpened = "return_opened"
    case reviewSent = "review_sent"
    case deliveryRated = "delivery_rated"
    case deliveryActionSent = "delivery_action_sent"
    case orderConfirmed = "order_confirmed"
    case recommendationClick = "recommendation_click"
}

/// The page's counts over some days.
public struct PageCounts: Sendable, Equatable {
    public var totals: [PageMetric: Int] = [:]
    /// Recommendation clicks by SKU.
    public var clicks: [String: Int] = [:]
}

/// Each merchant's customer page: its branding, found by the merchant or by the page's address,
/// and its daily counts.
public struct TrackingPageStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func branding(merchant: MerchantID, logger: Logger) async throws -> PageBranding? {
        let rows = try await database.query("SELECT branding::text FROM tracking_pages WHERE merchant_id = \(merchant.rawValue)", logger: logger)
        return try rows.first.map { try Self.decode(try $0.decode(String.self)) }
    }

    /// The page at this address and whose it is.
    public func page(slug: String, logger: Logger) async throws -> (merchant: MerchantID, branding: PageBranding)? {
        let rows = try await database.query("SELECT merchant_id, branding::text FROM tracking_pages WHERE slug = \(slug)", logger: logger)
        return try rows.first.map { row in
            let (merchant, branding) = try row.decode((UUID, String).self)
            return (MerchantID(merchant), try Self.decode(branding))
        }
    }

    /// Sets the merchant's branding (its address may change); a slug another merchant holds is a conflict.
    public func save(_ branding: PageBranding, now: Date, merchant: MerchantID, logger: Logger) async throws {
        do {
            _ = try await database.query("""
                INSERT INTO tracking_pages (merchant_id, slug, branding, updated_at)
                VALUES (\(merchant.rawValue), \(branding.slug), \(try Self.encode(branding))::jsonb, \(now))
                ON CONFLICT (merchant_id) DO UPDATE SET slug = excluded.slug, branding = excluded.branding, updated_at = excluded.updated_at
                """, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw DomainError.conflict("The page address '\(branding.slug)' is taken; choose another slug.")
        }
    }

    /// Adds one to a count of today (UTC).
    public func count(_ metric: PageMetric, sku: String = "", now: Date, merchant: MerchantID, logger: Logger) async throws {
        _ = try await database.query("""
            INSERT INTO tracking_page_counts (merchant_id, day, metric, sku, count)
            VALUES (\(merchant.rawValue), (\(now)::timestamptz AT TIME ZONE 'UTC')::date, \(metric.rawValue), \(sku), 1)
            ON CONFLICT (merchant_id, day, metric, sku) DO UPDATE SET count = tracking_page_counts.count + 1
            """, logger: logger)
    }

    /// The counts from `from` to `to`, both days included.
    public func counts(from: LocalDate, to: LocalDate, merchant: MerchantID, logger: Logger) async throws -> PageCounts {
        let rows = try await database.query("""
            SELECT metric, sku, sum(count)::bigint FROM tracking_page_counts
            WHERE merchant_id = \(merchant.rawValue) AND day BETWEEN \(from.description)::date AND \(to.description)::date
            GROUP BY metric, sku
            """, logger: logger)
        var counts = PageCounts()
        for row in rows {
            let (metric, sku, count) = try row.decode((String, String, Int).self)
            let known = try StoredValue.decode(PageMetric.self, metric, "tracking_page_counts.metric")
            counts.totals[known, default: 0] += count
            if known == .recommendationClick { counts.clicks[sku, default: 0] += count }
        }
        return counts
    }

    // `PageBranding` names its own keys (`logo_url`, `for_sku`), which the documents' snake_case
    // conversion would not round-trip.
    private static func encode(_ branding: PageBranding) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(branding), as: UTF8.self)
    }

    private static func decode(_ json: String) throws -> PageBranding {
        try JSONDecoder().decode(PageBranding.self, from: Data(json.utf8))
    }

    /// The order's version, which grows with every change: what the page polls.
    public func orderVersion(_ orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> Int? {
        let rows = try await database.query("SELECT version FROM order_documents WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID)", logger: logger)
        return try rows.first?.decode(Int.self)
    }

    /// The order's lines already reviewed and shipments already rated, so the page offers neither again.
    public func reviewedAndRated(_ orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> (skus: Set<String>, shipments: Set<UUID>) {
        let rows = try await database.query("""
            SELECT array(SELECT sku FROM reviews WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID)),
                   array(SELECT shipment_id FROM delivery_ratings WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID))
            """, logger: logger)
        guard let row = rows.first else { return ([], []) }
        let (skus, shipments) = try row.decode(([String], [UUID]).self)
        return (Set(skus), Set(shipments))
    }
}
