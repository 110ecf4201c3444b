import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Remembers the first response to each `Idempotency-Key` for 24 hours, so that a client that
/// retries (after a timeout, say) gets that response again instead of doing the work twice.
///
/// A request first claims its key (a row without a response). The store call that does the work
/// records the response in its own transaction (`record`), so the work and its response commit
/// together: a retry after a crash between commit and reply replays the response, never redoing
/// the work. A request that fails releases its claim.
public struct IdempotencyStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// A key is remembered this long.
    static let retentionSeconds = 86_400
    /// No request runs this long: database waits are bounded at a few seconds.
    static let abandonedClaimSeconds = 60

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

    /// One request's hold on a key; the work it does records its response under this claim only.
    public struct Claimed: Sendable, Equatable {
        public var key: String
        var token: UUID
    }

    public enum Claim: Sendable {
        /// This request owns the key: do the work, recording the response with it (`IdempotentWrite`),
        /// or `release` it on failure.
        case claimed(Claimed)
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
            let token = UUID.random()
            // The statement is given the replica's time (Citus runs no time function in an upsert's
            // conflict clauses): replicas' clocks must agree within seconds (NTP), far inside the
            // minute after which a claim counts as abandoned.
            let now = database.clock.now
            let claimed = try await connection.query("""
                INSERT INTO idempotency_keys AS k (merchant_id, key, request_hash, claim, created_at)
                VALUES (\(merchant.rawValue), \(key), \(fingerprint), \(token), \(now))
                ON CONFLICT (merchant_id, key) DO UPDATE
                    SET request_hash = excluded.request_hash, claim = excluded.claim, status = NULL, content_type = NULL,
                        body = NULL, created_at = excluded.created_at
                    WHERE k.created_at < \(now.addingTimeInterval(-Double(Self.retentionSeconds)))
                       -- A claim never answered after a minute was lost with its request (a crash, a
                       -- database restart) and its work did not commit: the key is free again. Should
                       -- that request still be running, its work cannot commit under the new claim.
                       OR (k.status IS NULL AND k.created_at < \(now.addingTimeInterval(-Double(Self.abandonedClaimSeconds))))
                RETURNING key
                """, logger: logger)
            for try await _ in claimed.decode(String.self) { return .claimed(Claimed(key: key, token: token)) }
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

    /// Records the response of the claimed key, inside the transaction that did the work. The
    /// claim must still be this request's: otherwise the work is not this request's to commit.
    static func record(_ response: StoredResponse, claim: Claimed, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("""
            UPDATE idempotency_keys SET status = \(response.status), content_type = \(response.contentType), body = \(response.body)
            WHERE merchant_id = \(merchant.rawValue) AND key = \(claim.key) AND claim = \(claim.token) AND status IS NULL
            RETURNING 1
            """, logger: logger)
        for try await _ in rows { return }
        throw DomainError.conflict("The Idempotency-Key was claimed by another request meanwhile; retry to get its response.")
    }

    /// Deletes keys past their 24 hours, at most `limit`; returns how many. Rows are named by
    /// their keys, not `ctid`: on Citus a `ctid` names a row only within one shard.
    public func purgeExpired(limit: Int = 10_000, logger: Logger) async throws -> Int {
        let rows = try await database.query("""
            DELETE FROM idempotency_keys k USING (
                SELECT merchant_id, key FROM idempotency_keys
                WHERE created_at < now() - \(Self.retentionSeconds) * interval '1 second' LIMIT \(limit)) expired
            WHERE k.merchant_id = expired.merchant_id AND k.key = expired.key
              -- Again on the row as it is now: a new claim may have taken the key meanwhile.
              AND k.created_at < now() - \(Self.retentionSeconds) * interval '1 second'
            RETURNING 1
            """, logger: logger)
        return rows.count
    }

    /// Frees the key after the first request failed, so that a retry does the work.
    public func release(_ claim: Claimed, merchant: MerchantID, logger: Logger) async throws {
        try await database.query("""
            DELETE FROM idempotency_keys
            WHERE merchant_id = \(merchant.rawValue) AND key = \(claim.key) AND claim = \(claim.token) AND status IS NULL
            """, logger: logger)
    }
}

/// A request's claim on its Idempotency-Key, handed to the store call that does the work: its
/// transaction records `respond(result)` as the key's response.
public struct IdempotentWrite<Result>: Sendable {
    public var claim: IdempotencyStore.Claimed
    public var respond: @Sendable (Result) throws -> IdempotencyStore.StoredResponse

    public init(claim: IdempotencyStore.Claimed, respond: @escaping @Sendable (Result) throws -> IdempotencyStore.StoredResponse) {
        self.claim = claim
        self.respond = respond
    }

    /// The same claim for a call whose result is made from another.
    func pulledBack<Earlier>(_ transform: @escaping @Sendable (Earlier) throws -> Result) -> IdempotentWrite<Earlier> {
        let respond = self.respond
        return IdempotentWrite<Earlier>(claim: claim) { try respond(transform($0)) }
    }

    func record(_ result: Result, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        try await IdempotencyStore.record(respond(result), claim: claim, merchant: merchant, on: connection, logger: logger)
    }
}
