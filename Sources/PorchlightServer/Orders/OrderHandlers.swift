import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func upsertOrder(_ input: Operations.UpsertOrder.Input) async throws -> Operations.UpsertOrder.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let draft = try OrderDraft(body)
        try draft.validate(now: Date())
        let merchant = try Caller.merchant()
        try await respondWithStored(PreparedResponse.upserted) {
            try await orders.upsert(draft, merchant: merchant, idempotency: $0, logger: RequestScope.logger)
        }
    }

    func getOrder(_ input: Operations.GetOrder.Input) async throws -> Operations.GetOrder.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard Caller.mayRead(order: orderID),
              let order = try await orders.order(orderID, merchant: Caller.merchant(), logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        throw PreparedResponse(status: .ok, json: order.json)
    }

    func listOrders(_ input: Operations.ListOrders.Input) async throws -> Operations.ListOrders.Output {
        let query = input.query
        let limit = query.limit ?? 50
        var v = Validator()
        v.text(query.customerEmail, "customer_email", max: 320)
        v.text(query.orderNumber, "order_number", min: 1, max: 64)
        v.text(query.cursor, "cursor", max: 512)
        v.range(limit, "limit", 1...100)
        if !v.errors.isEmpty { throw DomainError.badRequest("Some query parameters are invalid; see errors.", v.errors) }
        let filter = OrderFilter(
            customerEmail: query.customerEmail, orderNumber: query.orderNumber,
            status: query.status.map(OrderStatus.init), updatedSince: query.updatedSince)
        let page = try await orders.list(filter, limit: limit, cursor: query.cursor, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.OrderSummary.init), nextCursor: page.nextCursor))))
    }

    func cancelOrder(_ input: Operations.CancelOrder.Input) async throws -> Operations.CancelOrder.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let cancellation = CancellationDraft(
            reason: CancellationReason(body.reason), lines: body.lines?.map(LineQuantity.init))
        try cancellation.validate()
        let merchant = try Caller.merchant()
        try await respondWithStored({ PreparedResponse(status: .ok, json: $0.json) }) {
            try await orders.cancel(orderID, cancellation, merchant: merchant, idempotency: $0, logger: RequestScope.logger)
        }
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

extension PreparedResponse {
    /// 201 with the new order, or 200 with the updated one.
    static func upserted(_ order: OrderJSON, _ outcome: OrderStore.UpsertOutcome) -> PreparedResponse {
        PreparedResponse(status: outcome == .created ? .created : .ok, json: order.json)
    }
}
