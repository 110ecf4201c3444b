import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func createWebhookEndpoint(_ input: Operations.CreateWebhookEndpoint.Input) async throws -> Operations.CreateWebhookEndpoint.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let draft = WebhookEndpointDraft(url: body.url, description: body.description ?? "", eventTypes: (body.eventTypes ?? [._ast_]).map(\.rawValue))
        let checked = try await webhookAddresses.validate(draft)
        guard let url = checked.url, let selection = checked.selection else { preconditionFailure("a draft with a URL and types checks to both") }
        let merchant = try Caller.merchant()
        // The secret is shown once: a replay (for 24 hours, perhaps after a rotation) answers the
        // endpoint without it.
        let replay = IdempotencyMiddleware.claimedKey.map { claim in
            IdempotentWrite<(WebhookEndpoint, WebhookSecret)>(claim: claim) { endpoint, _ in
                PreparedResponse(status: .created, json: try ContractJSON.encode(Components.Schemas.WebhookEndpoint(endpoint))).response
            }
        }
        let (endpoint, secret) = try await webhookEndpoints.create(url: url, description: checked.description ?? "", selection: selection,
                                                                   merchant: merchant, idempotency: replay, logger: RequestScope.logger)
        return .created(.init(body: .json(.init(value1: .init(endpoint), value2: .init(secret: secret.text)))))
    }

    func listWebhookEndpoints(_ input: Operations.ListWebhookEndpoints.Input) async throws -> Operations.ListWebhookEndpoints.Output {
        let endpoints = try await webhookEndpoints.list(merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: endpoints.map(Components.Schemas.WebhookEndpoint.init)))))
    }

    func getWebhookEndpoint(_ input: Operations.GetWebhookEndpoint.Input) async throws -> Operations.GetWebhookEndpoint.Output {
        let id = try parseID(input.path.endpointId, "endpoint_id")
        let endpoint = try await webhookEndpoints.endpoint(id, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(endpoint))))
    }

    func updateWebhookEndpoint(_ input: Operations.UpdateWebhookEndpoint.Input) async throws -> Operations.UpdateWebhookEndpoint.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let id = try parseID(input.path.endpointId, "endpoint_id")
        let draft = WebhookEndpointDraft(url: body.url, description: body.description, eventTypes: body.eventTypes?.map(\.rawValue))
        let checked = try await webhookAddresses.validate(draft)
        if body.url == nil && body.description == nil && body.eventTypes == nil && body.enabled == nil {
            throw DomainError.validation([FieldError(field: "body", message: "must change at least one of url, description, event_types, enabled")])
        }
        let change = WebhookEndpointChange(url: checked.url, description: checked.description, selection: checked.selection, enabled: body.enabled)
        let endpoint = try await webhookEndpoints.update(id, change, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(endpoint))))
    }

    func deleteWebhookEndpoint(_ input: Operations.DeleteWebhookEndpoint.Input) async throws -> Operations.DeleteWebhookEndpoint.Output {
        let id = try parseID(input.path.endpointId, "endpoint_id")
        try await webhookEndpoints.delete(id, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .noContent(.init())
    }

    func rotateWebhookSecret(_ input: Operations.RotateWebhookSecret.Input) async throws -> Operations.RotateWebhookSecret.Output {
        let id = try parseID(input.path.endpointId, "endpoint_id")
        let (secret, expireAt) = try await webhookEndpoints.rotateSecret(id, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .created(.init(body: .json(.init(secret: secret.text, previousSecretsExpireAt: expireAt))))
    }

    func listWebhookDeliveries(_ input: Operations.ListWebhookDeliveries.Input) async throws -> Operations.ListWebhookDeliveries.Output {
        let id = try parseID(input.path.endpointId, "endpoint_id")
        let query = input.query
        var v = Validator()
        let limit = v.page(limit: query.limit, cursor: query.cursor)
        try v.finishParameters()
        let page = try await webhookDeliveries.list(
            endpointID: id, status: query.status.map(WebhookDeliveryStatus.init), limit: limit, cursor: query.cursor,
            merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.WebhookDelivery.init), nextCursor: page.nextCursor))))
    }

    func redeliverWebhookEvent(_ input: Operations.RedeliverWebhookEvent.Input) async throws -> Operations.RedeliverWebhookEvent.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let id = try parseID(input.path.endpointId, "endpoint_id")
        let eventID = try parseID(body.eventId, "event_id")
        let delivery = try await webhookDeliveries.redeliver(eventID: eventID, endpointID: id, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .accepted(.init(body: .json(.init(delivery))))
    }

    func replayWebhookEvents(_ input: Operations.ReplayWebhookEvents.Input) async throws -> Operations.ReplayWebhookEvents.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let id = try parseID(input.path.endpointId, "endpoint_id")
        var v = Validator()
        v.check(body.after >= 0, "after", "must be 0 or a sequence number from the feed")
        // The generated server does not enforce `minimum`, so `before` may be anything here.
        if let before = body.before { v.check(before > 0 && before - 1 > body.after, "before", "must be greater than after + 1 (the range would be empty)") }
        try v.finish()
        let (queued, last) = try await webhookDeliveries.replay(
            after: body.after, before: body.before, endpointID: id, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .accepted(.init(body: .json(.init(queued: queued, lastSequence: last))))
    }

    func sendWebhookTestEvent(_ input: Operations.SendWebhookTestEvent.Input) async throws -> Operations.SendWebhookTestEvent.Output {
        let id = try parseID(input.path.endpointId, "endpoint_id")
        let delivery = try await webhookDeliveries.sendTest(endpointID: id, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .accepted(.init(body: .json(.init(delivery))))
    }
}
