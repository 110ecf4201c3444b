import Crypto
import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// What an API key may do.
public enum Scope: String, Sendable, CaseIterable, Codable {
    case ordersRead = "orders:read"
    case ordersWrite = "orders:write"
    case trackingWrite = "tracking:write"
    case ordersLookup = "orders:lookup"
    case promisesRead = "promises:read"
    case promisesWrite = "promises:write"
    case quotesWrite = "quotes:write"
    case eventsRead = "events:read"
    case webhooksManage = "webhooks:manage"
    case keysManage = "keys:manage"
    case reviewsRead = "reviews:read"
    case reviewsWrite = "reviews:write"
    case returnsRead = "returns:read"
    case returnsWrite = "returns:write"
    case disruptionsWrite = "disruptions:write"
}

public struct APIKeyGrant: Sendable, Equatable {
    public var merchant: MerchantID
    public var keyID: UUID
    public var scopes: Set<Scope>
}

/// An API key as its merchant sees it (never the key itself, which is shown once).
public struct APIKeyRecord: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var scopes: [Scope]
    public var createdAt: Date
    /// Within the hour: the time is written at most once an hour per key.
    public var lastUsedAt: Date?
    public var revokedAt: Date?
}

/// Merchants and their API keys. A key is shown once, at creation; only its SHA-256 is stored.
public struct MerchantStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Makes the merchant's writes that a per-merchant limit counts (webhook endpoints, declared
    /// disruptions) take turns, so that the limit holds under concurrency. NO KEY: the merchant's
    /// order writes, which reference the row, go on meanwhile. Count in a later statement, whose
    /// snapshot sees what the previous holder wrote (a subquery of this one would not).
    static func serialiseLimitedWrites(of merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT 1 FROM merchants WHERE id = \(merchant.rawValue) FOR NO KEY UPDATE", logger: logger)
    }

    /// Creates a merchant with one key holding the given scopes; returns the key in clear, once.
    public func createMerchant(name: String, scopes: Set<Scope> = Set(Scope.allCases), logger: Logger) async throws -> (MerchantID, apiKey: String) {
        let merchant = MerchantID(UUID.random())
        let key = try await database.withTransaction(logger: logger) { connection in
            try await connection.query("INSERT INTO merchants (id, name) VALUES (\(merchant.rawValue), \(name))", logger: logger)
            return try await Self.insertKey(for: merchant, name: "First key", scopes: scopes, on: connection, logger: logger).key
        }
        return (merchant, key)
    }

    /// Adds a key to a merchant (e.g. a lookup-only key to ship in an app, or the next key of a
    /// rotation); returns it with the key in clear, once.
    public func createKey(for merchant: MerchantID, name: String, scopes: Set<Scope>,
                          idempotency: IdempotentWrite<(APIKeyRecord, key: String)>? = nil,
                          logger: Logger) async throws -> (APIKeyRecord, key: String) {
        try await database.withTransaction(logger: logger) { connection in
            let created = try await Self.insertKey(for: merchant, name: name, scopes: scopes, on: connection, logger: logger)
            try await idempotency?.record(created, merchant: merchant, on: connection, logger: logger)
            return created
        }
    }

    static let keyColumns = "id, name, scopes, created_at, last_used_at, revoked_at"

    static func key(from row: PostgresRow) throws -> APIKeyRecord {
        let (id, name, scopes, createdAt, lastUsedAt, revokedAt) = try row.decode((UUID, String, [String], Date, Date?, Date?).self)
        return APIKeyRecord(id: id, name: name, scopes: try scopes.map { try StoredValue.decode(Scope.self, $0, "api_keys.scopes") },
                            createdAt: createdAt, lastUsedAt: lastUsedAt, revokedAt: revokedAt)
    }

    private static func insertKey(for merchant: MerchantID, name: String, scopes: Set<Scope>, on connection: PostgresConnection,
                                  logger: Logger) async throws -> (APIKeyRecord, key: String) {
        let key = "pl_" + randomToken(bytes: 32)
        let scopeNames = scopes.map(\.rawValue).sorted()
        let rows = try await connection.query("""
            INSERT INTO api_keys (id, merchant_id, name, key_hash, scopes)
            VALUES (\(UUID.random()), \(merchant.rawValue), \(name), \(hash(key)), \(scopeNames))
            RETURNING \(unescaped: keyColumns)
            """, logger: logger).collect()
        return (try Self.key(from: rows[0]), key)
    }

    /// The merchant's keys, revoked ones too, oldest first.
    public func keys(merchant: MerchantID, logger: Logger) async throws -> [APIKeyRecord] {
        try await database.query("""
            SELECT \(unescaped: Self.keyColumns) FROM api_keys WHERE merchant_id = \(merchant.rawValue) ORDER BY created_at, id
            """, logger: logger).map(Self.key(from:))
    }

    /// Revokes a key at `now` (again: no change); it stops working once caches forget it (seconds).
    public func revoke(_ id: UUID, merchant: MerchantID, now: Date, logger: Logger) async throws -> APIKeyRecord {
        let rows = try await database.query("""
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, \(now))
            WHERE merchant_id = \(merchant.rawValue) AND id = \(id)
            RETURNING \(unescaped: Self.keyColumns)
            """, logger: logger)
        guard let row = rows.first else { throw DomainError.notFound("No API key with id \(id.apiText).") }
        return try Self.key(from: row)
    }

    /// The merchant and scopes of a live key, by the key's hash, or nil for an unknown or revoked
    /// one. Notes the key as used, at most once an hour (a lookup happens only when a cache
    /// misses, so this is a write per key and hour, not per request).
    public func grant(forKeyHash keyHash: Data, logger: Logger) async throws -> APIKeyGrant? {
        let rows = try await database.query("""
            WITH key AS (
                SELECT id, merchant_id, scopes, last_used_at FROM api_keys WHERE key_hash = \(keyHash) AND revoked_at IS NULL
            ), used AS (
                UPDATE api_keys SET last_used_at = now()
                WHERE id = (SELECT id FROM key WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 hour')
            )
            SELECT id, merchant_id, scopes FROM key
            """, logger: logger)
        for (id, merchant, scopes) in try rows.decode((UUID, UUID, [String]).self) {
            return APIKeyGrant(merchant: MerchantID(merchant), keyID: id,
                               scopes: Set(try scopes.map { try StoredValue.decode(Scope.self, $0, "api_keys.scopes") }))
        }
        return nil
    }

    /// What is stored of a key, and what it is looked up by: its SHA-256.
    public static func hash(_ key: String) -> Data {
        Data(SHA256.hash(data: Data(key.utf8)))
    }
}

/// URL-safe base64 of random bytes: for keys and tokens.
func randomToken(bytes count: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    return Base64URL.encode(Data(bytes))
}

/// Secrets shared by every replica (e.g. the customer-token signing key), made on first use.
struct PostgresNotFound: Error {
    let what: String
}
