import Foundation
import Logging
import PorchlightCore
import PorchlightStore

/// Per-request values that OpenAPI handlers (which see no Hummingbird context) need: set by
/// middleware in task-locals for the duration of one request.
struct RequestScope: Sendable {
    var requestID: String
    var logger: Logger
    /// The client's address (see `ClientAddress`), when known.
    var clientAddress: IPAddress?

    @TaskLocal static var current: RequestScope?

    /// The logger carrying the request id, or a bare one outside a request.
    static var logger: Logger { current?.logger ?? Logger(label: "porchlight") }
}

/// Who is calling, as established by `AuthMiddleware`.
enum Caller: Sendable {
    case merchant(APIKeyGrant)
    /// A customer holding a token for one order, given for this proof.
    case customer(merchant: MerchantID, orderID: UUID, proof: CustomerProof)

    @TaskLocal static var current: Caller?

    /// The merchant every store call is scoped to. Handlers behind `AuthMiddleware` always have a
    /// caller; reaching here without one is a wiring bug, so it fails closed.
    static func merchant() throws -> MerchantID {
        switch current {
        case .merchant(let grant): grant.merchant
        case .customer(let merchant, _, _): merchant
        case nil: throw Problem.unauthorized("Send an API key as 'Authorization: Bearer <key>'.")
        }
    }

    /// How the caller may see this order: a merchant sees all of any of its orders; a customer
    /// sees their own order as their proof allows, and no other; nil means not at all.
    static func view(of orderID: UUID) -> OrderViewer? {
        switch current {
        case .merchant: .merchant
        case .customer(_, let tokenOrder, let proof) where tokenOrder == orderID: .customer(proof)
        case .customer, nil: nil
        }
    }
}

/// Who is looking at an order, and so which view of it they get.
enum OrderViewer: Equatable {
    case merchant
    case customer(CustomerProof)
}
