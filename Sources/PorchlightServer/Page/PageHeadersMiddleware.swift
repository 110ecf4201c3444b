import Foundation
import HTTPTypes
import OpenAPIRuntime
import PorchlightAPI

/// What every customer page answer carries besides its own headers: never cached or sniffed, and
/// no `Referer` to the merchant's CDN or a recommendation's shop (a customer link's address holds
/// its token). The stylesheet and script are cacheable: their handler says so.
struct PageHeadersMiddleware: ServerMiddleware {
    static let pages: Set<String> = [
        Operations.GetLookupPage.id, Operations.SubmitPageLookup.id, Operations.OpenPageLink.id, Operations.GetOrderPage.id,
        Operations.GetOrderPageState.id, Operations.ChoosePageRemedy.id, Operations.OpenPageReturn.id, Operations.SubmitPageReview.id,
        Operations.SubmitPageDeliveryRating.id, Operations.RequestPageDeliveryAction.id, Operations.FollowPageRecommendation.id,
        Operations.PreviewTrackingPage.id, Operations.ConfirmPageOrder.id, Operations.GetUnsubscribePage.id, Operations.Unsubscribe.id,
    ]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var (response, responseBody) = try await next(request, body, metadata)
        guard Self.pages.contains(operationID) || operationID == Operations.GetPageAsset.id else { return (response, responseBody) }
        // The generated server writes header values percent-encoded (OpenAPI's simple style); a
        // browser reads these as written.
        for name in [HTTPField.Name.location, .setCookie, .contentSecurityPolicy, .cacheControl] {
            if let value = response.headerFields[name] { response.headerFields[name] = value.removingPercentEncoding ?? value }
        }
        guard Self.pages.contains(operationID) else { return (response, responseBody) }
        response.headerFields[.cacheControl] = "no-store"
        response.headerFields[.referrerPolicy] = "no-referrer"
        response.headerFields[.xContentTypeOptions] = "nosniff"
        return (response, responseBody)
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
}
