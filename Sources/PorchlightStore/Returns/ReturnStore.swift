import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Returns of order lines. A return is part of its order: opening or moving one is a change to
/// the order (`OrderStore.change`), under its lock, so two returns of the same units cannot both
/// pass the eligibility check, and the order's document (which shows its returns) and events are
/// written with it.
public struct ReturnStore: Sendable {
    let orders: OrderStore
    let policies: ReturnPolicyStore
    var database: Database { orders.database }

    public init(database: Database) {
        self.orders = OrderStore(database: database)
        self.policies = ReturnPolicyStore(database: database)
    }

    /// The order (nil when the merchant has none with this id), the policy version it was placed
    /// under, and the eligibility of its lines at `now`, less the units its live returns hold.
    /// A read: one snapshot, no lock (opening a return checks again under the lock).
    public func eligibility(orderID: UUID, now: Date, merchant: MerchantID, logger: Logger)
        async throws -> (order: OrderRecord, policy: ReturnPolicyVersion, lines: [LineEligibility])? {
        try await database.withSnapshot(logger: logger) { connection in
            guard let order = try await OrderAggregates.read(orderID, merchant: merchant, on: connection, logger: logger)?.order else { return nil }
            let policy = ReturnPolicyVersion.inForce(at: order.placedAt, among: try await policies.versions(merchant: merchant, on: connection, logger: logger))
            return (order, policy, ReturnEligibility.lines(of: order, policy: policy.policy, now: now))
        }
    }

    /// Opens a return (Core checks it against the order, its policy version and its other returns).
    public func open(_ lines: [ReturnLineRequest], resolution: ReturnResolution, method: ReturnMethod, gift: Bool, labelReference: String?,
                     parcel: ReturnParcel?, orderID: UUID, by submitter: Submitter, merchant: MerchantID, idempotency: IdempotentWrite<ReturnRecord>? = nil,
                     logger: Logger) async throws -> ReturnRecord {
        // Read before the lock: a version added meanwhile is in force from now, after the order was placed.
        let versions = try await policies.versions(merchant: merchant, on: nil, logger: logger)
        let storeToken = Base64URL.encode(Data((0..<16).map { _ in UInt8.random(in: 0...255) }))
        return try await orders.change(.order(orderID), merchant: merchant, idempotency: idempotency?.pulledBack(\.outcome), logger: logger) {
            order, now, _ in
            try order.openReturn(lines, resolution: resolution, method: method, gift: gift, labelReference: labelReference, parcel: parcel,
                                 policy: .inForce(at: order.placedAt, among: versions), by: submitter, id: UUID.random(), storeToken: storeToken, now: now)
        }.outcome
    }

    /// The return, and the version of its order (its `ETag`). The version is read first: a tag
    /// older than the record only costs a client a needless 200 or 412, where a newer one could
    /// earn it a 304 for a copy it does not have.
    public func record(_ id: UUID, merchant: MerchantID, logger: Logger) async throws -> (record: ReturnRecord, orderVersion: Int)? {
        try await database.withConnection { connection in
            let versions = try await connection.query("""
                SELECT o.version FROM returns r JOIN order_documents o ON o.merchant_id = r.merchant_id AND o.order_id = r.order_id
                WHERE r.merchant_id = \(merchant.rawValue) AND r.id = \(id)
                """, logger: logger)
            var orderVersion = 0
            for try await version in versions.decode(Int.self) { orderVersion = version }
            return try await Self.records(where: "r.id = $2", id, merchant: merchant, on: connection, logger: logger).first.map { ($0, orderVersion) }
        }
    }

    /// Applies a move to the return (Core decides whether it may be made) as a change to its order.
    public func move(_ id: UUID, merchant: MerchantID, logger: Logger, _ apply: @escaping @Sendable (inout ReturnRecord, Date) throws -> Void)
        async throws -> ReturnRecord {
        try await orders.change(.returned(id), merchant: merchant, idempotency: nil, logger: logger) { order, now, _ in
            try order.moveReturn(id, now: now, apply)
        }.outcome
    }

