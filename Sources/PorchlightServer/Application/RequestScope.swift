import Foundation
import Logging
import PorchlightCore
import PorchlightStore

/// Per-request values that OpenAPI handlers (which see no Hummingbird context) need: set by
/// middleware in task-locals for the duration of one request.
struct RequestScope: Sendable {
    var requestID: String
    var logger: Logger

    @TaskLocal static var current: RequestScope?

    /// The logger carrying the request id, or a bare one outside a request.
    static var logger: Logger { current?.logger ?? Logger(label: "porchlight") }
}

/// Who is calling, as established by `AuthMiddleware`.
enum Caller: Sendable {
    case merchant(APIKeyGrant)
    /// A customer holding a token for one order.
    case customer(merchant: MerchantID, orderID: UUID)

    @TaskLocal static var current: Caller?

    /// The merchant every store call is scoped to. Handlers behind `AuthMiddleware` always have a
    /// caller; reaching here without one is a wiring bug, so it fails closed.
    static func merchant() throws -> MerchantID {
        switch current {
        case .merchant(let grant): grant.merchant
        case .customer(let merchant, _): merchant
        case nil: throw Problem.unauthorized("Send an API key as 'Authorization: Bearer <key>'.")
        }
    }

    /// Whether the caller may read this order: any order of its merchant with an API key, only
    /// the token's own order with a customer token.
    static func mayRead(order orderID: UUID) -> Bool {
        switch current {
        case .merchant: true
        case .customer(_, let tokenOrder): tokenOrder == orderID
        case nil: false
        }
    }
}
