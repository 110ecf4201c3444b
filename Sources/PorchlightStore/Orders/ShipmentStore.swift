import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Shipments and their tracking events.
public struct ShipmentStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Adds a shipment to an order, never shipping more than is ordered and not cancelled or shipped.
    public func create(_ draft: ShipmentDraft, orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> ShipmentDocument {
        try await database.withTransaction(logger: logger) { connection in
            guard try await OrderStatusRefresher.lock(orderID, merchant: merchant, on: connection, logger: logger) else {
                throw DomainError.notFound("No order with id \(orderID.uuidString.lowercased()).")
            }
            let quantities = try await OrderStatusRefresher.lineQuantities(orderID, merchant: merchant, on: connection, logger: logger)
            try LineAvailability.check(draft.lines, against: quantities, verb: "ship")

            let shipmentID = UUID()
            let inserted = try await connection.query("""
                INSERT INTO shipments (merchant_id, id, order_id, carrier, service_level, tracking_number, origin_location)
                VALUES (\(merchant.rawValue), \(shipmentID), \(orderID), \(draft.carrier), \(draft.serviceLevel),
                        \(draft.trackingNumber),
                        -- Without a stated origin, the parcel left from where the promise said.
                        coalesce(\(draft.originLocation), (SELECT location_code FROM delivery_promises
                                  WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID))))
                ON CONFLICT (merchant_id, carrier, tracking_number) DO NOTHING
                RETURNING id
                """, logger: logger)
            var created = false
            for try await _ in inserted.decode(UUID.self) { created = true }
            guard created else {
                let existing = try await Self.find(carrier: draft.carrier, trackingNumber: draft.trackingNumber, merchant: merchant, on: connection, logger: logger)
                throw DomainError.conflict("Carrier \(draft.carrier) tracking number \(draft.trackingNumber) already belongs to shipment \(existing?.id.uuidString.lowercased() ?? "?").")
            }
            for line in draft.lines {
                try await connection.query("""
                    INSERT INTO shipment_lines (merchant_id, shipment_id, sku, quantity)
                    VALUES (\(merchant.rawValue), \(shipmentID), \(line.sku), \(line.quantity))
                    """, logger: logger)
            }
            try await OrderStatusRefresher.refresh(orderID, merchant: merchant, on: connection, logger: logger)
            return try await Self.document(shipmentID, merchant: merchant, on: connection, logger: logger)!
        }
    }

    public func shipment(_ shipmentID: UUID, merchant: MerchantID, logger: Logger) async throws -> ShipmentDocument? {
        try await database.withConnection { connection in
            try await Self.document(shipmentID, merchant: merchant, on: connection, logger: logger)
        }
    }

    public func find(carrier: String, trackingNumber: String, merchant: MerchantID, logger: Logger) async throws -> ShipmentDocument? {
        try await database.withConnection { connection in
            try await Self.find(carrier: carrier.lowercased(), trackingNumber: trackingNumber, merchant: merchant, on: connection, logger: logger)
        }
    }

    private static func find(carrier: String, trackingNumber: String, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> ShipmentDocument? {
        let rows = try await connection.query("""
            SELECT d.id, d.document::text FROM shipments s
            JOIN shipment_documents d ON d.merchant_id = s.merchant_id AND d.id = s.id
            WHERE s.merchant_id = \(merchant.rawValue) AND s.carrier = \(carrier) AND s.tracking_number = \(trackingNumber)
            """, logger: logger)
        for try await (id, json) in rows.decode((UUID, String).self) {
            return ShipmentDocument(id: id, json: Data(json.utf8))
        }
        return nil
    }

    static func document(_ shipmentID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> ShipmentDocument? {
        try await Documents.load(ShipmentDocumentByID(merchant: merchant, id: shipmentID), on: connection, logger: logger)
    }

    public struct BatchResult: Sendable {
        public var recorded: Int
        public var duplicates: Int
        public var shipment: ShipmentDocument
    }

    /// Records new events (ignoring ones already known), then re-derives the shipment's status and
    /// the order's roll-up from the whole timeline.
    public func record(_ events: [TrackingEventDraft], shipmentID: UUID, merchant: MerchantID,
                       estimator: @escaping ShipmentEstimator, logger: Logger) async throws -> BatchResult {
        try await database.withTransaction(logger: logger) { connection in
            // Lock order: shipment, then its order; other writers lock only the order.
            let owner = try await connection.query("""
                SELECT order_id FROM shipments WHERE merchant_id = \(merchant.rawValue) AND id = \(shipmentID) FOR UPDATE
                """, logger: logger)
            var orderID: UUID?
            for try await id in owner.decode(UUID.self) { orderID = id }
            guard let orderID else { throw DomainError.notFound("No shipment with id \(shipmentID.uuidString.lowercased()).") }
            _ = try await OrderStatusRefresher.lock(orderID, merchant: merchant, on: connection, logger: logger)

            var recorded = 0
            for event in events {
                let location = try event.location.map(Documents.encode)
                let rows = try await connection.query("""
                    INSERT INTO tracking_events (merchant_id, id, shipment_id, deduplication_key, status, substatus,
                        carrier_status_code, carrier_status_text, location, occurred_at, carrier_event_id)
                    VALUES (\(merchant.rawValue), \(UUID()), \(shipmentID), \(event.deduplicationKey), \(event.status.rawValue),
                        \(event.substatus?.rawValue), \(event.carrierStatusCode), \(event.carrierStatusText),
                        \(location)::jsonb, \(event.occurredAt), \(event.carrierEventId))
                    ON CONFLICT (merchant_id, shipment_id, deduplication_key) DO NOTHING
                    RETURNING id
                    """, logger: logger)
                for try await _ in rows.decode(UUID.self) { recorded += 1 }
            }
            if recorded > 0 {
                let progress = try await refreshProgress(shipmentID, merchant: merchant, on: connection, logger: logger)
                try await refreshEstimate(shipmentID, progress: progress, merchant: merchant, estimator: estimator, on: connection, logger: logger)
                try await OrderStatusRefresher.refresh(orderID, merchant: merchant, on: connection, logger: logger)
            }
            let shipment = try await Self.document(shipmentID, merchant: merchant, on: connection, logger: logger)!
            return BatchResult(recorded: recorded, duplicates: events.count - recorded, shipment: shipment)
        }
    }

    private func refreshProgress(_ shipmentID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> ShipmentProgress {
        let rows = try await connection.query("""
            SELECT status, substatus, occurred_at FROM tracking_events
            WHERE merchant_id = \(merchant.rawValue) AND shipment_id = \(shipmentID)
            """, logger: logger)
        var timeline: [TimelineEntry] = []
        for try await (status, substatus, occurredAt) in rows.decode((String, String?, Date).self) {
            guard let status = TrackingStatus(rawValue: status) else { continue }
            timeline.append(TimelineEntry(status: status, substatus: substatus.flatMap(TrackingSubstatus.init(rawValue:)), occurredAt: occurredAt))
        }
        let progress = TrackingRules.progress(of: timeline)
        try await connection.query("""
            UPDATE shipments SET status = \(progress.status.rawValue), substatus = \(progress.substatus?.rawValue),
                shipped_at = \(progress.shippedAt), delivered_at = \(progress.deliveredAt), updated_at = now()
            WHERE merchant_id = \(merchant.rawValue) AND id = \(shipmentID)
            """, logger: logger)
        return progress
    }

    /// Re-estimates the shipment's arrival from its progress; a delivered one has no estimate.
    private func refreshEstimate(_ shipmentID: UUID, progress: ShipmentProgress, merchant: MerchantID, estimator: ShipmentEstimator,
                                 on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("""
            SELECT s.carrier, coalesce(s.service_level, ''), s.origin_location, o.destination->>'country',
                   o.destination->>'region', o.placed_at
            FROM shipments s JOIN orders o ON o.merchant_id = s.merchant_id AND o.id = s.order_id
            WHERE s.merchant_id = \(merchant.rawValue) AND s.id = \(shipmentID)
            """, logger: logger).collect()
        var estimate: ShipmentEstimate?
        for (carrier, level, location, country, region, placedAt) in try rows.decode((String, String, String?, String, String?, Date).self) {
            guard let location, let stage = PromiseEngine.Progress(progress, orderPlacedAt: placedAt) else { continue }
            estimate = try await estimator(EstimateRequest(
                service: ServiceKey(carrier: carrier, serviceLevel: level), locationCode: location,
                destination: Destination(country: country, region: region), progress: stage))
        }
        try await connection.query("""
            UPDATE shipments SET estimate_earliest = \(estimate?.window.earliest.description)::date,
                estimate_latest = \(estimate?.window.latest.description)::date,
                estimate_confidence = \(estimate?.window.statedConfidence),
                estimate_basis = \(estimate?.basis.rawValue), estimated_at = \(estimate == nil ? nil : Date())
            WHERE merchant_id = \(merchant.rawValue) AND id = \(shipmentID)
            """, logger: logger)
    }
}

/// What a shipment's estimate is made from.
public struct EstimateRequest: Sendable {
    public var service: ServiceKey
    public var locationCode: String
    public var destination: Destination
    public var progress: PromiseEngine.Progress
}

public struct ShipmentEstimate: Sendable {
    public var window: DeliveryWindow
    public var basis: EstimateBasis

    public init(window: DeliveryWindow, basis: EstimateBasis) {
        self.window = window
        self.basis = basis
    }
}

/// Supplied by the layer that owns the learned models; nil when no estimate can be made.
public typealias ShipmentEstimator = @Sendable (EstimateRequest) async throws -> ShipmentEstimate?