    /// Records the return parcel's carrier scans (Core moves the items with them).
    public func recordParcelScans(_ events: [TrackingEventDraft], returnID: UUID, merchant: MerchantID, logger: Logger) async throws -> ReturnRecord {
        let events = events.map { event in
            var event = event
            event.occurredAt = event.occurredAt.asStored
            return event
        }
        return try await move(returnID, merchant: merchant, logger: logger) { record, now in try record.recordParcelScans(events, now: now) }
    }

    /// Expires the returns, of every merchant (or only one), whose items were not sent by their
    /// `expiresAt`, each as a change to its order (so replicas doing this at once expire each
    /// return once: Core's `expireIfDue` finds the second try not due). Returns how many expired.
    public func expireDue(now: Date, merchant only: MerchantID? = nil, logger: Logger) async throws -> Int {
        var expired = 0
        while true {
            let due = try await database.query("""
                SELECT merchant_id, id FROM returns
                WHERE expires_at <= \(now) AND (\(only?.rawValue)::uuid IS NULL OR merchant_id = \(only?.rawValue))
                ORDER BY expires_at LIMIT 200
                """, logger: logger).map { try $0.decode((UUID, UUID).self) }
            var expiredNow = 0
            for (merchant, id) in due {
                do {
                    let expiredIt = try await orders.change(.returned(id), merchant: MerchantID(merchant), idempotency: nil, logger: logger) { order, now, _ in
                        var expiredIt = false
                        _ = try order.moveReturn(id, now: now) { record, at in expiredIt = try record.expireIfDue(now: at) }
                        return expiredIt
                    }.outcome
                    if expiredIt { expiredNow += 1 }
                } catch {
                    // One return that cannot be written must not hold back the others.
                    logger.error("could not expire a return", metadata: ["merchant_id": "\(merchant)", "return_id": "\(id)", "error": "\(error)"])
                }
            }
            expired += expiredNow
            // (A batch that expired nothing would be read again: another replica is on it.)
            if due.count < 200 || expiredNow == 0 { return expired }
        }
    }

    /// Writes the returns that differ between `before` and `after` (the order's, as loaded and as
    /// changed): new ones whole, changed ones' states, amounts and receipts.
    static func save(_ after: [ReturnRecord], replacing before: [ReturnRecord], merchant: MerchantID, on connection: PostgresConnection,
                     logger: Logger) async throws {
        let earlier = Dictionary(uniqueKeysWithValues: before.map { ($0.id, $0) })
        for record in after where earlier[record.id] != record {
            if earlier[record.id] == nil {
                try await insert(record, merchant: merchant, on: connection, logger: logger)
            } else {
                try await update(record, merchant: merchant, on: connection, logger: logger)
            }
        }
    }

