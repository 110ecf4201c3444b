import Crypto
import Foundation
import PorchlightCore

/// Short-lived tokens that let a customer (or an app or chatbot acting for one) read one order.
/// A token is `pct_<payload>.<signature>`: the payload names merchant, order and expiry, and the
/// signature is HMAC-SHA256 with a secret shared by all replicas, so no token is stored.
struct CustomerTokens: Sendable {
    static let prefix = "pct_"
    let secret: [UInt8]
    let lifetime: Duration

    init(secret: [UInt8], lifetime: Duration = .seconds(3600)) {
        self.secret = secret
        self.lifetime = lifetime
    }

    private var key: SymmetricKey { SymmetricKey(data: secret) }

    private struct Payload: Codable {
        var m: UUID
        var o: UUID
        /// Expiry, whole seconds since 1970.
        var e: Int64
    }

    func issue(merchant: MerchantID, orderID: UUID, now: Date) -> (token: String, expiresAt: Date) {
        let expiry = Int64(now.timeIntervalSince1970) + lifetime.components.seconds
        let payload = Data(try! JSONEncoder().encode(Payload(m: merchant.rawValue, o: orderID, e: expiry)))
        let signature = Data(HMAC<SHA256>.authenticationCode(for: payload, using: key))
        let token = Self.prefix + Base64URL.encode(payload) + "." + Base64URL.encode(signature)
        return (token, Date(timeIntervalSince1970: TimeInterval(expiry)))
    }

    /// The merchant and order of a genuine, unexpired token; nil otherwise.
    func verify(_ token: String, now: Date) -> (merchant: MerchantID, orderID: UUID)? {
        guard token.hasPrefix(Self.prefix) else { return nil }
        let parts = token.dropFirst(Self.prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let payload = Base64URL.decode(String(parts[0])),
              let signature = Base64URL.decode(String(parts[1])),
              HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: key),
              let decoded = try? JSONDecoder().decode(Payload.self, from: payload),
              decoded.e > Int64(now.timeIntervalSince1970)
        else { return nil }
        return (MerchantID(decoded.m), decoded.o)
    }
}
