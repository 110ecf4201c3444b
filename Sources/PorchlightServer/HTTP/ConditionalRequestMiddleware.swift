import Foundation
import HTTPTypes
import OpenAPIRuntime
import PorchlightAPI
import PorchlightCore
import PorchlightStore

/// Conditional requests (RFC 9110 §13), for the documents that carry an `ETag` (an order, a
/// shipment, a return, the customer's view):
/// - a read whose `If-None-Match` lists the response's `ETag` answers 304 with no body: the
///   client already holds that version;
/// - a change to an order (`changes`) with `If-Match` runs with it as `ChangeCondition.ifMatch`,
///   which the change checks under the order's lock: 412 when the order moved on.
/// A malformed condition is a 400 before anything runs.
/// Inside `IdempotencyMiddleware`, so a retried change replays its first answer rather than
/// failing on the version that answer made.
struct ConditionalRequestMiddleware: ServerMiddleware {
    static let reads: Set<String> = [
        Operations.GetOrder.id, Operations.GetCustomerOrderView.id, Operations.GetShipment.id, Operations.GetReturn.id,
    ]

    /// Every change to an order, its shipments or its returns that the API names.
    static let changes: Set<String> = [
        Operations.UpsertOrder.id, Operations.CancelOrder.id, Operations.CreateShipment.id, Operations.RecordTrackingEvents.id, Operations.ConfirmOrder.id,
        Operations.CreateReturn.id, Operations.DecideReturn.id, Operations.ReceiveReturn.id, Operations.SettleReturn.id,
        Operations.RecordReturnTrackingEvents.id, Operations.CancelReturn.id, Operations.ChooseRemedy.id, Operations.MarkRemedyApplied.id,
        Operations.RequestDeliveryAction.id, Operations.AcknowledgeDeliveryAction.id, Operations.FailDeliveryAction.id,
    ]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if Self.changes.contains(operationID), let field = request.headerFields[.ifMatch] {
            let ifMatch = try Self.condition(field, "If-Match")
            return try await ChangeCondition.$ifMatch.withValue(ifMatch) {
                try await next(request, body, metadata)
            }
        }
        guard Self.reads.contains(operationID) else { return try await next(request, body, metadata) }
        let ifNoneMatch = try request.headerFields[.ifNoneMatch].map { try Self.condition($0, "If-None-Match") }
        var (response, responseBody) = try await next(request, body, metadata)
        guard response.status == .ok, let encoded = response.headerFields[.eTag] else { return (response, responseBody) }
        // A header the generated code sets is percent-encoded (its "simple" style): `"7"` comes
        // out as `%227%22`. The field goes out as RFC 9110 spells it.
        let tag = encoded.removingPercentEncoding ?? encoded
        response.headerFields[.eTag] = tag
        if ifNoneMatch?.holds(tagField: tag) == true {
            return (HTTPResponse(status: .notModified, headerFields: [.eTag: tag]), nil)
        }
        return (response, responseBody)
    }

    /// The condition a field states; a 400 naming the header when it is malformed or longer than
    /// the contract's 1,024 characters.
    private static func condition(_ field: String, _ header: String) throws -> EntityTagCondition {
        guard field.utf8.count <= 1024, let condition = EntityTagCondition(field: field) else {
            throw Problem.badRequest("\(header) must be * or a comma-separated list of quoted entity tags, such as \"7\", in at most 1024 characters.",
                                     errors: [FieldError(field: header, message: "must be * or a list of quoted entity tags")])
        }
        return condition
    }
}