    private static func update(_ after: ReturnRecord, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        let quote = after.quote
        try await connection.query("""
            UPDATE returns SET decision = \(after.decision.rawValue), decision_reason = \(after.decisionReason),
                logistics = \(after.logistics.rawValue), money = \(after.money.rawValue), open = \(after.isOpen), resolution = \(after.resolution.rawValue),
                subtotal = \(quote.subtotal), restocking_fee = \(quote.restockingFee), refund_total = \(quote.refundTotal),
                store_credit = \(quote.storeCredit), exchange_difference = \(quote.exchangeDifference),
                parcel_scans = \(try StoredParcelScan.json(after.parcel))::jsonb, ship_back_by = \(after.shipBackBy), expires_at = \(after.expiresAt),
                kind = \(after.kind.rawValue), method = \(after.method.rawValue), updated_at = \(after.updatedAt)
            WHERE merchant_id = \(merchant.rawValue) AND id = \(after.id)
            """, logger: logger)
        // Every line: its units taken back may change with the money as well as with a receipt.
        // Absent receipts travel as -1 and '' (the arrays hold no NULLs).
        let lines = after.lines
        try await connection.query("""
            UPDATE return_lines l SET received = nullif(r.received, -1), damaged = nullif(r.damaged, -1), missing = nullif(r.missing, -1),
                disposition = nullif(r.disposition, ''), restock_location = nullif(r.location, ''), taken_back = r.taken_back
            FROM unnest(\(lines.map(\.sku))::text[], \(lines.map { $0.receipt?.received ?? -1 })::int4[],
                        \(lines.map { $0.receipt?.damaged ?? -1 })::int4[], \(lines.map { $0.receipt?.missing ?? -1 })::int4[],
                        \(lines.map { $0.receipt?.disposition.rawValue ?? "" })::text[], \(lines.map { $0.receipt?.location ?? "" })::text[],
                        \(lines.map(after.unitsTakenBack))::int4[])
                 AS r(sku, received, damaged, missing, disposition, location, taken_back)
            WHERE l.merchant_id = \(merchant.rawValue) AND l.return_id = \(after.id) AND l.sku = r.sku
            """, logger: logger)
    }

    /// What a page of returns is filtered by; nil fields do not filter.
    public struct Filter: Sendable {
        public var orderID: UUID?
        public var kind: ReturnKind?
        public var decision: ReturnDecision?
        public var money: ReturnMoney?
        public var parcel: (carrier: String, trackingNumber: String)?

        public init(orderID: UUID?, kind: ReturnKind?, decision: ReturnDecision?, money: ReturnMoney?, parcel: (carrier: String, trackingNumber: String)?) {
            (self.orderID, self.kind, self.decision, self.money, self.parcel) = (orderID, kind, decision, money, parcel)
        }
    }

    /// A page of the merchant's returns, newest first.
    public func list(_ filter: Filter, limit: Int, cursor: String?, merchant: MerchantID,
                     logger: Logger) async throws -> (items: [ReturnRecord], nextCursor: String?) {
        let (orderID, decision, money) = (filter.orderID, filter.decision, filter.money)
        let (kind, carrier, trackingNumber) = (filter.kind?.rawValue, filter.parcel?.carrier.lowercased(), filter.parcel?.trackingNumber)
        let after = try cursor.map { try PageCursor(token: $0) }
        let ids = try await database.query("""
            SELECT r.id FROM returns r
            WHERE r.merchant_id = \(merchant.rawValue)
              AND (\(orderID)::uuid IS NULL OR r.order_id = \(orderID))
              AND (\(decision?.rawValue)::text IS NULL OR r.decision = \(decision?.rawValue))
              AND (\(money?.rawValue)::text IS NULL OR r.money = \(money?.rawValue))
              AND (\(kind)::text IS NULL OR r.kind = \(kind))
              AND (\(carrier)::text IS NULL OR (r.parcel_carrier = \(carrier) AND r.parcel_tracking_number = \(trackingNumber)))
              AND (\(after?.micros)::int8 IS NULL
                   OR (r.created_at, r.id) < ('epoch'::timestamptz + \(after?.micros) * interval '1 microsecond', \(after?.id)))
            ORDER BY r.created_at DESC, r.id DESC
            LIMIT \(limit + 1)
            """, logger: logger).map { try $0.decode(UUID.self) }
        let page = Array(ids.prefix(limit))
        let items = try await database.withConnection { connection in
            try await Self.records(where: "r.id = ANY($2)", page, merchant: merchant, on: connection, logger: logger)
        }.sorted { ($0.createdAt, $0.id.uuidString) > ($1.createdAt, $1.id.uuidString) }
        let next = ids.count > limit ? items.last.map { PageCursor(time: $0.createdAt, id: $0.id).token } : nil
        return (items, next)
    }

    // MARK: Rows

