import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// A customer token as the merchant sees it: never the token itself, which is shown once.
public struct CustomerTokenRecord: Sendable, Equatable {
    public var id: UUID
    public var orderID: UUID
    public var proof: CustomerProof
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
}

/// What a live token lets its holder see: one order of one merchant, as its proof allows.
public struct CustomerTokenGrant: Sendable, Equatable {
    public var merchant: MerchantID
    public var orderID: UUID
    public var proof: CustomerProof
}

/// Customer tokens (`pct_` and 32 random bytes): opaque references, kept only as SHA-256 hashes
/// like API keys, so a token tells its holder nothing and there is no signing secret to leak or
/// rotate. Lookups issue them for an hour; customer links for as long as the merchant chooses,
/// and the merchant can revoke a link before it expires.
public struct CustomerTokenStore: Sendable {
    public static let prefix = "pct_"
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = "id, order_id, proof, created_at, expires_at, revoked_at"

    /// A new token for the order; nil when the merchant has no such order.
    public func issue(merchant: MerchantID, orderID: UUID, proof: CustomerProof, lifetime: Duration, now: Date,
                      logger: Logger) async throws -> (CustomerTokenRecord, token: String)? {
        let token = Self.prefix + randomToken(bytes: 32)
        let expiresAt = now.addingTimeInterval(TimeInterval(lifetime.components.seconds))
        let rows = try await database.query("""
            INSERT INTO customer_tokens (merchant_id, id, order_id, token_hash, proof, created_at, expires_at)
            SELECT merchant_id, \(UUID.random()), id, \(MerchantStore.hash(token)), \(proof.rawValue), \(now), \(expiresAt)
            FROM orders WHERE merchant_id = \(merchant.rawValue) AND id = \(orderID)
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        return try rows.first.map { (try Self.record(from: $0), token) }
    }

    /// The grant of a token that exists, has not expired and was not revoked.
    public func grant(forToken token: String, now: Date, logger: Logger) async throws -> CustomerTokenGrant? {
        let rows = try await database.query("""
            SELECT merchant_id, order_id, proof FROM customer_tokens
            WHERE token_hash = \(MerchantStore.hash(token)) AND expires_at > \(now) AND revoked_at IS NULL
            """, logger: logger)
        return try rows.decode((UUID, UUID, String).self).first.map { merchant, order, proof in
            CustomerTokenGrant(merchant: MerchantID(merchant), orderID: order,
                               proof: try StoredValue.decode(CustomerProof.self, proof, "customer_tokens.proof"))
        }
    }

    /// The order's customer links, newest first; nil when the merchant has no such order.
    public func links(of orderID: UUID, merchant: MerchantID, logger: Logger) async throws -> [CustomerTokenRecord]? {
        let rows = try await database.query("""
            SELECT t.id, t.order_id, t.proof, t.created_at, t.expires_at, t.revoked_at
            FROM orders o
            LEFT JOIN customer_tokens t ON t.merchant_id = o.merchant_id AND t.order_id = o.id AND t.proof = 'link'
            WHERE o.merchant_id = \(merchant.rawValue) AND o.id = \(orderID)
            ORDER BY t.created_at DESC, t.id
            """, logger: logger)
        guard !rows.isEmpty else { return nil }
        // The order's row alone (no link yet) has a null id.
        return try rows.filter { try $0.makeRandomAccess()["id"].decode(UUID?.self) != nil }.map(Self.record)
    }

    /// Revokes one of the order's customer links (again: no change); nil when there is no such link.
    public func revokeLink(_ linkID: UUID, of orderID: UUID, merchant: MerchantID, now: Date,
                           logger: Logger) async throws -> CustomerTokenRecord? {
        let rows = try await database.query("""
            UPDATE customer_tokens SET revoked_at = coalesce(revoked_at, \(now))
            WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID) AND id = \(linkID) AND proof = 'link'
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        return try rows.first.map(Self.record)
    }

    /// Deletes tokens a day after they expired (a revoked one too: revocation only ends it sooner).
    /// Rows are named by their keys, not `ctid`: on Citus a `ctid` names a row only within one shard.
    public func purgeExpired(limit: Int = 10_000, logger: Logger) async throws -> Int {
        try await database.query("""
            DELETE FROM customer_tokens t USING (
                SELECT merchant_id, id FROM customer_tokens WHERE expires_at < now() - interval '1 day' LIMIT \(limit)) expired
            WHERE t.merchant_id = expired.merchant_id AND t.id = expired.id
            RETURNING 1
            """, logger: logger).count
    }

    static func record(from row: PostgresRow) throws -> CustomerTokenRecord {
        let (id, order, proof, createdAt, expiresAt, revokedAt) = try row.decode((UUID, UUID, String, Date, Date, Date?).self)
        return CustomerTokenRecord(id: id, orderID: order, proof: try StoredValue.decode(CustomerProof.self, proof, "customer_tokens.proof"),
                                   createdAt: createdAt, expiresAt: expiresAt, revokedAt: revokedAt)
    }
}
