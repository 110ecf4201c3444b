import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

// Mapping between the generated contract types and the API keys of the Auth capability.

extension Scope {
    /// Every scope the contract names is one the service knows.
    init(_ scope: Components.Schemas.Scope) throws {
        guard let known = Scope(rawValue: scope.rawValue) else {
            throw DomainError.validation([FieldError(field: "scopes", message: "'\(scope.rawValue)' is not a scope")])
        }
        self = known
    }
}

extension Components.Schemas.Scope {
    init(_ scope: Scope) {
        self = switch scope {
        case .ordersRead: .orders_colon_read
        case .ordersWrite: .orders_colon_write
        case .trackingWrite: .tracking_colon_write
        case .ordersLookup: .orders_colon_lookup
        case .promisesRead: .promises_colon_read
        case .promisesWrite: .promises_colon_write
        case .quotesWrite: .quotes_colon_write
        case .eventsRead: .events_colon_read
        case .webhooksManage: .webhooks_colon_manage
        case .keysManage: .keys_colon_manage
        case .reviewsRead: .reviews_colon_read
        case .reviewsWrite: .reviews_colon_write
        case .returnsRead: .returns_colon_read
        case .returnsWrite: .returns_colon_write
        case .disruptionsWrite: .disruptions_colon_write
        }
    }
}

extension Components.Schemas.ApiKey {
    init(_ key: APIKeyRecord) {
        self.init(id: key.id.apiText, name: key.name, scopes: key.scopes.map(Components.Schemas.Scope.init),
                  createdAt: key.createdAt, lastUsedAt: key.lastUsedAt, revokedAt: key.revokedAt)
    }
}
