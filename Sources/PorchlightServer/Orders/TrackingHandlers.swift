import Foundation
import PorchlightAPI
import PorchlightCore

extension APIHandlers {
    func createShipment(_ input: Operations.CreateShipment.Input) async throws -> Operations.CreateShipment.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let draft = ShipmentDraft(
            carrier: body.carrier, serviceLevel: body.serviceLevel, trackingNumber: body.trackingNumber,
            originLocation: body.originLocation, lines: body.lines.map(LineQuantity.init))
        try draft.validate()
        let merchant = try Caller.merchant()
        try await respondWithStored({ PreparedResponse(status: .created, json: $0.json) }) {
            try await shipments.create(draft, orderID: orderID, merchant: merchant, idempotency: $0, logger: RequestScope.logger)
        }
    }

    func getShipment(_ input: Operations.GetShipment.Input) async throws -> Operations.GetShipment.Output {
        let shipmentID = try parseID(input.path.shipmentId, "shipment_id")
        guard let shipment = try await shipments.shipment(shipmentID, merchant: Caller.merchant(), logger: RequestScope.logger) else {
            throw DomainError.notFound("No shipment with id \(input.path.shipmentId).")
        }
        throw PreparedResponse(status: .ok, json: shipment.json, tag: shipment.tag)
    }

    func findShipments(_ input: Operations.FindShipments.Input) async throws -> Operations.FindShipments.Output {
        var v = Validator()
        v.text(input.query.carrier, "carrier", min: 1, max: 64)
        v.text(input.query.trackingNumber, "tracking_number", min: 1, max: 64)
        try v.finishParameters()
        let found = try await shipments.find(
            carrier: input.query.carrier, trackingNumber: input.query.trackingNumber,
            merchant: Caller.merchant(), logger: RequestScope.logger)
        // A ShipmentList of the stored documents.
        throw PreparedResponse(status: .ok, json: Data("{\"items\":[".utf8) + (found?.json ?? Data()) + Data("]}".utf8))
    }

    func recordTrackingEvents(_ input: Operations.RecordTrackingEvents.Input) async throws -> Operations.RecordTrackingEvents.Output {
        let shipmentID = try parseID(input.path.shipmentId, "shipment_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let events = body.events.map(TrackingEventDraft.init)
        try TrackingEventDraft.validate(batch: events, now: clock.now)
        let merchant = try Caller.merchant()
        let estimator = try await planner.estimator(for: merchant, now: clock.now, logger: RequestScope.logger)
        try await respondWithStored({ result in
            // A TrackingEventBatchResult around the stored shipment document, keys in the encoder's order.
            PreparedResponse(status: .ok, json: Data("{\"duplicates\":\(result.duplicates),\"received\":\(result.received),\"recorded\":\(result.recorded),\"shipment\":".utf8)
                + result.shipment.json + Data("}".utf8))
        }) {
            try await shipments.record(events, shipmentID: shipmentID, merchant: merchant, estimator: estimator, idempotency: $0, logger: RequestScope.logger)
        }
    }
}
