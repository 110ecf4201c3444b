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
        let shipment = try await shipments.create(draft, orderID: orderID, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .created(.init(body: .json(try Components.Schemas.Shipment(shipment))))
    }

    func getShipment(_ input: Operations.GetShipment.Input) async throws -> Operations.GetShipment.Output {
        let shipmentID = try parseID(input.path.shipmentId, "shipment_id")
        guard let shipment = try await shipments.shipment(shipmentID, merchant: Caller.merchant(), logger: RequestScope.logger) else {
            throw DomainError.notFound("No shipment with id \(input.path.shipmentId).")
        }
        return .ok(.init(body: .json(try Components.Schemas.Shipment(shipment))))
    }

    func findShipments(_ input: Operations.FindShipments.Input) async throws -> Operations.FindShipments.Output {
        var v = Validator()
        v.text(input.query.carrier, "carrier", min: 1, max: 64)
        v.text(input.query.trackingNumber, "tracking_number", min: 1, max: 64)
        if !v.errors.isEmpty { throw DomainError.badRequest("Some query parameters are invalid; see errors.", v.errors) }
        let found = try await shipments.find(
            carrier: input.query.carrier, trackingNumber: input.query.trackingNumber,
            merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: try found.map { [try Components.Schemas.Shipment($0)] } ?? []))))
    }

    func recordTrackingEvents(_ input: Operations.RecordTrackingEvents.Input) async throws -> Operations.RecordTrackingEvents.Output {
        let shipmentID = try parseID(input.path.shipmentId, "shipment_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let events = body.events.map(TrackingEventDraft.init)
        try TrackingEventDraft.validate(batch: events, now: Date())
        let merchant = try Caller.merchant()
        let estimator = try await planner.estimator(for: merchant, now: Date(), logger: RequestScope.logger)
        let result = try await shipments.record(events, shipmentID: shipmentID, merchant: merchant, estimator: estimator, logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(
            received: events.count, recorded: result.recorded, duplicates: result.duplicates,
            shipment: try Components.Schemas.Shipment(result.shipment)))))
    }
}
