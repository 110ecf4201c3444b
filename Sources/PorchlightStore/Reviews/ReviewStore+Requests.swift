import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// When to ask for reviews: the merchant's settings, the deliveries waiting for a review, and
/// the `review.requested` events announcing them.
extension ReviewStore {
    public func settings(merchant: MerchantID, logger: Logger) async throws -> ReviewSettings {
        let rows = try await database.query(
            "SELECT request_delay_days, announce_requests FROM review_settings WHERE merchant_id = \(merchant.rawValue)", logger: logger)
        return try rows.decode((Int, Bool).self).first.map(ReviewSettings.init(requestDelayDays:announceRequests:)) ?? .default
    }

    public func updateSettings(_ settings: ReviewSettings, merchant: MerchantID, logger: Logger) async throws {
        try await database.query("""
            INSERT INTO review_settings (merchant_id, request_delay_days, announce_requests)
            VALUES (\(merchant.rawValue), \(settings.requestDelayDays), \(settings.announceRequests))
            ON CONFLICT (merchant_id) DO UPDATE
            SET request_delay_days = excluded.request_delay_days, announce_requests = excluded.announce_requests, updated_at = excluded.updated_at
            """, logger: logger)
    }

    /// A page of the merchant's deliveries between two instants, oldest first, each with the lines
    /// it carried that are not reviewed yet; cancelled orders and orders with an open return are
    /// left out, and with
    /// `unrequestedOnly` those already announced by `review.requested`.
    public func reviewCandidates(deliveredFrom: Date, deliveredTo: Date, unrequestedOnly: Bool = false, limit: Int, cursor: String?,
                                 merchant: MerchantID, logger: Logger) async throws -> (items: [ReviewCandidate], nextCursor: String?) {
        let after = try cursor.map { try PageCursor(token: $0) }
        let rows = try await database.query("""
            SELECT o.id, o.order_number, o.status, o.customer_email, o.customer_phone, o.customer_name, o.customer_locale, s.id, s.delivered_at,
                   l.time_zone, q.requested_at,
                   coalesce(u.skus, '{}'), coalesce(u.purchased, '{}'), coalesce(u.returned, '{}')
            FROM shipments s
            -- The lines the shipment carried that are not reviewed yet, with the units bought and
            -- the units taken back by returns (Core decides which are returned in full).
            LEFT JOIN LATERAL (
                SELECT array_agg(sl.sku ORDER BY sl.sku) AS skus,
                       array_agg(ol.quantity - ol.cancelled_quantity ORDER BY sl.sku) AS purchased,
                       array_agg(coalesce((SELECT sum(rl.taken_back) FROM return_lines rl
                                           JOIN returns rt ON rt.merchant_id = rl.merchant_id AND rt.id = rl.return_id
                                           WHERE rt.merchant_id = s.merchant_id AND rt.order_id = s.order_id AND rl.sku = sl.sku),
                                          0)::int8 ORDER BY sl.sku) AS returned
                FROM shipment_lines sl
                JOIN order_lines ol ON ol.merchant_id = sl.merchant_id AND ol.order_id = s.order_id AND ol.sku = sl.sku
                WHERE sl.merchant_id = s.merchant_id AND sl.shipment_id = s.id
                  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.merchant_id = s.merchant_id AND r.order_id = s.order_id AND r.sku = sl.sku)
            ) u ON true
            JOIN orders o ON o.merchant_id = s.merchant_id AND o.id = s.order_id
            LEFT JOIN fulfilment_locations l ON l.merchant_id = s.merchant_id AND l.code = s.origin_location
            LEFT JOIN review_requests q ON q.merchant_id = s.merchant_id AND q.shipment_id = s.id
            WHERE s.merchant_id = \(merchant.rawValue) AND s.status = 'delivered' AND o.status <> 'cancelled'
              -- Not while a return is open on the order: ask once it is settled.
              AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.merchant_id = s.merchant_id AND r.order_id = s.order_id AND r.open)
              AND NOT EXISTS (SELECT 1 FROM disruption_alerts a WHERE a.merchant_id = s.merchant_id AND a.order_id = s.order_id
                              AND a.resolved_at IS NULL)
              AND NOT (\(unrequestedOnly) AND q.shipment_id IS NOT NULL)
              AND s.delivered_at BETWEEN \(deliveredFrom) AND \(deliveredTo)
              AND (\(after?.micros)::int8 IS NULL
                   OR (s.delivered_at, s.id) > ('epoch'::timestamptz + \(after?.micros) * interval '1 microsecond', \(after?.id)))
            ORDER BY s.delivered_at, s.id
            LIMIT \(limit + 1)
            """, logger: logger)
        // A shipment without a location is timed in UTC (see `ReviewCandidate.timeZone`).
        let utc = TimeZone(secondsFromGMT: 0)
        let items = try rows.prefix(limit).map { row in
            let (orderID, number, status, email, phone, name, locale, shipmentID, deliveredAt, zone, requestedAt, unreviewed, purchased, returned) =
                try row.decode((UUID, String, String, String, String?, String?, String?, UUID, Date, String?, Date?, [String], [Int], [Int]).self)
            let skus = zip(unreviewed, zip(purchased, returned)).filter { !ReviewRules.returnedInFull(purchased: $1.0, returned: $1.1) }.map(\.0)
            return ReviewCandidate(orderID: orderID, orderNumber: number, orderStatus: try StoredValue.decode(OrderStatus.self, status, "orders.status"),
                                   shipmentID: shipmentID, customer: Customer(email: email, phone: phone, name: name, locale: locale),
                                   deliveredAt: deliveredAt, skus: skus, timeZone: zone.flatMap(TimeZone.init(identifier:)) ?? utc!,
                                   requestedAt: requestedAt)
        }
        let next = rows.count > limit ? items.last.map { PageCursor(time: $0.deliveredAt, id: $0.shipmentID).token } : nil
        return (items, next)
    }


