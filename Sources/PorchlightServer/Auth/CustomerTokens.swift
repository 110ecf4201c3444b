import Crypto
import Foundation
import PorchlightCore

/// Tokens that let a customer (or an app or chatbot acting for one) see one order. A token is
/// `pct_<payload>.<signature>`: the payload names merchant, order, expiry and the proof the
/// customer gave, and the signature is HMAC-SHA256 with a secret shared by all replicas, so no
/// token is stored. Lookups give tokens for an hour; customer links last as `CustomerLink` says.
struct CustomerTokens: Sendable {
    static let prefix = "pct_"
    static let lookupLifetime: Duration = .seconds(3600)
    let secret: [UInt8]

    init(secret: [UInt8]) {
        self.secret = secret
    }

    private var key: SymmetricKey { SymmetricKey(data: secret) }

    private struct Payload: Codable {
        var m: UUID
        var o: UUID
        /// Expiry, whole seconds since 1970.
        var e: Int64
        /// The proof. Tokens issued before proofs existed carry none and count as the weakest.
        var p: CustomerProof?
    }

    func issue(merchant: MerchantID, orderID: UUID, proof: CustomerProof, lifetime: Duration, now: Date) -> (token: String, expiresAt: Date) {
        let expiry = Int64(now.timeIntervalSince1970) + lifetime.components.seconds
        let payload = Data(try! JSONEncoder().encode(Payload(m: merchant.rawValue, o: orderID, e: expiry, p: proof)))
        let signature = Data(HMAC<SHA256>.authenticationCode(for: payload, using: key))
        let token = Self.prefix + Base64URL.encode(payload) + "." + Base64URL.encode(signature)
        return (token, Date(timeIntervalSince1970: TimeInterval(expiry)))
    }

    /// The merchant, order and proof of a genuine, unexpired token; nil otherwise.
    func verify(_ token: String, now: Date) -> (merchant: MerchantID, orderID: UUID, proof: CustomerProof)? {
        guard token.hasPrefix(Self.prefix) else { return nil }
        let parts = token.dropFirst(Self.prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let payload = Base64URL.decode(String(parts[0])),
              let signature = Base64URL.decode(String(parts[1])),
              HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: key),
              let decoded = try? JSONDecoder().decode(Payload.self, from: payload),
              decoded.e > Int64(now.timeIntervalSince1970)
        else { return nil }
        return (MerchantID(decoded.m), decoded.o, decoded.p ?? .postalCode)
    }
}
