import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func getDeliverySettings(_ input: Operations.GetDeliverySettings.Input) async throws -> Operations.GetDeliverySettings.Output {
        .ok(.init(body: .json(try .init(try await deliveries.settings(merchant: Caller.merchant(), logger: RequestScope.logger)))))
    }

    func replaceDeliverySettings(_ input: Operations.ReplaceDeliverySettings.Input) async throws -> Operations.ReplaceDeliverySettings.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let stored = try await deliveries.replaceSettings(DeliverySettings(body), now: clock.now, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(try .init(stored))))
    }

    func listDeliveryExceptions(_ input: Operations.ListDeliveryExceptions.Input) async throws -> Operations.ListDeliveryExceptions.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard let viewer = Caller.view(of: orderID) else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        switch try await deliveries.exceptionsSource(of: orderID, merchant: Caller.merchant(), logger: RequestScope.logger) {
        case .noSuchOrder: throw DomainError.notFound("No order with id \(input.path.orderId).")
        case .none: return .ok(.init(body: .json(.init(items: []))))
        case .order(let loaded):
            let now = clock.now
            return .ok(.init(body: .json(.init(items: try loaded.order.deliveryExceptions.map {
                try .init($0, of: loaded.order, context: loaded.context, viewer: viewer, now: now)
            }))))
        }
    }

    func requestDeliveryAction(_ input: Operations.RequestDeliveryAction.Input) async throws -> Operations.RequestDeliveryAction.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        let exceptionID = try parseID(input.path.exceptionId, "exception_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        guard let viewer = Caller.view(of: orderID) else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        let request = try DeliveryActionRequest(body)
        let (source, proof): (DeliveryActionSource, CustomerProof?) = switch viewer {
        case .merchant: (.merchant, nil)
        case .customer(let proof): (.customer, proof)
        }
        let (saved, _) = try await deliveries.request(request, exception: exceptionID, orderID: orderID, source: source, proof: proof,
                                                      merchant: Caller.merchant(), logger: RequestScope.logger)
        guard let exception = saved.order.deliveryExceptions.first(where: { $0.id == exceptionID }) else {
            throw DomainError.notFound("No delivery exception with id \(input.path.exceptionId) on this order.")
        }
        return .ok(.init(body: .json(try .init(exception, of: saved.order, context: saved.context, viewer: viewer, now: clock.now))))
    }

    func getDeliveryAnalytics(_ input: Operations.GetDeliveryAnalytics.Input) async throws -> Operations.GetDeliveryAnalytics.Output {
        let to = input.query.to ?? clock.now
        let from = input.query.from ?? to.addingTimeInterval(-30 * 86_400)
        var v = Validator()
        v.check(from < to, "from", "must be before to")
        v.check(to.timeIntervalSince(from) <= 366 * 86_400, "from", "must be at most 366 days before to")
        try v.finishParameters()
        let grouping = input.query.groupBy.flatMap { DeliveryAnalyticsGrouping(rawValue: $0.rawValue) } ?? .carrierService
        let analytics = try await deliveries.analytics(from: from, to: to, groupBy: grouping, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(
            from: from, to: to, groupBy: .init(rawValue: grouping.rawValue) ?? .carrierService, overall: .init(analytics.overall),
            groups: analytics.groups.map { .init(value1: .init($0.stats), value2: .init(key: $0.key)) }))))
    }

    func confirmOrder(_ input: Operations.ConfirmOrder.Input) async throws -> Operations.ConfirmOrder.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard try Caller.submitter(for: orderID) != nil else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        let confirmedAt = try await deliveries.confirm(orderID, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(confirmation: .confirmed, confirmedAt: confirmedAt))))
    }

    func listDeliveryActions(_ input: Operations.ListDeliveryActions.Input) async throws -> Operations.ListDeliveryActions.Output {
        var v = Validator()
        let limit = v.page(limit: input.query.limit, cursor: input.query.cursor)
        try v.finishParameters()
        let page = try await deliveries.requested(limit: limit, cursor: input.query.cursor, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: try page.items.map { pending in
            .init(action: try .init(pending.action, showingDetails: true), exceptionId: pending.exceptionID.apiText, reason: .init(pending.reason),
                  orderId: pending.orderID.apiText, shipmentId: pending.shipmentID.apiText, carrier: pending.carrier,
                  serviceLevel: pending.serviceLevel, trackingNumber: pending.trackingNumber)
        }, nextCursor: page.nextCursor))))
    }

    func acknowledgeDeliveryAction(_ input: Operations.AcknowledgeDeliveryAction.Input) async throws -> Operations.AcknowledgeDeliveryAction.Output {
        let actionID = try parseID(input.path.actionId, "action_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let (_, action) = try await deliveries.acknowledge(actionID, reference: body.carrierReference, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(try .init(action, showingDetails: true))))
    }

    func failDeliveryAction(_ input: Operations.FailDeliveryAction.Input) async throws -> Operations.FailDeliveryAction.Output {
        let actionID = try parseID(input.path.actionId, "action_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let (_, action) = try await deliveries.fail(actionID, reason: body.reason, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(try .init(action, showingDetails: true))))
    }
}
