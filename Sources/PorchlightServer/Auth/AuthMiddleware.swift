import Foundation
import HTTPTypes
import OpenAPIRuntime
import PorchlightAPI
import PorchlightStore

/// Authenticates every operation that needs it and checks the scope it requires, before the
/// handler runs. The table below is the one place that says who may call what; an operation
/// missing from it is refused (fail closed).
struct AuthMiddleware: ServerMiddleware {
    enum Access {
        case open
        /// The operator's `METRICS_TOKEN`, never a merchant's key.
        case `operator`
        case scope(Scope)
        /// An API key with the scope, or a customer token (the handler checks it is for this order).
        case scopeOrCustomer(Scope)
        /// The customer page's session cookie. Never refused here: the page answers a missing or
        /// ended session with its look-up page.
        case pageSession
    }

    static func access(for operationID: String) -> Access? {
        switch operationID {
        case Operations.GetLiveness.id, Operations.GetReadiness.id, Operations.GetOpenAPISpec.id:
            .open
        case Operations.GetMetrics.id:
            .operator
        case Operations.GetLookupPage.id, Operations.SubmitPageLookup.id, Operations.OpenPageLink.id, Operations.FollowPageRecommendation.id,
             Operations.GetPageAsset.id, Operations.GetUnsubscribePage.id, Operations.Unsubscribe.id:
            .open
        case Operations.GetMessageSettings.id, Operations.ListMessageTemplates.id, Operations.PreviewMessage.id, Operations.ListNotifications.id:
            .scope(.ordersRead)
        case Operations.ReplaceMessageSettings.id, Operations.ReplaceMessageTemplate.id, Operations.DeleteMessageTemplate.id,
             Operations.CreateMessageOptOut.id:
            .scope(.ordersWrite)
        case Operations.GetOrderPage.id, Operations.GetOrderPageState.id, Operations.ChoosePageRemedy.id, Operations.OpenPageReturn.id,
             Operations.SubmitPageReview.id, Operations.SubmitPageDeliveryRating.id, Operations.RequestPageDeliveryAction.id,
             Operations.ConfirmPageOrder.id:
            .pageSession
        case Operations.GetTrackingPageSettings.id, Operations.PreviewTrackingPage.id, Operations.GetTrackingPageAnalytics.id:
            .scope(.ordersRead)
        case Operations.UpdateTrackingPageSettings.id:
            .scope(.ordersWrite)
        case Operations.UpsertOrder.id, Operations.CreateShipment.id:
            .scope(.ordersWrite)
        case Operations.CancelOrder.id:
            .scopeOrCustomer(.ordersWrite)
        case Operations.CreateCustomerLink.id, Operations.RevokeCustomerLink.id, Operations.UpdateCustomerViewSettings.id:
            .scope(.ordersWrite)
        case Operations.ListCustomerLinks.id:
            .scope(.ordersRead)
        case Operations.GetCustomerViewSettings.id, Operations.GetOrder.id, Operations.ListOrders.id, Operations.GetShipment.id, Operations.FindShipments.id,
             Operations.ListDisruptionAlerts.id, Operations.ListDisruptions.id, Operations.GetDisruption.id, Operations.GetRemedyRules.id,
             Operations.GetRemedyCodePool.id, Operations.GetDisruptionSettings.id:
            .scope(.ordersRead)
        case Operations.DeclareDisruption.id, Operations.UpdateDisruption.id, Operations.ReplaceRemedyRules.id, Operations.AddRemedyCodes.id,
             Operations.ReplaceDisruptionSettings.id:
            .scope(.disruptionsWrite)
        case Operations.ListOrderRemedies.id:
            .scopeOrCustomer(.ordersRead)
        case Operations.ChooseRemedy.id:
            .scopeOrCustomer(.ordersWrite)
        case Operations.MarkRemedyApplied.id:
            .scope(.ordersWrite)
        case Operations.GetDeliverySettings.id, Operations.GetDeliveryAnalytics.id:
            .scope(.ordersRead)
        case Operations.ReplaceDeliverySettings.id:
            .scope(.disruptionsWrite)
        case Operations.ListDeliveryExceptions.id:
            .scopeOrCustomer(.ordersRead)
        case Operations.RequestDeliveryAction.id, Operations.ConfirmOrder.id:
            .scopeOrCustomer(.ordersWrite)
        case Operations.ListDeliveryActions.id, Operations.AcknowledgeDeliveryAction.id, Operations.FailDeliveryAction.id:
            .scope(.trackingWrite)
        case Operations.GetCustomerOrderView.id, Operations.GetArrivalEstimate.id:
            .scopeOrCustomer(.ordersRead)
        case Operations.ListLocations.id, Operations.GetLocation.id, Operations.ListCarrierServices.id,
             Operations.GetPromiseSettings.id, Operations.GetPromiseAnalytics.id:
            .scope(.promisesRead)
        case Operations.UpsertLocation.id, Operations.UpsertCarrierService.id, Operations.UpdatePromiseSettings.id:
            .scope(.promisesWrite)
        case Operations.CreateDeliveryQuote.id:
            .scope(.quotesWrite)
        case Operations.RecordTrackingEvents.id, Operations.RecordReturnTrackingEvents.id:
            .scope(.trackingWrite)
        case Operations.LookUpOrder.id:
            .scope(.ordersLookup)
        case Operations.ListEvents.id:
            .scope(.eventsRead)
        case Operations.CreateWebhookEndpoint.id, Operations.ListWebhookEndpoints.id, Operations.GetWebhookEndpoint.id,
             Operations.UpdateWebhookEndpoint.id, Operations.DeleteWebhookEndpoint.id, Operations.RotateWebhookSecret.id,
             Operations.ListWebhookDeliveries.id, Operations.RedeliverWebhookEvent.id, Operations.ReplayWebhookEvents.id,
             Operations.SendWebhookTestEvent.id:
            .scope(.webhooksManage)
        case Operations.CreateApiKey.id, Operations.ListApiKeys.id, Operations.RevokeApiKey.id:
            .scope(.keysManage)
        case Operations.SubmitReview.id, Operations.EditReview.id, Operations.RateDelivery.id:
            .scopeOrCustomer(.reviewsWrite)
        case Operations.ModerateReview.id, Operations.ReplyToReview.id, Operations.UpdateReviewSettings.id, Operations.VoteOnReview.id:
            .scope(.reviewsWrite)
        case Operations.GetReview.id:
            .scopeOrCustomer(.reviewsRead)
        case Operations.GetReviewSummary.id, Operations.ListProductReviews.id, Operations.ListReviewRequests.id,
             Operations.GetReviewSettings.id, Operations.GetReviewFeed.id:
            .scope(.reviewsRead)
        case Operations.GetReturnEligibility.id, Operations.QuoteReturn.id, Operations.GetReturn.id:
            .scopeOrCustomer(.returnsRead)
        case Operations.CreateReturn.id, Operations.CancelReturn.id:
            .scopeOrCustomer(.returnsWrite)
        case Operations.GetReturnPolicy.id, Operations.ListReturns.id, Operations.GetReturnAnalytics.id:
            .scope(.returnsRead)
        case Operations.UpdateReturnPolicy.id, Operations.DecideReturn.id, Operations.ReceiveReturn.id, Operations.SettleReturn.id:
            .scope(.returnsWrite)
        default:
            nil
        }
    }

