import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func getRemedyRules(_ input: Operations.GetRemedyRules.Input) async throws -> Operations.GetRemedyRules.Output {
        .ok(.init(body: .json(.init(try await remedies.rules(merchant: Caller.merchant(), logger: RequestScope.logger)))))
    }

    func replaceRemedyRules(_ input: Operations.ReplaceRemedyRules.Input) async throws -> Operations.ReplaceRemedyRules.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let stored = try await remedies.replaceRules(RemedyRules(body), now: clock.now, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(stored))))
    }

    func getRemedyCodePool(_ input: Operations.GetRemedyCodePool.Input) async throws -> Operations.GetRemedyCodePool.Output {
        let (available, given) = try await remedies.codeCounts(merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(available: available, given: given))))
    }

    func addRemedyCodes(_ input: Operations.AddRemedyCodes.Input) async throws -> Operations.AddRemedyCodes.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let (added, available) = try await remedies.addCodes(body.codes, now: clock.now, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(added: added, available: available))))
    }

    func listOrderRemedies(_ input: Operations.ListOrderRemedies.Input) async throws -> Operations.ListOrderRemedies.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard let viewer = Caller.view(of: orderID),
              let records = try await remedies.remedies(of: orderID, merchant: Caller.merchant(), logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        // A discount code is the buyer's: a postal-code lookup sees that one was given, not which.
        let showCodes = switch viewer {
        case .merchant: true
        case .customer(let proof): proof.satisfies(.email)
        }
        let now = clock.now
        return .ok(.init(body: .json(.init(items: records.map { record in
            var shown = Components.Schemas.Remedy(record, now: now)
            if !showCodes { shown.code = nil }
            return shown
        }))))
    }

    func chooseRemedy(_ input: Operations.ChooseRemedy.Input) async throws -> Operations.ChooseRemedy.Output {
        let (orderID, remedyID) = try remedyPath(input.path.orderId, input.path.remedyId)
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let chosen = try await remedies.choose(remedyID, kind: RemedyKind(body.kind), orderID: orderID, merchant: Caller.merchant(),
                                               logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(chosen, now: clock.now))))
    }

    func markRemedyApplied(_ input: Operations.MarkRemedyApplied.Input) async throws -> Operations.MarkRemedyApplied.Output {
        let (orderID, remedyID) = try remedyPath(input.path.orderId, input.path.remedyId)
        let applied = try await remedies.markApplied(remedyID, orderID: orderID, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(applied, now: clock.now))))
    }

    /// The order and remedy of a path, for a caller who may act on that order: the merchant, or
    /// its buyer (a customer token of another order finds nothing; one from a postal-code lookup
    /// cannot act for the buyer: 403).
    private func remedyPath(_ order: String, _ remedy: String) throws -> (UUID, UUID) {
        let orderID = try parseID(order, "order_id")
        let remedyID = try parseID(remedy, "remedy_id")
        guard try Caller.submitter(for: orderID) != nil else { throw DomainError.notFound("No order with id \(order).") }
        return (orderID, remedyID)
    }
}
