import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func upsertOrder(_ input: Operations.UpsertOrder.Input) async throws -> Operations.UpsertOrder.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let draft = try OrderDraft(body)
        try draft.validate(now: clock.now)
        let merchant = try Caller.merchant()
        try await respondWithStored(PreparedResponse.upserted) {
            try await orders.upsert(draft, merchant: merchant, idempotency: $0, logger: RequestScope.logger)
        }
    }

    func getOrder(_ input: Operations.GetOrder.Input) async throws -> Operations.GetOrder.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard let order = try await orders.order(orderID, merchant: Caller.merchant(), logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        throw PreparedResponse(status: .ok, json: order.json, tag: order.tag)
    }

    func getCustomerOrderView(_ input: Operations.GetCustomerOrderView.Input) async throws -> Operations.GetCustomerOrderView.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        let proof: CustomerProof
        switch Caller.view(of: orderID) {
        case .merchant: proof = input.query.proof.map(CustomerProof.init) ?? .email
        case .customer(let tokenProof): proof = tokenProof
        case nil: throw DomainError.notFound("No order with id \(input.path.orderId).")
        }
        guard let source = try await customerViews.source(of: orderID, merchant: Caller.merchant(), logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        let view = CustomerOrderView(source.document, proof: proof, hiding: source.hidden)
        throw PreparedResponse(status: .ok, json: Data(try view.json().utf8),
                               tag: EntityTag(customerViewAt: source.orderVersion, proof: proof, hidden: source.hidden))
    }

    func getCustomerViewSettings(_ input: Operations.GetCustomerViewSettings.Input) async throws -> Operations.GetCustomerViewSettings.Output {
        let hidden = try await customerViews.hiddenFields(merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(hidden))))
    }

    func updateCustomerViewSettings(_ input: Operations.UpdateCustomerViewSettings.Input) async throws -> Operations.UpdateCustomerViewSettings.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let hidden = try CustomerViewField.hidden(body.hiddenFields.map(CustomerViewField.init))
        try await customerViews.setHiddenFields(hidden, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(hidden))))
    }

    func createCustomerLink(_ input: Operations.CreateCustomerLink.Input) async throws -> Operations.CreateCustomerLink.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let lifetime = try CustomerLink.lifetime(days: body.expiresInDays)
        guard let (link, token) = try await customerTokens.issue(merchant: Caller.merchant(), orderID: orderID, proof: .link,
                                                                 lifetime: lifetime, now: clock.now, logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        return .created(.init(body: .json(.init(token: token, linkId: link.id.apiText, orderId: orderID.apiText, proof: .link,
                                                expiresAt: link.expiresAt))))
    }

    func listCustomerLinks(_ input: Operations.ListCustomerLinks.Input) async throws -> Operations.ListCustomerLinks.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard let links = try await customerTokens.links(of: orderID, merchant: Caller.merchant(), logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        return .ok(.init(body: .json(.init(items: links.map(Components.Schemas.CustomerLink.init)))))
    }

    /// Ends a link before it expires (a link sent to the wrong address, or a customer's request):
    /// every replica refuses it once its credential cache (ten seconds) lets go of it.
    func revokeCustomerLink(_ input: Operations.RevokeCustomerLink.Input) async throws -> Operations.RevokeCustomerLink.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        let linkID = try parseID(input.path.linkId, "link_id")
        guard let link = try await customerTokens.revokeLink(linkID, of: orderID, merchant: Caller.merchant(), now: clock.now,
                                                             logger: RequestScope.logger)
        else { throw DomainError.notFound("No customer link \(input.path.linkId) for order \(input.path.orderId).") }
        return .ok(.init(body: .json(.init(link))))
    }

    func listOrders(_ input: Operations.ListOrders.Input) async throws -> Operations.ListOrders.Output {
        let query = input.query
        var v = Validator()
        v.text(query.customerEmail, "customer_email", max: 320)
        v.text(query.orderNumber, "order_number", min: 1, max: 64)
        let limit = v.page(limit: query.limit, cursor: query.cursor)
        try v.finishParameters()
        let filter = OrderFilter(
            customerEmail: query.customerEmail, orderNumber: query.orderNumber,
            status: query.status.map(OrderStatus.init), updatedSince: query.updatedSince)
        let page = try await orders.list(filter, limit: limit, cursor: query.cursor, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.OrderSummary.init), nextCursor: page.nextCursor))))
    }

    func cancelOrder(_ input: Operations.CancelOrder.Input) async throws -> Operations.CancelOrder.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        guard let submitter = try Caller.submitter(for: orderID) else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        // A customer cancels because they asked to, whatever the body says.
        let cancellation = CancellationDraft(
            reason: submitter == .customer ? .customerRequest : CancellationReason(body.reason), lines: body.lines?.map(LineQuantity.init))
        try cancellation.validate()
        let merchant = try Caller.merchant()
        try await respondWithStored({ PreparedResponse(status: .ok, json: $0.json) }) {
            try await orders.cancel(orderID, cancellation, by: submitter, merchant: merchant, idempotency: $0, logger: RequestScope.logger)
        }
    }

    /// Every lookup answer, hit, miss or refusal, takes at least this long, so that timing tells
    /// nothing about which order numbers exist (the work itself takes a few milliseconds).
    static let lookupAnswerTime: Duration = .milliseconds(100)

    func lookUpOrder(_ input: Operations.LookUpOrder.Input) async throws -> Operations.LookUpOrder.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let lookup = OrderLookup(orderNumber: body.orderNumber, email: body.email, postalCode: body.postalCode)
        let found = try await lookUp(lookup, merchant: Caller.merchant())
        return .ok(.init(body: .json(.init(token: found.token, orderId: found.orderID.apiText, proof: .init(found.proof),
                                           expiresAt: found.expiresAt))))
    }

    /// A customer's look-up, as `POST /v1/order-lookups` and the page's form make it: checked,
    /// throttled per subject, counted, and answered after the same fixed time whatever the
    /// outcome (so timing tells nothing); a new customer token when an order matches. Throws a
    /// validation error, a not-found for a miss, or too-many-requests.
    func lookUp(_ lookup: OrderLookup, merchant: MerchantID) async throws -> (orderID: UUID, proof: CustomerProof, token: String, expiresAt: Date) {
        let started = ContinuousClock.now
        do {
            let found = try await findOrderForCustomer(lookup, merchant: merchant)
            try? await Task.sleep(until: started + Self.lookupAnswerTime)
            return found
        } catch {
            try? await Task.sleep(until: started + Self.lookupAnswerTime)
            throw error
        }
    }

    private func findOrderForCustomer(_ lookup: OrderLookup, merchant: MerchantID) async throws -> (orderID: UUID, proof: CustomerProof, token: String, expiresAt: Date) {
        try lookup.validate()
        let outcome = try await lookups.findOrder(lookup, clientAddress: RequestScope.current?.clientAddress, merchant: merchant,
                                                  logger: RequestScope.logger)
        let found: (orderID: UUID, proof: CustomerProof)
        switch outcome {
        case .found(let orderID, let proof):
            registry.makeCounter(name: "order_lookups_total", labels: [("outcome", "found")]).increment()
            found = (orderID, proof)
        case .missed:
            registry.makeCounter(name: "order_lookups_total", labels: [("outcome", "missed")]).increment()
            throw DomainError.notFound("No order matches that order number and email or postal code.")
        case .refused(let subject, let refusal):
            registry.makeCounter(name: "order_lookups_total", labels: [("outcome", "refused")]).increment()
            // Per merchant, so that a merchant's operations can alert on someone walking their orders.
            registry.makeCounter(name: "order_lookups_refused_total",
                                 labels: [("merchant_id", merchant.rawValue.apiText), ("reason", subject.reason)]).increment()
            throw refusal
        }
        // The order was found a moment ago and orders are never deleted, so a token is always issued.
        guard let (issued, token) = try await customerTokens.issue(merchant: merchant, orderID: found.orderID, proof: found.proof,
                                                                   lifetime: OrderLookup.tokenLifetime, now: clock.now, logger: RequestScope.logger)
        else { throw DomainError.notFound("No order matches that order number and email or postal code.") }
        return (found.orderID, found.proof, token, issued.expiresAt)
    }
}
