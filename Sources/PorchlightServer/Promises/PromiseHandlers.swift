import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func listLocations(_ input: Operations.ListLocations.Input) async throws -> Operations.ListLocations.Output {
        let locations = try await promises.locations(merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: locations.map(Components.Schemas.FulfilmentLocation.init)))))
    }

    func getLocation(_ input: Operations.GetLocation.Input) async throws -> Operations.GetLocation.Output {
        guard let location = try await promises.location(input.path.locationCode, merchant: Caller.merchant(), logger: RequestScope.logger) else {
            throw DomainError.notFound("No location with code \(input.path.locationCode).")
        }
        return .ok(.init(body: .json(.init(location))))
    }

    func upsertLocation(_ input: Operations.UpsertLocation.Input) async throws -> Operations.UpsertLocation.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let location = try LocationDraft(code: input.path.locationCode, body).validate()
        let merchant = try Caller.merchant()
        let (stored, created) = try await promises.upsertLocation(location, merchant: merchant, logger: RequestScope.logger)
        await planner.forget(merchant)
        let payload = Components.Schemas.FulfilmentLocation(stored)
        return created ? .created(.init(body: .json(payload))) : .ok(.init(body: .json(payload)))
    }

    func listCarrierServices(_ input: Operations.ListCarrierServices.Input) async throws -> Operations.ListCarrierServices.Output {
        let services = try await promises.services(merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: try services.map(Components.Schemas.CarrierService.init)))))
    }

    func upsertCarrierService(_ input: Operations.UpsertCarrierService.Input) async throws -> Operations.UpsertCarrierService.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let service = try CarrierServiceDraft(carrier: input.path.carrier, serviceLevel: input.path.serviceLevel, body).validate()
        let merchant = try Caller.merchant()
        let (stored, created) = try await promises.upsertService(service, merchant: merchant, logger: RequestScope.logger)
        await planner.forget(merchant)
        let payload = try Components.Schemas.CarrierService(stored)
        return created ? .created(.init(body: .json(payload))) : .ok(.init(body: .json(payload)))
    }

    func getPromiseSettings(_ input: Operations.GetPromiseSettings.Input) async throws -> Operations.GetPromiseSettings.Output {
        let policy = try await promises.policy(merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(onTimeTarget: policy.onTimeTarget, engineVersion: PromiseEngine.version))))
    }

    func updatePromiseSettings(_ input: Operations.UpdatePromiseSettings.Input) async throws -> Operations.UpdatePromiseSettings.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let policy = try PromisePolicy(validating: body.onTimeTarget)
        let merchant = try Caller.merchant()
        try await promises.updatePolicy(policy, merchant: merchant, logger: RequestScope.logger)
        await planner.forget(merchant)
        return .ok(.init(body: .json(.init(onTimeTarget: body.onTimeTarget, engineVersion: PromiseEngine.version))))
    }

    func createDeliveryQuote(_ input: Operations.CreateDeliveryQuote.Input) async throws -> Operations.CreateDeliveryQuote.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let draft = QuoteDraft(body)
        let now = clock.now
        let at = try draft.validate(now: now)
        let merchant = try Caller.merchant()
        let quote = try await planner.quote(draft, at: at, merchant: merchant, now: now, logger: RequestScope.logger)
        try await promises.save(quote, merchant: merchant, logger: RequestScope.logger)
        return .created(.init(body: .json(try .init(quote))))
    }

    func getPromiseAnalytics(_ input: Operations.GetPromiseAnalytics.Input) async throws -> Operations.GetPromiseAnalytics.Output {
        let to = input.query.to ?? clock.now
        let from = input.query.from ?? to.addingTimeInterval(-30 * 86_400)
        guard from < to else {
            throw DomainError.badRequest("from must be before to.", [FieldError(field: "from", message: "must be before to")])
        }
        let merchant = try Caller.merchant()
        let (overall, lanes) = try await promises.analytics(from: from, to: to, merchant: merchant, logger: RequestScope.logger)
        let ratings = try await reviews.deliveryRatingStats(from: from, to: to, merchant: merchant, logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(
            from: from, to: to, overall: .init(overall),
            byLane: lanes.map { lane in
                .init(value1: .init(lane.stats), value2: .init(
                    carrier: lane.carrier, serviceLevel: lane.serviceLevel, originRegion: lane.originRegion,
                    destinationCountry: lane.destinationCountry, destinationRegion: lane.destinationRegion))
            },
            deliveryRatings: .init(overall: .init(ratings.overall), byService: ratings.services.map { service in
                .init(value1: .init(service.stats), value2: .init(carrier: service.carrier, serviceLevel: service.serviceLevel))
            })))))
    }

    func getArrivalEstimate(_ input: Operations.GetArrivalEstimate.Input) async throws -> Operations.GetArrivalEstimate.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard let viewer = Caller.view(of: orderID),
              let document = try await orders.order(orderID, merchant: Caller.merchant(), logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        let order = try ArrivalFacts(document)
        // A customer sees the last scan as the customer view shows scans.
        let detail: ShipmentDetail? = switch viewer {
        case .merchant: nil
        case .customer(let proof):
            ShipmentDetail(proof: proof, hiding: try await customerViews.hiddenFields(merchant: Caller.merchant(), logger: RequestScope.logger))
        }
        let language = CustomerLanguage.negotiate(input.headers.acceptLanguage, storedLocale: order.customer.locale)
        let window = order.estimate.flatMap { estimate in
            LocalDate(estimate.earliest).flatMap { earliest in
                LocalDate(estimate.latest).map { DeliveryWindow(earliest: earliest, latest: $0, confidence: estimate.confidence) }
            }
        }
        let lastScan = order.shipments.compactMap(\.lastScan).max { $0.occurredAt < $1.occurredAt }
        let openScans = order.shipments.filter { $0.status != .delivered }.flatMap(\.scans)
        let delayReason = openScans.filter { $0.substatus.map { TrackingSubstatus($0).explainsDelay } == true }
            .max { $0.occurredAt < $1.occurredAt }?.substatus
        let lastDelivery = order.status == .delivered ? order.shipments.compactMap(\.deliveredAt).max() : nil
        let message = ArrivalMessage.sentence(ArrivalSituation(order, window: window, lastDelivery: lastDelivery, now: clock.now), in: language)
        return .ok(.init(
            headers: .init(contentLanguage: language.rawValue),
            body: .json(.init(
                orderId: order.id, orderNumber: order.orderNumber, status: order.status,
                window: order.estimate.map { .init(earliest: $0.earliest, latest: $0.latest) },
                confidence: order.estimate?.confidence,
                promise: order.promise.map { .init(earliest: $0.earliest, latest: $0.latest) },
                atRisk: order.promiseAtRisk ?? false,
                lastScan: lastScan.map { scan in
                    guard let detail else {
                        return .init(occurredAt: scan.occurredAt, status: scan.status, location: scan.location, text: scan.carrierStatusText)
                    }
                    return .init(occurredAt: scan.occurredAt, status: scan.status,
                                 location: detail.eventLocations ? scan.location.map { .init(city: $0.city, region: $0.region, country: $0.country) } : nil,
                                 text: detail.eventDescriptions ? scan.carrierStatusText : nil)
                },
                delayReason: delayReason,
                deliveredAt: lastDelivery,
                alert: order.alert.map { .init(id: $0.id, reason: $0.reason, severity: $0.severity, openedAt: $0.openedAt, updatedAt: $0.updatedAt) },
                message: message, language: language.rawValue))))
    }
}
