import Foundation
import Logging
import PorchlightStore
import Synchronization

/// Resolves a bearer credential to a caller. API-key lookups are cached for a few seconds by the
/// key's hash (no key is kept in memory in clear), so a busy client costs no database round trip
/// for authentication; a revoked key stops working within `cacheLifetime`.
final class Authenticator: Sendable {
    private let merchants: MerchantStore
    private let tokens: StartupValue<CustomerTokens>
    private let cacheLifetime: Duration
    private let cache = Mutex<[Data: (grant: APIKeyGrant?, expires: ContinuousClock.Instant)]>([:])
    private static let maxCachedKeys = 10_000

    init(merchants: MerchantStore, tokens: StartupValue<CustomerTokens>, cacheLifetime: Duration = .seconds(10)) {
        self.merchants = merchants
        self.tokens = tokens
        self.cacheLifetime = cacheLifetime
    }

    func caller(for credential: String, logger: Logger) async throws -> Caller? {
        if credential.hasPrefix(CustomerTokens.prefix) {
            return try tokens.get().verify(credential, now: Date()).map { .customer(merchant: $0.merchant, orderID: $0.orderID, proof: $0.proof) }
        }
        let now = ContinuousClock.now
        let keyHash = MerchantStore.hash(credential)
        if let cached = cache.withLock({ $0[keyHash] }), cached.expires > now {
            return cached.grant.map(Caller.merchant)
        }
        let grant = try await merchants.grant(forKeyHash: keyHash, logger: logger)
        cache.withLock { entries in
            if entries.count >= Self.maxCachedKeys { entries.removeAll() }
            entries[keyHash] = (grant, now + cacheLifetime)
        }
        return grant.map(Caller.merchant)
    }
}
