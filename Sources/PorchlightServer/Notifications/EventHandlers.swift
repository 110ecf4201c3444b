import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func listEvents(_ input: Operations.ListEvents.Input) async throws -> Operations.ListEvents.Output {
        let query = input.query
        let limit = query.limit ?? 100
        var v = Validator()
        v.range(limit, "limit", 1...500)
        v.check((query.after ?? 0) >= 0, "after", "must be 0 or a sequence number from the feed")
        if let types = query.types { v.count(types.count, "types", 1...20) }
        try v.finishParameters()
        let filter = EventFilter(
            after: query.after ?? 0, types: query.types.map { $0.map(EventType.init) },
            orderID: try query.orderId.map { try parseID($0, "order_id") })
        let page = try await events.events(filter, limit: limit, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: try page.map(Components.Schemas.Event.init), nextAfter: page.last?.sequence))))
    }
}
