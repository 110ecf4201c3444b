import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Shipments and their tracking events: each change is a change to the shipment's order.
public struct ShipmentStore: Sendable {
    let orders: OrderStore

    public init(database: Database) {
        self.orders = OrderStore(database: database)
    }

    var database: Database { orders.database }

    /// Adds a shipment to an order, never shipping more than is ordered and not cancelled or shipped.
    public func create(_ draft: ShipmentDraft, orderID: UUID, merchant: MerchantID, idempotency: IdempotentWrite<ShipmentJSON>? = nil,
                       logger: Logger) async throws -> ShipmentJSON {
        let shipmentID = UUID.random()
        do {
            let (saved, _) = try await orders.change(
                .order(orderID), merchant: merchant, idempotency: idempotency?.pulledBack { try $0.saved.shipmentDocument(shipmentID) }, logger: logger
            ) { order, now, _ in
                try order.addShipment(draft, id: shipmentID, now: now)
            }
            return try saved.shipmentDocument(shipmentID)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // The carrier's tracking number is unique per merchant.
            let existing = try await find(carrier: draft.carrier, trackingNumber: draft.trackingNumber, merchant: merchant, logger: logger)
            throw DomainError.conflict("Carrier \(draft.carrier) tracking number \(draft.trackingNumber) already belongs to shipment \(existing?.id.apiText ?? "?").")
        }
    }

    public func shipment(_ shipmentID: UUID, merchant: MerchantID, logger: Logger) async throws -> ShipmentJSON? {
        try await database.withConnection { connection in
            try await Documents.load(ShipmentDocumentByID(merchant: merchant, id: shipmentID), on: connection, logger: logger)
        }
    }

    public func find(carrier: String, trackingNumber: String, merchant: MerchantID, logger: Logger) async throws -> ShipmentJSON? {
        let rows = try await database.query("""
            SELECT s.id, d.document::text, o.version FROM shipments s \(unescaped: ShipmentDocumentByID.joiningOrderDocument)
            WHERE s.merchant_id = \(merchant.rawValue) AND s.carrier = \(carrier.lowercased()) AND s.tracking_number = \(trackingNumber)
            """, logger: logger)
        return try rows.decode((UUID, String, Int).self).first.map { ShipmentJSON(id: $0.0, json: Data($0.1.utf8), orderVersion: $0.2) }
    }

    public struct BatchResult: Sendable {
        public var received: Int
        public var recorded: Int
        public var duplicates: Int { received - recorded }
        public var shipment: ShipmentJSON
    }

    /// Records new events (ignoring ones already known), then re-derives the shipment's status,
    /// its estimate and the order's roll-up from the whole timeline. `estimator` is pure: the
    /// learned model it uses was loaded before the transaction opened.
    public func record(_ events: [TrackingEventDraft], shipmentID: UUID, merchant: MerchantID, estimator: @escaping ShipmentEstimator,
                       idempotency: IdempotentWrite<BatchResult>? = nil, logger: Logger) async throws -> BatchResult {
        let result = { @Sendable (saved: OrderAggregates.Saved, recorded: Int) throws in
            BatchResult(received: events.count, recorded: recorded, shipment: try saved.shipmentDocument(shipmentID))
        }
        let events = events.map { event in
            var event = event
            event.occurredAt = event.occurredAt.asStored
            return event
        }
        let (saved, recorded) = try await orders.change(.shipment(shipmentID), merchant: merchant, idempotency: idempotency?.pulledBack(result), logger: logger) {
            order, now, _ in order.recordTracking(events, shipment: shipmentID, now: now, newID: { UUID.timeOrdered(at: now) }, estimator: estimator)
        }
        return try result(saved, recorded)
    }
}
