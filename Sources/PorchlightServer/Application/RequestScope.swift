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

    /// Who may act for this order's buyer (write a review, open or cancel a return): the
    /// merchant, or its customer with a token from an email lookup or a link (a postal-code
    /// lookup is too easy to guess to speak for the buyer: 403); nil for a token of another order.
    static func submitter(for orderID: UUID) throws -> Submitter? {
        switch view(of: orderID) {
        case .merchant: return .merchant
        case .customer(let proof) where proof.satisfies(.email): return .customer
        case .customer:
            throw Problem.forbidden("A postal-code lookup cannot act for the buyer: look the order up with the customer's email, or use the link the merchant sent.")
        case nil: return nil
        }
    }
}

