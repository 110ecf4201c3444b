import Foundation
import Logging
import PorchlightCore
import PorchlightStore
import Synchronization

/// Resolves a bearer credential to a caller: an API key, or a customer token. Lookups are cached
/// for a few seconds by the credential's hash (no credential is kept in memory in clear), so a
/// busy client costs no database round trip for authentication; a revoked key or customer link
/// stops working within `cacheLifetime`.
final class Authenticator: Sendable {
    private let merchants: MerchantStore
    private let customerTokens: CustomerTokenStore
    private let cacheLifetime: Duration
    private let clock: WallClock
    private let cache = Mutex<[Data: (caller: Caller?, expires: ContinuousClock.Instant)]>([:])
    private static let maxCachedCredentials = 10_000

    init(merchants: MerchantStore, customerTokens: CustomerTokenStore, clock: WallClock, cacheLifetime: Duration = .seconds(10)) {
        self.merchants = merchants
        self.clock = clock
        self.customerTokens = customerTokens
        self.cacheLifetime = cacheLifetime
    }

    func caller(for credential: String, logger: Logger) async throws -> Caller? {
        let now = ContinuousClock.now
        let credentialHash = MerchantStore.hash(credential)
        if let cached = cache.withLock({ $0[credentialHash] }), cached.expires > now {
            return cached.caller
        }
        let caller: Caller?
        if credential.hasPrefix(CustomerTokenStore.prefix) {
            caller = try await customerTokens.grant(forToken: credential, now: clock.now, logger: logger)
                .map { .customer(merchant: $0.merchant, orderID: $0.orderID, proof: $0.proof) }
        } else {
            caller = try await merchants.grant(forKeyHash: credentialHash, logger: logger).map(Caller.merchant)
        }
        cache.withLock { entries in
            if entries.count >= Self.maxCachedCredentials { entries.removeAll() }
            entries[credentialHash] = (caller, now + cacheLifetime)
        }
        return caller
    }
}
