import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func listDisruptionAlerts(_ input: Operations.ListDisruptionAlerts.Input) async throws -> Operations.ListDisruptionAlerts.Output {
        var v = Validator()
        let limit = v.page(limit: input.query.limit, cursor: input.query.cursor)
        try v.finishParameters()
        let page = try await alerts.list(open: input.query.status.map { $0 == .open }, reason: input.query.reason.map(AlertReason.init),
                                         orderID: try input.query.orderId.map { try parseID($0, "order_id") },
                                         limit: limit, cursor: input.query.cursor, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: page.items.map { listed in
            .init(id: listed.alert.id.apiText, orderId: listed.orderID.apiText, orderNumber: listed.orderNumber,
                  reason: .init(listed.alert.reason), severity: .init(listed.alert.severity), shipmentId: listed.alert.shipmentID?.apiText,
                  status: listed.resolvedAt == nil ? .open : .resolved, openedAt: listed.alert.openedAt, updatedAt: listed.alert.updatedAt,
                  resolvedAt: listed.resolvedAt)
        }, nextCursor: page.nextCursor))))
    }
}
