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
}

public struct APIKeyGrant: Sendable, Equatable {
    public var merchant: MerchantID
    public var scopes: Set<Scope>
}

/// Merchants and their API keys. A key is shown once, at creation; only its SHA-256 is stored.
public struct MerchantStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Creates a merchant with one key holding the given scopes; returns the key in clear, once.
    public func createMerchant(name: String, scopes: Set<Scope> = Set(Scope.allCases), logger: Logger) async throws -> (MerchantID, apiKey: String) {
        let merchant = MerchantID(UUID())
        let key = try await database.withTransaction(logger: logger) { connection in
            try await connection.query("INSERT INTO merchants (id, name) VALUES (\(merchant.rawValue), \(name))", logger: logger)
            return try await Self.insertKey(for: merchant, scopes: scopes, on: connection, logger: logger)
        }
        return (merchant, key)
    }

    /// Adds another key to an existing merchant, e.g. a lookup-only key to ship in an app.
    public func createKey(for merchant: MerchantID, scopes: Set<Scope>, logger: Logger) async throws -> String {
        try await database.withConnection { connection in
            try await Self.insertKey(for: merchant, scopes: scopes, on: connection, logger: logger)
        }
    }

    private static func insertKey(for merchant: MerchantID, scopes: Set<Scope>, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let key = "pl_" + randomToken(bytes: 32)
        let scopeNames = scopes.map(\.rawValue).sorted()
        try await connection.query("""
            INSERT INTO api_keys (id, merchant_id, key_hash, scopes)
            VALUES (\(UUID()), \(merchant.rawValue), \(hash(key)), \(scopeNames))
            """, logger: logger)
        return key
    }

    /// The merchant and scopes of a live key, by the key's hash, or nil for an unknown or revoked one.
    public func grant(forKeyHash keyHash: Data, logger: Logger) async throws -> APIKeyGrant? {
        let rows = try await database.query("""
            SELECT merchant_id, scopes FROM api_keys WHERE key_hash = \(keyHash) AND revoked_at IS NULL
            """, logger: logger)
        for (merchant, scopes) in try rows.decode((UUID, [String]).self) {
            return APIKeyGrant(merchant: MerchantID(merchant), scopes: Set(try scopes.map { try StoredValue.decode(Scope.self, $0, "api_keys.scopes") }))
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
public struct ServiceSecrets: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func secret(named name: String, logger: Logger) async throws -> [UInt8] {
        let candidate = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        // Whoever inserts first wins; everyone then reads the winner's secret.
        try await database.query("""
            INSERT INTO service_secrets (name, secret) VALUES (\(name), \(candidate)) ON CONFLICT (name) DO NOTHING
            """, logger: logger)
        let rows = try await database.query("SELECT secret FROM service_secrets WHERE name = \(name)", logger: logger)
        for secret in try rows.decode(Data.self) { return Array(secret) }
        throw PostgresNotFound(what: "service secret \(name)")
    }
}

struct PostgresNotFound: Error {
    let what: String
}
