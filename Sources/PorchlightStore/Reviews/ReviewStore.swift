import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// A published review as a review feed carries it.
public struct ReviewFeedItem: Sendable {
    public var review: ReviewRecord
    public var productName: String
    public var productURL: String?
    /// A review request for the line was sent before the review was written.
    public var requestedFirst: Bool
}

/// Reviews of order lines. A submission or a moderation takes the order's lock, like every
/// change to an order, so it sees the deliveries as they are and its events join the order's in
/// the feed; it does not change the order's document, so the events carry its current version.
public struct ReviewStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Stores a verified review of a delivered line with its events; nil when the merchant has
    /// no such order. A line already reviewed is a conflict naming the review.
    public func submit(_ draft: ReviewDraft, orderID: UUID, by submitter: Submitter, merchant: MerchantID, logger: Logger)
        async throws -> (review: ReviewRecord, help: [ReviewHelpOption]?)? {
        try await database.withTransaction(logger: logger) { connection in
            guard let order = try await OrderAggregates.load(orderID, merchant: merchant, on: connection, logger: logger)?.order else { return nil }
            let now = database.clock.now.asStored
            let (review, help) = try ReviewRules.review(draft, of: order, by: submitter, id: UUID.random(), now: now)
            let inserted = try await connection.query("""
                INSERT INTO reviews (merchant_id, id, order_id, sku, rating, title, body, display_name, photo_urls, attributes,
                    incentivised, verified_by, submitted_by, delivered_at, status, help_requested, created_at, updated_at)
                VALUES (\(merchant.rawValue), \(review.id), \(orderID), \(review.sku), \(Int16(review.rating)), \(review.title), \(review.text),
                    \(review.displayName), \(review.photoURLs), \(try Self.encode(review.attributes))::jsonb, \(review.incentivised),
                    \(review.verification.method.rawValue), \(submitter.rawValue), \(review.verification.deliveredAt), \(review.status.rawValue),
                    \(review.helpRequested), \(now), \(now))
                ON CONFLICT (merchant_id, order_id, sku) DO NOTHING
                RETURNING id
                """, logger: logger).collect()
            guard !inserted.isEmpty else {
                let existing = try await connection.query("""
                    SELECT id FROM reviews WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID) AND sku = \(draft.sku)
                    """, logger: logger).collect()
                throw DomainError.conflict("This line is already reviewed: review \(try existing.first?.decode(UUID.self).apiText ?? "?").")
            }
            // Core starts every review in moderation today, counted for nothing; should it ever
            // publish one on submission, this counts it.
            try await Self.tally(ReviewTallyMoves(from: nil, to: review), merchant: merchant, on: connection, logger: logger)
            try await OrderAggregates.append(ReviewEvents.submitted(review, of: order, help: help).map { (orderID, order.version, $0) },
                                             now: now, merchant: merchant, on: connection, logger: logger)
            return (review, help)
        }
    }

    public func review(_ id: UUID, merchant: MerchantID, logger: Logger) async throws -> ReviewRecord? {
        let rows = try await database.query("""
            SELECT \(unescaped: Self.columns) FROM reviews r WHERE r.merchant_id = \(merchant.rawValue) AND r.id = \(id)
            """, logger: logger)
        return try rows.first.map { try Self.review($0.makeRandomAccess()) }
    }

    /// Moves the review to `status` (Core decides whether it may), records the move in the
    /// moderation trail, and emits `review.published` when it is published.
    public func moderate(_ id: UUID, to status: ReviewStatus, reason: String?, merchant: MerchantID, logger: Logger) async throws -> ReviewRecord? {
        try await database.withTransaction(logger: logger) { connection in
            // The order's lock first, as every change to an order takes it, so that the event's
            // document version is the one the feed has when the event joins it; then, in later
            // statements, the review and the version as the previous holder left them. The
            // review's lock too: a reviewer's edit takes only that one, and the tallies move
            // from the review as it is.
            let orders = try await connection.query("""
                SELECT o.order_number, o.status FROM orders o
                WHERE o.merchant_id = \(merchant.rawValue) AND o.id = (SELECT order_id FROM reviews WHERE merchant_id = \(merchant.rawValue) AND id = \(id))
                FOR UPDATE
                """, logger: logger).collect()
            guard let (orderNumber, orderStatus) = try orders.decode((String, String).self).first else { return nil }
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.columns), coalesce(d.version, 0) AS document_version
                FROM reviews r LEFT JOIN order_documents d ON d.merchant_id = r.merchant_id AND d.order_id = r.order_id
                WHERE r.merchant_id = \(merchant.rawValue) AND r.id = \(id)
                FOR NO KEY UPDATE OF r
                """, logger: logger).collect()
            guard let row = rows.first?.makeRandomAccess() else { return nil }
            let before = try Self.review(row)
            let version = try row.column("document_version", Int.self)
            let now = database.clock.now.asStored
            var review = before
            try review.moderate(to: status, reason: reason, now: now)
            try await connection.query("""
                WITH moved AS (
                    UPDATE reviews SET status = \(review.status.rawValue), status_reason = \(review.statusReason), updated_at = \(now)
                    WHERE merchant_id = \(merchant.rawValue) AND id = \(id)
                )
                INSERT INTO review_moderations (merchant_id, review_id, moderated_at, from_status, to_status, reason)
                VALUES (\(merchant.rawValue), \(id), \(now), \(before.status.rawValue), \(review.status.rawValue), \(review.statusReason))
                """, logger: logger)
            try await Self.tally(ReviewTallyMoves(from: before, to: review), merchant: merchant, on: connection, logger: logger)
            let status = try StoredValue.decode(OrderStatus.self, orderStatus, "orders.status")
            if let event = ReviewEvents.moderated(review, orderNumber: orderNumber, orderStatus: status) {
                try await OrderAggregates.append([(review.orderID, version, event)], now: now, merchant: merchant, on: connection, logger: logger)
            }
            return review
        }
    }

    /// Applies the reviewer's edit (Core checks the time and the result) under the review's lock;
    /// an edit takes a published review back to moderation, out of the product's tallies.
    public func edit(_ id: UUID, _ edit: ReviewEdit, merchant: MerchantID, logger: Logger) async throws -> ReviewRecord? {
        try await database.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.columns) FROM reviews r WHERE r.merchant_id = \(merchant.rawValue) AND r.id = \(id) FOR UPDATE
                """, logger: logger).collect()
            guard let row = rows.first?.makeRandomAccess() else { return nil }
            let before = try Self.review(row)
            var review = before
            try review.edit(edit, now: database.clock.now.asStored)
            guard review != before else { return review }
            try await connection.query("""
                UPDATE reviews SET rating = \(Int16(review.rating)), first_rating = \(review.firstRating.map(Int16.init)),
                    title = \(review.title), body = \(review.text), display_name = \(review.displayName),
                    photo_urls = \(review.photoURLs), status = \(review.status.rawValue), status_reason = \(review.statusReason),
                    updated_at = \(review.updatedAt)
                WHERE merchant_id = \(merchant.rawValue) AND id = \(id)
                """, logger: logger)
            if review.status != before.status {
                try await connection.query("""
                    INSERT INTO review_moderations (merchant_id, review_id, moderated_at, from_status, to_status, reason)
                    VALUES (\(merchant.rawValue), \(id), \(review.updatedAt), \(before.status.rawValue), \(review.status.rawValue), \(review.statusReason))
                    """, logger: logger)
            }
            try await Self.tally(ReviewTallyMoves(from: before, to: review), merchant: merchant, on: connection, logger: logger)
            return review
        }
    }

    /// Moves the product summaries' tallies as Core says a change to a review moves them, in that
    /// change's transaction. A rise adds the tally or counts it up; a fall counts down one that a
    /// publication added (as a proposed row, a negative count would break the table's check).
    static func tally(_ moves: ReviewTallyMoves, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        guard !moves.isEmpty else { return }
        let (ratings, attributes) = (moves.ratings, moves.attributes)
        try await connection.query("""
            WITH rating_moves AS (
                SELECT * FROM unnest(\(ratings.map(\.sku))::text[], \(ratings.map { Int64($0.rating) })::int8[],
                                     \(ratings.map { Int64($0.delta) })::int8[]) AS m (sku, rating, delta)
            ), attribute_moves AS (
                SELECT * FROM unnest(\(attributes.map(\.sku))::text[], \(attributes.map(\.name))::text[], \(attributes.map(\.value))::text[],
                                     \(attributes.map { Int64($0.delta) })::int8[]) AS m (sku, name, value, delta)
            ), rating_rises AS (
                INSERT INTO review_rating_tallies AS t (merchant_id, sku, rating, reviews)
                SELECT \(merchant.rawValue), sku, rating, delta FROM rating_moves WHERE delta > 0
                ON CONFLICT (merchant_id, sku, rating) DO UPDATE SET reviews = t.reviews + excluded.reviews
            ), rating_falls AS (
                UPDATE review_rating_tallies t SET reviews = t.reviews + m.delta FROM rating_moves m
                WHERE m.delta < 0 AND t.merchant_id = \(merchant.rawValue) AND t.sku = m.sku AND t.rating = m.rating
            ), attribute_rises AS (
                INSERT INTO review_attribute_tallies AS t (merchant_id, sku, name, value, reviews)
                SELECT \(merchant.rawValue), sku, name, value, delta FROM attribute_moves WHERE delta > 0
                ON CONFLICT (merchant_id, sku, name, value) DO UPDATE SET reviews = t.reviews + excluded.reviews
            )
            UPDATE review_attribute_tallies t SET reviews = t.reviews + m.delta FROM attribute_moves m
            WHERE m.delta < 0 AND t.merchant_id = \(merchant.rawValue) AND t.sku = m.sku AND t.name = m.name AND t.value = m.value
            """, logger: logger)
    }

    /// Sets the merchant's reply, replacing any earlier one.
    public func reply(_ id: UUID, _ reply: ReviewReply, merchant: MerchantID, logger: Logger) async throws -> ReviewRecord? {
        let rows = try await database.query("""
            UPDATE reviews r SET reply_text = \(reply.text), reply_public = \(reply.isPublic), replied_at = \(reply.repliedAt),
                updated_at = \(reply.repliedAt)
            WHERE r.merchant_id = \(merchant.rawValue) AND r.id = \(id)
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        return try rows.first.map { try Self.review($0.makeRandomAccess()) }
    }

    /// Records a shopper's vote (Core checks the review takes votes) and recounts the review's
    /// votes from the votes themselves, under the review's lock, so a changed or repeated vote
    /// counts once.
    public func vote(_ id: UUID, _ vote: ReviewVote, merchant: MerchantID, logger: Logger) async throws -> ReviewVotes? {
        try await database.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT status FROM reviews WHERE merchant_id = \(merchant.rawValue) AND id = \(id) FOR NO KEY UPDATE
                """, logger: logger).collect()
            guard let status = try rows.first?.decode(String.self) else { return nil }
            try ReviewVote.check(try StoredValue.decode(ReviewStatus.self, status, "reviews.status"))
            try await connection.query("""
                INSERT INTO review_votes (merchant_id, review_id, voter, helpful, voted_at)
                VALUES (\(merchant.rawValue), \(id), \(vote.voter), \(vote.helpful), now())
                ON CONFLICT (merchant_id, review_id, voter) DO UPDATE SET helpful = excluded.helpful, voted_at = excluded.voted_at
                """, logger: logger)
            let counted = try await connection.query("""
                UPDATE reviews r SET helpful_votes = v.helpful, unhelpful_votes = v.unhelpful
                FROM (SELECT count(*) FILTER (WHERE helpful) AS helpful, count(*) FILTER (WHERE NOT helpful) AS unhelpful
                      FROM review_votes WHERE merchant_id = \(merchant.rawValue) AND review_id = \(id)) v
                WHERE r.merchant_id = \(merchant.rawValue) AND r.id = \(id)
                RETURNING r.helpful_votes, r.unhelpful_votes
                """, logger: logger).collect()
            return try counted.first.map { row in
                let (helpful, unhelpful) = try row.decode((Int, Int).self)
                return ReviewVotes(helpful: helpful, unhelpful: unhelpful)
            }
        }
    }

    /// A page of a SKU's published reviews in the order asked for; within a rank, newest first.
    public func published(sku: String, sort: ReviewSort, limit: Int, cursor: String?, merchant: MerchantID, logger: Logger)
        async throws -> (items: [ReviewRecord], nextCursor: String?) {
        let after = try cursor.map { try PageCursor(token: $0, list: sort.rawValue) }
        let rank = Self.rank(sort)
        // The rank compared apart from the time and id: for `newest` the rank is a constant, the
        // first test folds away, and the index on (created_at, id) bounds the scan. The ranked
        // sorts sort the SKU's published reviews.
        let rows = try await database.query("""
            SELECT \(unescaped: Self.columns), \(unescaped: rank) AS rank FROM reviews r
            WHERE r.merchant_id = \(merchant.rawValue) AND r.sku = \(sku) AND r.status = 'published'
              AND (\(after?.micros)::int8 IS NULL
                   OR \(unescaped: rank) < \(after?.rank)::int8
                   OR (\(unescaped: rank) = \(after?.rank)::int8
                       AND (r.created_at, r.id) < ('epoch'::timestamptz + \(after?.micros) * interval '1 microsecond', \(after?.id))))
            ORDER BY \(unescaped: rank) DESC, r.created_at DESC, r.id DESC
            LIMIT \(limit + 1)
            """, logger: logger)
        var items: [ReviewRecord] = []
        var lastRank: Int64 = 0
        for row in rows.prefix(limit) {
            let row = row.makeRandomAccess()
            items.append(try Self.review(row))
            lastRank = try row.column("rank", Int64.self)
        }
        let next = rows.count > limit ? items.last.map { PageCursor(time: $0.createdAt, id: $0.id, rank: lastRank, list: sort.rawValue).token } : nil
        return (items, next)
    }

    /// What a sort ranks reviews by, highest first (ties newest first).
    private static func rank(_ sort: ReviewSort) -> String {
        switch sort {
        case .newest: "0::int8"
        case .highestRating: "r.rating::int8"
        case .lowestRating: "-r.rating::int8"
        case .mostHelpful: "r.helpful_votes::int8"
        }
    }

    /// A page of the merchant's published reviews with text for a review feed (Google's product
    /// review feed, say), least recently changed first, from `changedSince`; each with its line's
    /// product and whether a review request for the line came before it.
    public func feed(changedSince: Date?, limit: Int, cursor: String?, merchant: MerchantID, logger: Logger)
        async throws -> (items: [ReviewFeedItem], nextCursor: String?) {
        let after = try cursor.map { try PageCursor(token: $0, list: "feed") }
        let rows = try await database.query("""
            SELECT \(unescaped: Self.columns), l.name AS product_name, l.product_url,
                   EXISTS (SELECT 1 FROM review_requests q
                           JOIN shipment_lines sl ON sl.merchant_id = q.merchant_id AND sl.shipment_id = q.shipment_id AND sl.sku = r.sku
                           WHERE q.merchant_id = r.merchant_id AND q.order_id = r.order_id AND q.requested_at <= r.created_at) AS requested_first
            FROM reviews r
            JOIN order_lines l ON l.merchant_id = r.merchant_id AND l.order_id = r.order_id AND l.sku = r.sku
            WHERE r.merchant_id = \(merchant.rawValue) AND r.status = 'published' AND r.body ~ '\\S'
              AND (\(changedSince)::timestamptz IS NULL OR r.updated_at >= \(changedSince))
              AND (\(after?.micros)::int8 IS NULL
                   OR (r.updated_at, r.id) > ('epoch'::timestamptz + \(after?.micros) * interval '1 microsecond', \(after?.id)))
            ORDER BY r.updated_at, r.id
            LIMIT \(limit + 1)
            """, logger: logger)
        let items = try rows.prefix(limit).map { row in
            let row = row.makeRandomAccess()
            return ReviewFeedItem(review: try Self.review(row), productName: try row.column("product_name", String.self),
                                  productURL: try row.column("product_url", String?.self),
                                  requestedFirst: try row.column("requested_first", Bool.self))
        }
        let next = rows.count > limit ? items.last.map { PageCursor(time: $0.review.updatedAt, id: $0.review.id, rank: 0, list: "feed").token } : nil
        return (items, next)
    }

    /// The published reviews of a SKU, counted by rating and by attribute value.
    public func summary(sku: String, merchant: MerchantID, logger: Logger) async throws -> ReviewSummary {
        // The tallies each change to a review keeps (`tally`), not a scan of the reviews; in one
        // statement, so both come from the same moment. Rating rows have no attribute name.
        let rows = try await database.query("""
            SELECT rating, NULL::text, NULL::text, reviews FROM review_rating_tallies
            WHERE merchant_id = \(merchant.rawValue) AND sku = \(sku) AND reviews > 0
            UNION ALL
            SELECT NULL::smallint, name, value, reviews FROM review_attribute_tallies
            WHERE merchant_id = \(merchant.rawValue) AND sku = \(sku) AND reviews > 0
            """, logger: logger)
        var ratings: [Int: Int] = [:]
        var attributes: [(name: String, value: String, count: Int)] = []
        for (rating, name, value, count) in try rows.decode((Int16?, String?, String?, Int).self) {
            if let rating { ratings[Int(rating)] = count } else if let name, let value { attributes.append((name, value, count)) }
        }
        return ReviewSummary(countsByRating: ratings, attributeCounts: attributes)
    }

    /// Read by name (`review(_:)`): a column a statement adds needs a name of its own (of two
    /// equal names, the row has the last).
    static let columns = """
        r.id, r.order_id, r.sku, r.rating, r.title, r.body, r.display_name, r.photo_urls, r.attributes::text AS attributes, r.incentivised,
        r.verified_by, r.delivered_at, r.submitted_by, r.status, r.status_reason, r.help_requested, r.created_at, r.updated_at,
        r.reply_text, r.reply_public, r.replied_at, r.first_rating, r.helpful_votes, r.unhelpful_votes
        """

    static func review(_ row: PostgresRandomAccessRow) throws -> ReviewRecord {
        let orderID: UUID = try row.column("order_id")
        return ReviewRecord(
            id: try row.column("id"), orderID: orderID, sku: try row.column("sku"), rating: Int(try row.column("rating", Int16.self)), title: try row.column("title"),
            text: try row.column("body"), displayName: try row.column("display_name"), photoURLs: try row.column("photo_urls"),
            attributes: try JSONDecoder().decode([String: String].self, from: Data(try row.column("attributes", String.self).utf8)),
            incentivised: try row.column("incentivised"),
            verification: ReviewVerification(
                method: try StoredValue.decode(ReviewVerification.Method.self, try row.column("verified_by"), "reviews.verified_by"),
                orderID: orderID, deliveredAt: try row.column("delivered_at")),
            submittedBy: try StoredValue.decode(Submitter.self, try row.column("submitted_by"), "reviews.submitted_by"),
            status: try StoredValue.decode(ReviewStatus.self, try row.column("status"), "reviews.status"), statusReason: try row.column("status_reason"),
            helpRequested: try row.column("help_requested"), firstRating: try row.column("first_rating", Int16?.self).map(Int.init),
            votes: ReviewVotes(helpful: try row.column("helpful_votes"), unhelpful: try row.column("unhelpful_votes")),
            reply: try row.column("reply_text", String?.self).map {
                ReviewReply(text: $0, isPublic: try row.column("reply_public"), repliedAt: try row.column("replied_at"))
            },
            createdAt: try row.column("created_at"), updatedAt: try row.column("updated_at"))
    }

    /// Attributes as they were given: their names are the merchant's, not to be re-cased.
    static func encode(_ attributes: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(attributes), as: UTF8.self)
    }
}
