import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func declareDisruption(_ input: Operations.DeclareDisruption.Input) async throws -> Operations.DeclareDisruption.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let draft = DisruptionDraft(cause: DisruptionCause(body.cause), scope: try DisruptionScope(body.scope), startsAt: body.startsAt,
                                    expectedEndAt: body.expectedEndAt, extraDays: body.extraDays, customerMessage: body.customerMessage,
                                    customerMessageLanguage: body.customerMessageLanguage.map(CustomerLanguage.init),
                                    customerMessages: body.customerMessages?.additionalProperties ?? [:])
        let merchant = try Caller.merchant()
        try await respondWithStored({ declared in
            PreparedResponse(status: .created, json: try ContractJSON.encode(
                Components.Schemas.Disruption(declared.disruption, now: declared.disruption.createdAt, affectedOrders: declared.affectedOrders)))
        }) {
            try await disruptions.declare(draft, merchant: merchant, idempotency: $0, logger: RequestScope.logger)
        }
    }

    func listDisruptions(_ input: Operations.ListDisruptions.Input) async throws -> Operations.ListDisruptions.Output {
        var v = Validator()
        let limit = v.page(limit: input.query.limit, cursor: input.query.cursor)
        try v.finishParameters()
        let now = clock.now
        let page = try await disruptions.list(status: input.query.status.map(DeclaredDisruption.Status.init), now: now, limit: limit,
                                              cursor: input.query.cursor, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: try page.items.map { try .init($0, now: now) }, nextCursor: page.nextCursor))))
    }

    func getDisruption(_ input: Operations.GetDisruption.Input) async throws -> Operations.GetDisruption.Output {
        let id = try parseID(input.path.disruptionId, "disruption_id")
        guard let disruption = try await disruptions.disruption(id, merchant: Caller.merchant(), logger: RequestScope.logger) else {
            throw DomainError.notFound("No disruption with id \(input.path.disruptionId).")
        }
        return .ok(.init(body: .json(try .init(disruption, now: clock.now))))
    }

    func updateDisruption(_ input: Operations.UpdateDisruption.Input) async throws -> Operations.UpdateDisruption.Output {
        let id = try parseID(input.path.disruptionId, "disruption_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let change = DisruptionChange(expectedEndAt: body.expectedEndAt, extraDays: body.extraDays,
                                      customerMessage: body.customerMessage,
                                      customerMessageLanguage: body.customerMessageLanguage.map(CustomerLanguage.init),
                                      customerMessages: body.customerMessages?.additionalProperties ?? [:],
                                      resolve: body.status == .resolved)
        let updated = try await disruptions.update(id, change, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(try .init(updated.disruption, now: clock.now, affectedOrders: updated.affectedOrders))))
    }
}

extension APIHandlers {
    func getDisruptionSettings(_ input: Operations.GetDisruptionSettings.Input) async throws -> Operations.GetDisruptionSettings.Output {
        .ok(.init(body: .json(.init(try await disruptions.settings(merchant: Caller.merchant(), logger: RequestScope.logger)))))
    }

    func replaceDisruptionSettings(_ input: Operations.ReplaceDisruptionSettings.Input) async throws -> Operations.ReplaceDisruptionSettings.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let stored = try await disruptions.replaceSettings(DisruptionSettings(body), merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(stored))))
    }
}