    let authenticator: Authenticator
    let metricsToken: String?

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let access = Self.access(for: operationID) else {
            throw Problem.forbidden("No credential grants the operation \(operationID).")
        }
        let bearer = request.headerFields[.authorization].flatMap { header in
            header.lowercased().hasPrefix("bearer ") ? header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces) : nil
        }
        let required: Scope
        switch access {
        case .open:
            return try await next(request, body, metadata)
        case .operator:
            let missing = Problem.unauthorized("Send the operator's METRICS_TOKEN as 'Authorization: Bearer <token>'.")
            guard let bearer, !bearer.isEmpty else { throw missing }
            guard let metricsToken else { throw Problem.forbidden("Metrics are off: start the service with METRICS_TOKEN set to read them.") }
            guard Self.constantTimeEqual(bearer, metricsToken) else { throw missing }
            return try await next(request, body, metadata)
        case .pageSession:
            // Only a customer token makes a session: an API key in the cookie is ignored.
            guard let token = PageSession.token(inCookieHeader: request.headerFields[.cookie]), token.hasPrefix(CustomerTokenStore.prefix),
                  let caller = try await authenticator.caller(for: token, logger: RequestScope.logger), case .customer = caller
            else { return try await next(request, body, metadata) }
            return try await Caller.$current.withValue(caller) {
                try await PageSession.$current.withValue(PageSession(token: token)) { try await next(request, body, metadata) }
            }
        case .scope(let scope), .scopeOrCustomer(let scope):
            required = scope
        }
        guard let credential = bearer, !credential.isEmpty
        else { throw Problem.unauthorized("Send an API key as 'Authorization: Bearer <key>'.") }
        guard let caller = try await authenticator.caller(for: credential, logger: RequestScope.logger) else {
            throw Problem.unauthorized("The API key or customer token is not valid, or has expired.")
        }
        switch (caller, access) {
        case (.merchant(let grant), _) where !grant.scopes.contains(required):
            throw Problem.forbidden("This API key lacks the scope '\(required.rawValue)'.")
        case (.customer, .scope):
            throw Problem.forbidden("A customer token sees only its own order: GET /v1/orders/{order_id}/customer-view, its arrival estimate, its remedies, and reviews, delivery ratings and returns of its lines.")
        default:
            break
        }
        return try await Caller.$current.withValue(caller) {
            try await next(request, body, metadata)
        }
    }

    /// Compares without stopping at the first difference, so the time taken tells nothing of the token.
    static func constantTimeEqual(_ given: String, _ expected: String) -> Bool {
        let (a, b) = (Array(given.utf8), Array(expected.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
