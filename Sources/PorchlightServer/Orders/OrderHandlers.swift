import Foundation
import PorchlightAPI
import PorchlightCore

extension APIHandlers {
    func upsertOrder(_ input: Operations.UpsertOrder.Input) async throws -> Operations.UpsertOrder.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let draft = try OrderDraft(body)
        try draft.validate(now: Date())
        let (order, outcome) = try await orders.upsert(draft, merchant: Caller.merchant(), logger: RequestScope.logger)
        let payload = try Components.Schemas.Order(order)
        switch outcome {
        case .created: return .created(.init(body: .json(payload)))
        case .updated: return .ok(.init(body: .json(payload)))
        }
    }

    func getOrder(_ input: Operations.GetOrder.Input) async throws -> Operations.GetOrder.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard Caller.mayRead(order: orderID),
              let order = try await orders.order(orderID, merchant: Caller.merchant(), logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        return .ok(.init(body: .json(try Components.Schemas.Order(order))))
    }

    func listOrders(_ input: Operations.ListOrders.Input) async throws -> Operations.ListOrders.Output {
        let query = input.query
        let filter = OrderFilter(
            customerEmail: query.customerEmail, orderNumber: query.orderNumber,
            status: query.status.map(OrderStatus.init(mirroring:)), updatedSince: query.updatedSince)
        let limit = query.limit ?? 50
        guard (1...100).contains(limit) else {
            throw DomainError.badRequest("limit must be between 1 and 100.", [FieldError(field: "limit", message: "must be between 1 and 100")])
        }
        let page = try await orders.list(filter, limit: limit, cursor: query.cursor, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.OrderSummary.init), nextCursor: page.nextCursor))))
    }

    func cancelOrder(_ input: Operations.CancelOrder.Input) async throws -> Operations.CancelOrder.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let cancellation = CancellationDraft(
            reason: CancellationReason(mirroring: body.reason), lines: body.lines?.map(LineQuantity.init))
        try cancellation.validate()
        let order = try await orders.cancel(orderID, cancellation, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(try Components.Schemas.Order(order))))
    }

    func lookUpOrder(_ input: Operations.LookUpOrder.Input) async throws -> Operations.LookUpOrder.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let lookup = OrderLookup(orderNumber: body.orderNumber, email: body.email, postalCode: body.postalCode)
        try lookup.validate()
        let merchant = try Caller.merchant()
        let orderID = try await lookups.findOrder(lookup, merchant: merchant, logger: RequestScope.logger)
        let issued = try tokens.get().issue(merchant: merchant, orderID: orderID, now: Date())
        return .ok(.init(body: .json(.init(token: issued.token, orderId: orderID.uuidString.lowercased(), expiresAt: issued.expiresAt))))
    }
}
