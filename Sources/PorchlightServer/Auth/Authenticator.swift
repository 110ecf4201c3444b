import Foundation
import Logging
import PorchlightStore
import Synchronization

/// Resolves a bearer credential to a caller. API-key lookups are cached for a few seconds, so a
/// busy client costs one database round trip per request, not two; a revoked key stops working
/// within `cacheLifetime`.
final class Authenticator: Sendable {
    private let merchants: MerchantStore
    private let tokens: StartupValue<CustomerTokens>
    private let cacheLifetime: Duration
    private let cache = Mutex<[String: (grant: APIKeyGrant?, expires: ContinuousClock.Instant)]>([:])
    private static let maxCachedKeys = 10_000

    init(merchants: MerchantStore, tokens: StartupValue<CustomerTokens>, cacheLifetime: Duration = .seconds(10)) {
        self.merchants = merchants
        self.tokens = tokens
        self.cacheLifetime = cacheLifetime
    }

    func caller(for credential: String, logger: Logger) async throws -> Caller? {
        if credential.hasPrefix(CustomerTokens.prefix) {
            return try tokens.get().verify(credential, now: Date()).map { .customer(merchant: $0.merchant, orderID: $0.orderID) }
        }
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[credential] }), cached.expires > now {
            return cached.grant.map(Caller.merchant)
        }
        let grant = try await merchants.grant(forKey: credential, logger: logger)
        cache.withLock { entries in
            if entries.count >= Self.maxCachedKeys { entries.removeAll() }
            entries[credential] = (grant, now + cacheLifetime)
        }
        return grant.map(Caller.merchant)
    }
}
