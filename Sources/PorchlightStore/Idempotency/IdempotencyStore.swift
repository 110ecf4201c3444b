import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Remembers the first response to each `Idempotency-Key` for 24 hours, so that a client that
/// retries (after a timeout, say) gets that response again instead of doing the work twice.
public struct IdempotencyStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct StoredResponse: Sendable {
        public var status: Int
        public var contentType: String?
        public var body: Data

        public init(status: Int, contentType: String?, body: Data) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    public enum Claim: Sendable {
        /// This request owns the key: do the work, then `complete` (or `release` on failure).
        case claimed
        /// The key was used before for this same request: replay its response.
        case replay(StoredResponse)
        /// The first request with this key is still running.
        case inProgress
        /// The key was used before for a different request.
        case mismatch
    }

    /// Claims the key for a request with the given fingerprint (a hash of method, path and body).
    public func claim(key: String, fingerprint: Data, merchant: MerchantID, logger: Logger) async throws -> Claim {
        try await database.withTransaction(logger: logger) { connection in
            let claimed = try await connection.query("""
                INSERT INTO idempotency_keys AS k (merchant_id, key, request_hash)
                VALUES (\(merchant.rawValue), \(key), \(fingerprint))
                ON CONFLICT (merchant_id, key) DO UPDATE
                    SET request_hash = excluded.request_hash, status = NULL, content_type = NULL, body = NULL, created_at = now()
                    WHERE k.created_at < now() - interval '24 hours'
                RETURNING key
                """, logger: logger)
            for try await _ in claimed.decode(String.self) { return .claimed }
            let rows = try await connection.query("""
                SELECT request_hash, status, content_type, body FROM idempotency_keys
                WHERE merchant_id = \(merchant.rawValue) AND key = \(key)
                """, logger: logger)
            for try await (hash, status, contentType, body) in rows.decode((Data, Int?, String?, Data?).self) {
                guard hash == fingerprint else { return .mismatch }
                guard let status else { return .inProgress }
                return .replay(StoredResponse(status: status, contentType: contentType, body: body ?? Data()))
            }
            return .inProgress  // deleted between the two statements by a failing first request
        }
    }

    public func complete(key: String, merchant: MerchantID, response: StoredResponse, logger: Logger) async throws {
        try await database.query("""
            UPDATE idempotency_keys SET status = \(response.status), content_type = \(response.contentType), body = \(response.body)
            WHERE merchant_id = \(merchant.rawValue) AND key = \(key)
            """, logger: logger)
    }

    /// Frees the key after the first request failed, so that a retry does the work.
    public func release(key: String, merchant: MerchantID, logger: Logger) async throws {
        try await database.query("""
            DELETE FROM idempotency_keys WHERE merchant_id = \(merchant.rawValue) AND key = \(key) AND status IS NULL
            """, logger: logger)
    }
}