    /// Announces every merchant's review requests that are due at `now` and not stale (see
    /// `sendDueRequests(merchant:now:)`). One merchant's failure is logged and does not hold up
    /// the others. Returns how many were announced.
    public func sendDueRequests(now: Date, logger: Logger) async throws -> Int {
        let merchants = try await database.query("SELECT id FROM merchants", logger: logger)
        var sent = 0
        for id in try merchants.decode(UUID.self) {
            do {
                sent += try await sendDueRequests(merchant: MerchantID(id), now: now, logger: logger)
            } catch {
                logger.error("could not announce review requests", metadata: ["merchant_id": "\(id)", "error": "\(error)"])
            }
        }
        return sent
    }

    /// Announces the merchant's review requests that are due at `now` and not stale, once each:
    /// the claim in `review_requests` decides, so replicas running this together send each one
    /// once. Returns how many were announced.
    public func sendDueRequests(merchant: MerchantID, now: Date, logger: Logger) async throws -> Int {
        let settings = try await settings(merchant: merchant, logger: logger)
        guard settings.announceRequests else { return 0 }
        let delivered = ReviewRequests.deliveriesToSend(settings: settings, now: now)
        var sent = 0
        var cursor: String?
        repeat {
            let page = try await reviewCandidates(deliveredFrom: delivered.from, deliveredTo: delivered.to, unrequestedOnly: true,
                                                  limit: 200, cursor: cursor, merchant: merchant, logger: logger)
            sent += try await announce(ReviewRequests.toSend(page.items, settings: settings, now: now), now: now, merchant: merchant, logger: logger)
            cursor = page.nextCursor
        } while cursor != nil
        return sent
    }

    /// Claims the requests and appends their events, in one transaction under their orders'
    /// locks (taken in id order, so two replicas cannot deadlock); an order cancelled since it
    /// was read is skipped, and a request another replica claimed first is not sent again.
    private func announce(_ requests: [(candidate: ReviewCandidate, dueAt: Date)], now: Date, merchant: MerchantID, logger: Logger)
        async throws -> Int {
        guard !requests.isEmpty else { return 0 }
        return try await database.withTransaction(logger: logger) { connection in
            let orders = try await connection.query("""
                SELECT o.id, o.status, coalesce(d.version, 0) FROM orders o
                LEFT JOIN order_documents d ON d.merchant_id = o.merchant_id AND d.order_id = o.id
                WHERE o.merchant_id = \(merchant.rawValue) AND o.id = ANY(\(requests.map(\.candidate.orderID)))
                ORDER BY o.id
                FOR UPDATE OF o
                """, logger: logger).collect()
            var current: [UUID: (status: OrderStatus, version: Int)] = [:]
            for (id, status, version) in try orders.decode((UUID, String, Int).self) {
                current[id] = (try StoredValue.decode(OrderStatus.self, status, "orders.status"), version)
            }
            let live = requests.filter { current[$0.candidate.orderID].map { $0.status != .cancelled } ?? false }
            let claimed = try await connection.query("""
                INSERT INTO review_requests (merchant_id, shipment_id, order_id, due_at, requested_at)
                SELECT \(merchant.rawValue), r.shipment_id, r.order_id, r.due_at, \(now)
                FROM unnest(\(live.map(\.candidate.shipmentID))::uuid[], \(live.map(\.candidate.orderID))::uuid[],
                            \(live.map(\.dueAt))::timestamptz[]) AS r(shipment_id, order_id, due_at)
                ON CONFLICT (merchant_id, shipment_id) DO NOTHING
                RETURNING shipment_id
                """, logger: logger).collect()
            let claimedIDs = Set(try claimed.map { try $0.decode(UUID.self) })
            let events = live.filter { claimedIDs.contains($0.candidate.shipmentID) }.compactMap { request -> (UUID, Int, DomainEvent)? in
                guard let order = current[request.candidate.orderID] else { return nil }
                var candidate = request.candidate
                candidate.orderStatus = order.status
                return (candidate.orderID, order.version, ReviewEvents.requested(candidate, dueAt: request.dueAt))
            }
            try await OrderAggregates.append(events.map { (orderID: $0.0, version: $0.1, event: $0.2) }, now: now, merchant: merchant,
                                             on: connection, logger: logger)
            return events.count
        }
    }
}
