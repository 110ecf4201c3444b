import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func getReturnPolicy(_ input: Operations.GetReturnPolicy.Input) async throws -> Operations.GetReturnPolicy.Output {
        let current = try await returnPolicies.current(merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(current))))
    }

    func updateReturnPolicy(_ input: Operations.UpdateReturnPolicy.Input) async throws -> Operations.UpdateReturnPolicy.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let policy = try ReturnPolicy(body).validated()
        let stored = try await returnPolicies.update(policy, now: clock.now, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(stored))))
    }

    func getReturnEligibility(_ input: Operations.GetReturnEligibility.Input) async throws -> Operations.GetReturnEligibility.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard Caller.view(of: orderID) != nil,
              let (order, policy, lines) = try await returns.eligibility(orderID: orderID, now: clock.now, merchant: Caller.merchant(),
                                                                                 logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        let language = CustomerLanguage.negotiate(input.headers.acceptLanguage, storedLocale: order.customer.locale)
        return .ok(.init(
            headers: .init(contentLanguage: language.rawValue),
            body: .json(.init(orderId: order.id.apiText, policyVersion: policy.version, lines: lines.map { line in
                .init(sku: line.sku, purchasedQuantity: line.purchasedQuantity, arrivedQuantity: line.arrivedQuantity,
                      returnableQuantity: line.returnableQuantity, eligible: line.isReturnable, reason: line.reason.map(Components.Schemas.ReturnIneligibility.init),
                      lastDay: line.lastDay?.description, deadline: line.deadline, countedFrom: line.countedFrom.map(Components.Schemas.ReturnDeadlineBasis.init),
                      message: ReturnEligibilityMessage.sentence(line, in: language))
            }))))
    }

    func quoteReturn(_ input: Operations.QuoteReturn.Input) async throws -> Operations.QuoteReturn.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let orderID = try parseID(body.orderId, "order_id")
        guard let viewer = Caller.view(of: orderID),
              let (order, policy, eligibility) = try await returns.eligibility(orderID: orderID, now: clock.now, merchant: Caller.merchant(),
                                                                                       logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(body.orderId).") }
        let gift = body.gift ?? false
        let quote = try ReturnQuotes.quote(body.lines.map(ReturnLineRequest.init), resolution: ReturnResolution(body.resolution),
                                           method: ReturnMethod(body.method), gift: gift, of: order, policy: policy.policy, eligibility: eligibility)
        return .ok(.init(body: .json(.init(quote, detail: ReturnDetail(viewer: viewer, gift: gift)))))
    }

    func createReturn(_ input: Operations.CreateReturn.Input) async throws -> Operations.CreateReturn.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let orderID = try parseID(body.orderId, "order_id")
        guard let submitter = try Caller.submitter(for: orderID), let viewer = Caller.view(of: orderID)
        else { throw DomainError.notFound("No order with id \(body.orderId).") }
        let merchant = try Caller.merchant()
        let lines = body.lines.map(ReturnLineRequest.init)
        try await respondWithStored({ record in
            PreparedResponse(status: .created, json: try ContractJSON.encode(
                Components.Schemas.Return(record, detail: ReturnDetail(viewer: viewer, gift: record.gift))))
        }) { idempotency in
            try await returns.open(lines, resolution: ReturnResolution(body.resolution), method: ReturnMethod(body.method),
                                   gift: body.gift ?? false, labelReference: body.labelReference,
                                   parcel: body.parcel.map { ReturnParcel(carrier: $0.carrier, trackingNumber: $0.trackingNumber) }, orderID: orderID, by: submitter,
                                   merchant: merchant, idempotency: idempotency, logger: RequestScope.logger)
        }
    }

    func getReturn(_ input: Operations.GetReturn.Input) async throws -> Operations.GetReturn.Output {
        let id = try parseID(input.path.returnId, "return_id")
        guard let (record, orderVersion) = try await returns.record(id, merchant: Caller.merchant(), logger: RequestScope.logger),
              let viewer = Caller.view(of: record.orderID)
        else { throw DomainError.notFound("No return with id \(input.path.returnId).") }
        let detail = ReturnDetail(viewer: viewer, gift: record.gift)
        return .ok(.init(headers: .init(eTag: EntityTag(returnAt: orderVersion, detail: detail).field), body: .json(.init(record, detail: detail))))
    }

    func listReturns(_ input: Operations.ListReturns.Input) async throws -> Operations.ListReturns.Output {
        let query = input.query
        var v = Validator()
        let limit = v.page(limit: query.limit, cursor: query.cursor)
        v.text(query.carrier, "carrier", min: 1, max: 64)
        v.text(query.trackingNumber, "tracking_number", min: 1, max: 64)
        if (query.carrier == nil) != (query.trackingNumber == nil) {
            v.fail(query.carrier == nil ? "carrier" : "tracking_number", "is required with the other")
        }
        try v.finishParameters()
        let filter = ReturnStore.Filter(
            orderID: try query.orderId.map { try parseID($0, "order_id") }, kind: query.kind.map(ReturnKind.init),
            decision: query.decision.map(ReturnDecision.init), money: query.money.map(ReturnMoney.init),
            parcel: query.carrier.flatMap { carrier in query.trackingNumber.map { (carrier, $0) } })
        let page = try await returns.list(filter, limit: limit, cursor: query.cursor, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: page.items.map { .init($0, detail: .merchant) }, nextCursor: page.nextCursor))))
    }

    func decideReturn(_ input: Operations.DecideReturn.Input) async throws -> Operations.DecideReturn.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let decision = ReturnDecision(body.decision)
        let record = try await move(input.path.returnId) { try $0.decide(decision, reason: body.reason, now: $1) }
        return .ok(.init(body: .json(.init(record, detail: .merchant))))
    }

    func receiveReturn(_ input: Operations.ReceiveReturn.Input) async throws -> Operations.ReceiveReturn.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let receipt = body.lines.map { line in
            ReturnReceiptLine(sku: line.sku, received: line.received, damaged: line.damaged ?? 0, missing: line.missing ?? 0,
                              disposition: ReturnDisposition(line.disposition), location: line.location)
        }
        let locations = receipt.map { $0.location ?? "" }
        if let index = try await returnPolicies.unknownLocation(among: locations, merchant: Caller.merchant(), logger: RequestScope.logger) {
            throw DomainError.validation([FieldError(field: "lines[\(index)].location", message: "must be the code of one of your fulfilment locations")])
        }
        let record = try await move(input.path.returnId) { try $0.receive(receipt, now: $1) }
        return .ok(.init(body: .json(.init(record, detail: .merchant))))
    }

    func settleReturn(_ input: Operations.SettleReturn.Input) async throws -> Operations.SettleReturn.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let chosen = body.resolution.map(ReturnResolution.init)
        let record = try await move(input.path.returnId) { try $0.settle(instead: chosen, now: $1) }
        return .ok(.init(body: .json(.init(record, detail: .merchant))))
    }

    func recordReturnTrackingEvents(_ input: Operations.RecordReturnTrackingEvents.Input) async throws -> Operations.RecordReturnTrackingEvents.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let id = try parseID(input.path.returnId, "return_id")
        let events = body.events.map(TrackingEventDraft.init)
        try TrackingEventDraft.validate(batch: events, now: clock.now)
        let record = try await returns.recordParcelScans(events, returnID: id, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(record, detail: .merchant))))
    }

    func cancelReturn(_ input: Operations.CancelReturn.Input) async throws -> Operations.CancelReturn.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let id = try parseID(input.path.returnId, "return_id")
        // The buyer's proof is checked against the return's order before anything moves.
        guard let (existing, _) = try await returns.record(id, merchant: Caller.merchant(), logger: RequestScope.logger),
              let submitter = try Caller.submitter(for: existing.orderID), let viewer = Caller.view(of: existing.orderID)
        else { throw DomainError.notFound("No return with id \(input.path.returnId).") }
        let cancelled = try await move(input.path.returnId) { try $0.cancel(reason: body.reason, by: submitter, now: $1) }
        return .ok(.init(body: .json(.init(cancelled, detail: ReturnDetail(viewer: viewer, gift: cancelled.gift)))))
    }

    func getReturnAnalytics(_ input: Operations.GetReturnAnalytics.Input) async throws -> Operations.GetReturnAnalytics.Output {
        let to = input.query.to ?? clock.now
        let from = input.query.from ?? to.addingTimeInterval(-30 * 86_400)
        guard from < to else {
            throw DomainError.badRequest("from must be before to.", [FieldError(field: "from", message: "must be before to")])
        }
        let analytics = try await returns.analytics(from: from, to: to, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(
            from: from, to: to, overall: .init(analytics.overall),
            bySku: analytics.bySKU.map { .init(value1: .init($0.stats), value2: .init(sku: $0.sku, category: $0.category)) },
            byCategory: analytics.byCategory.map { .init(value1: .init($0.stats), value2: .init(category: $0.category)) }))))
    }

    /// Applies a move to the return (Core decides whether it may be made).
    private func move(_ returnID: String, _ apply: @escaping @Sendable (inout ReturnRecord, Date) throws -> Void) async throws -> ReturnRecord {
        try await returns.move(try parseID(returnID, "return_id"), merchant: Caller.merchant(), logger: RequestScope.logger, apply)
    }
}