    /// The returns of these orders, oldest first.
    static func records(of orderIDs: [UUID], merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> [ReturnRecord] {
        guard !orderIDs.isEmpty else { return [] }
        return try await records(where: "r.order_id = ANY($2)", orderIDs, merchant: merchant, on: connection, logger: logger)
    }

    private static func insert(_ record: ReturnRecord, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        let quote = record.quote
        try await connection.query("""
            INSERT INTO returns (merchant_id, id, order_id, kind, shipment_id, policy_version, resolution, method, gift, decision, decision_reason,
                logistics, money, open, currency, subtotal, restocking_fee_percent, restocking_fee, return_shipping_fee, refund_total, store_credit,
                exchange_difference, store_token, label_reference, parcel_carrier, parcel_tracking_number, parcel_scans, ship_back_days, ship_back_by,
                expires_at, submitted_by, created_at, updated_at)
            VALUES (\(merchant.rawValue), \(record.id), \(record.orderID), \(record.kind.rawValue), \(record.shipmentID), \(record.policyVersion),
                \(record.resolution.rawValue), \(record.method.rawValue), \(record.gift), \(record.decision.rawValue), \(record.decisionReason),
                \(record.logistics.rawValue), \(record.money.rawValue), \(record.isOpen), \(quote.currency), \(quote.subtotal), \(record.restockingFeePercent),
                \(quote.restockingFee), \(quote.returnShippingFee), \(quote.refundTotal), \(quote.storeCredit), \(quote.exchangeDifference),
                \(record.storeToken), \(record.labelReference), \(record.parcel?.carrier), \(record.parcel?.trackingNumber),
                \(try StoredParcelScan.json(record.parcel))::jsonb, \(record.shipBackDays), \(record.shipBackBy), \(record.expiresAt),
                \(record.submittedBy.rawValue), \(record.createdAt),
                \(record.updatedAt))
            """, logger: logger)
        let lines = record.lines
        try await connection.query("""
            INSERT INTO return_lines (merchant_id, return_id, position, sku, quantity, reason, note, unit_price, exchange_sku, exchange_unit_price,
                taken_back)
            -- Absent texts and prices travel as '' and -1 (the arrays hold no NULLs).
            SELECT \(merchant.rawValue), \(record.id), l.position, l.sku, l.quantity, l.reason, nullif(l.note, ''), l.unit_price,
                   nullif(l.exchange_sku, ''), nullif(l.exchange_unit_price, -1), l.taken_back
            FROM unnest(\(Array(lines.indices))::int4[], \(lines.map(\.sku))::text[], \(lines.map(\.quantity))::int4[],
                        \(lines.map(\.reason.rawValue))::text[], \(lines.map { $0.note ?? "" })::text[], \(lines.map(\.unitPrice))::int8[],
                        \(lines.map { $0.exchangeFor?.sku ?? "" })::text[], \(lines.map { $0.exchangeFor?.unitPrice ?? -1 })::int8[],
                        \(lines.map(record.unitsTakenBack))::int4[])
                 AS l(position, sku, quantity, reason, note, unit_price, exchange_sku, exchange_unit_price, taken_back)
            """, logger: logger)
    }

    /// Returns and their lines, where `condition` (on `returns r`, with `$2`) holds.
    private static func records(where condition: String, _ key: some PostgresEncodable & Sendable, merchant: MerchantID,
                                on connection: PostgresConnection, logger: Logger) async throws -> [ReturnRecord] {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(merchant.rawValue)
        try bindings.append(key)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT r.id, r.order_id, r.policy_version, r.resolution, r.method, r.gift, r.decision, r.decision_reason, r.logistics, r.money,
                   r.currency, r.subtotal, r.restocking_fee, r.return_shipping_fee, r.refund_total, r.store_credit, r.exchange_difference,
                   r.store_token, r.label_reference, r.submitted_by, r.created_at, r.updated_at,
                   l.sku, l.quantity, l.reason, l.note, l.unit_price, l.exchange_sku, l.exchange_unit_price,
                   l.received, l.damaged, l.missing, l.disposition, l.restock_location, r.restocking_fee_percent,
                   r.kind, r.shipment_id, r.parcel_carrier, r.parcel_tracking_number, r.parcel_scans::text, r.ship_back_by, r.ship_back_days
            FROM returns r JOIN return_lines l ON l.merchant_id = r.merchant_id AND l.return_id = r.id
            WHERE r.merchant_id = $1 AND \(condition)
            ORDER BY r.created_at, r.id, l.position
            """, binds: bindings), logger: logger).collect()
        var records: [ReturnRecord] = []
        for row in rows {
            let row = row.makeRandomAccess()
            let id: UUID = try row.column("id")
            if records.last?.id != id {
                let resolution = try StoredValue.decode(ReturnResolution.self, try row.column("resolution"), "returns.resolution")
                let method = try StoredValue.decode(ReturnMethod.self, try row.column("method"), "returns.method")
                records.append(ReturnRecord(
                    id: id, orderID: try row.column("order_id"), policyVersion: try row.column("policy_version"), resolution: resolution, method: method, gift: try row.column("gift"),
                    lines: [],
                    quote: ReturnQuote(currency: try row.column("currency"), resolution: resolution, method: method, lines: [], subtotal: try row.column("subtotal"),
                                       restockingFee: try row.column("restocking_fee"), returnShippingFee: try row.column("return_shipping_fee"), refundTotal: try row.column("refund_total"),
                                       storeCredit: try row.column("store_credit"), exchangeDifference: try row.column("exchange_difference")),
                    restockingFeePercent: try row.column("restocking_fee_percent"), decision: try StoredValue.decode(ReturnDecision.self, try row.column("decision"), "returns.decision"), decisionReason: try row.column("decision_reason"),
                    logistics: try StoredValue.decode(ReturnLogistics.self, try row.column("logistics"), "returns.logistics"),
                    money: try StoredValue.decode(ReturnMoney.self, try row.column("money"), "returns.money"), storeToken: try row.column("store_token"),
                    labelReference: try row.column("label_reference"), submittedBy: try StoredValue.decode(Submitter.self, try row.column("submitted_by"), "returns.submitted_by"),
                    createdAt: try row.column("created_at"), updatedAt: try row.column("updated_at")))
                records[records.count - 1].kind = try StoredValue.decode(ReturnKind.self, try row.column("kind"), "returns.kind")
                records[records.count - 1].shipmentID = try row.column("shipment_id")
                if let carrier = try row.column("parcel_carrier", String?.self), let trackingNumber = try row.column("parcel_tracking_number", String?.self) {
                    let scans = try row.column("parcel_scans", String?.self).map { try Documents.decode([StoredParcelScan].self, from: $0) } ?? []
                    records[records.count - 1].parcel = ReturnParcel(carrier: carrier, trackingNumber: trackingNumber,
                                                                     scans: try scans.map { try $0.scan() })
                }
                (records[records.count - 1].shipBackBy, records[records.count - 1].shipBackDays) = (try row.column("ship_back_by"), try row.column("ship_back_days"))
            }
            let sku: String = try row.column("sku")
            let quantity: Int = try row.column("quantity")
            let unitPrice: Int = try row.column("unit_price")
            let exchange = try row.column("exchange_sku", String?.self).map { ExchangeItem(sku: $0, unitPrice: try row.column("exchange_unit_price", Int?.self) ?? 0) }
            let receipt = try row.column("received", Int?.self).map { received in
                ReturnReceiptLine(sku: sku, received: received, damaged: try row.column("damaged", Int?.self) ?? 0, missing: try row.column("missing", Int?.self) ?? 0,
                                  disposition: try StoredValue.decode(ReturnDisposition.self, try row.column("disposition", String?.self) ?? "", "return_lines.disposition"),
                                  location: try row.column("restock_location"))
            }
            records[records.count - 1].lines.append(ReturnLine(
                sku: sku, quantity: quantity, reason: try StoredValue.decode(ReturnReason.self, try row.column("reason"), "return_lines.reason"),
                note: try row.column("note"), exchangeFor: exchange, unitPrice: unitPrice, receipt: receipt))
            // The quote's lines are what came back, once received (`ReturnRecord.receive`).
            let quoted = receipt?.received ?? quantity
            records[records.count - 1].quote.lines.append(ReturnQuote.Line(
                sku: sku, quantity: quoted, unitPrice: unitPrice, amount: unitPrice * quoted, exchangeAmount: exchange.map { $0.unitPrice * quoted }))
        }
        return records
    }
}

extension ReturnStore {
    /// The returns of the orders placed in [from, to), overall, per SKU and per category (Core
    /// counts which returns hold units).
    public func analytics(from: Date, to: Date, merchant: MerchantID, logger: Logger) async throws -> ReturnAnalytics {
        let sold = try await database.query("""
            SELECT l.sku, min(l.category), sum(l.quantity - l.cancelled_quantity)::int8
            FROM orders o JOIN order_lines l ON l.merchant_id = o.merchant_id AND l.order_id = o.id
            WHERE o.merchant_id = \(merchant.rawValue) AND o.placed_at >= \(from) AND o.placed_at < \(to)
            GROUP BY l.sku
            """, logger: logger).map { row in
            let (sku, category, units) = try row.decode((String, String?, Int).self)
            return (sku: sku, category: category, units: units)
        }
        let returned = try await database.query("""
            SELECT rl.sku, r.kind, r.decision, r.logistics, rl.reason, sum(rl.quantity)::int8
            FROM orders o
            JOIN returns r ON r.merchant_id = o.merchant_id AND r.order_id = o.id
            JOIN return_lines rl ON rl.merchant_id = r.merchant_id AND rl.return_id = r.id
            WHERE o.merchant_id = \(merchant.rawValue) AND o.placed_at >= \(from) AND o.placed_at < \(to)
            GROUP BY rl.sku, r.kind, r.decision, r.logistics, rl.reason
            """, logger: logger).map { row in
            let (sku, kind, decision, logistics, reason, units) = try row.decode((String, String, String, String, String, Int).self)
            return ReturnAnalytics.ReturnedUnits(
                sku: sku, kind: try StoredValue.decode(ReturnKind.self, kind, "returns.kind"),
                decision: try StoredValue.decode(ReturnDecision.self, decision, "returns.decision"),
                logistics: try StoredValue.decode(ReturnLogistics.self, logistics, "returns.logistics"),
                reason: try StoredValue.decode(ReturnReason.self, reason, "return_lines.reason"), units: units)
        }
        return ReturnAnalytics(sold: sold, returned: returned)
    }
}

/// A return parcel's scan as `returns.parcel_scans` keeps it.
struct StoredParcelScan: Codable {
    var key: String
    var status: String
    var substatus: String?
    var occurredAt: Date

    /// The parcel's scans as stored, or nil without a parcel.
    static func json(_ parcel: ReturnParcel?) throws -> String? {
        try parcel.map { parcel in
            try Documents.encode(parcel.scans.map {
                StoredParcelScan(key: $0.deduplicationKey, status: $0.status.rawValue, substatus: $0.substatus?.rawValue, occurredAt: $0.occurredAt)
            })
        }
    }

    func scan() throws -> ReturnParcel.Scan {
        ReturnParcel.Scan(deduplicationKey: key, status: try StoredValue.decode(TrackingStatus.self, status, "returns.parcel_scans.status"),
                          substatus: try substatus.map { try StoredValue.decode(TrackingSubstatus.self, $0, "returns.parcel_scans.substatus") },
                          occurredAt: occurredAt)
    }
}
