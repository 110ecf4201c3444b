import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Webhook endpoints and their signing secrets.
public struct WebhookEndpointStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The endpoint's columns, in the order `endpoint(from:)` reads them.
    static let columns = """
        id, url, description, event_types, disabled_reason, disabled_at, failing_since, receives_since, created_at, updated_at
        """

    static func endpoint(from row: PostgresRow) throws -> WebhookEndpoint {
        let (id, url, description, selectors, reason, disabledAt, failingSince, receivesSince, createdAt, updatedAt) =
            try row.decode((UUID, String, String, [String], String?, Date?, Date?, Date, Date, Date).self)
        return WebhookEndpoint(
            id: id, url: url, description: description, selection: try selection(selectors),
            disabledReason: try reason.map { try StoredValue.decode(WebhookDisabledReason.self, $0, "webhook_endpoints.disabled_reason") },
            disabledAt: disabledAt, failingSince: failingSince, receivesSince: receivesSince, createdAt: createdAt, updatedAt: updatedAt)
    }

    static func selection(_ selectors: [String]) throws -> WebhookEventSelection {
        guard let selection = WebhookEventSelection(selectors: selectors) else {
            throw StoredValue.Unknown(column: "webhook_endpoints.event_types", value: selectors.joined(separator: ","))
        }
        return selection
    }

    /// Creates an endpoint that receives the events that happen from now on, with a new secret.
    public func create(url: URL, description: String, selection: WebhookEventSelection, merchant: MerchantID,
                       idempotency: IdempotentWrite<(WebhookEndpoint, WebhookSecret)>? = nil,
                       logger: Logger) async throws -> (WebhookEndpoint, WebhookSecret) {
        let secret = WebhookSecret.generate()
        return try await database.withTransaction(logger: logger) { connection in
            try await MerchantStore.serialiseLimitedWrites(of: merchant, on: connection, logger: logger)
            let count = try await connection.query("""
                SELECT count(*) FROM webhook_endpoints WHERE merchant_id = \(merchant.rawValue)
                """, logger: logger).collect().first?.decode(Int.self) ?? 0
            guard count < WebhookEndpoint.maxPerMerchant else {
                throw DomainError.conflict("A merchant has at most \(WebhookEndpoint.maxPerMerchant) webhook endpoints; delete one first.")
            }
            let position = try await EventFeed.lastSequence(merchant: merchant, on: connection, logger: logger)
            let rows = try await connection.query("""
                INSERT INTO webhook_endpoints (merchant_id, id, url, description, event_types, feed_position)
                VALUES (\(merchant.rawValue), \(UUID.random()), \(url.absoluteString), \(description), \(selection.selectors), \(position))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).collect()
            let endpoint = try Self.endpoint(from: rows[0])
            try await connection.query("""
                INSERT INTO webhook_secrets (merchant_id, endpoint_id, secret) VALUES (\(merchant.rawValue), \(endpoint.id), \(secret.text))
                """, logger: logger)
            try await idempotency?.record((endpoint, secret), merchant: merchant, on: connection, logger: logger)
            return (endpoint, secret)
        }
    }

    public func list(merchant: MerchantID, logger: Logger) async throws -> [WebhookEndpoint] {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM webhook_endpoints WHERE merchant_id = \(merchant.rawValue) ORDER BY created_at, id
            """, logger: logger).map(Self.endpoint(from:))
    }

    public func endpoint(_ id: UUID, merchant: MerchantID, logger: Logger) async throws -> WebhookEndpoint {
        try await database.withConnection { connection in
            try await Self.endpoint(id, merchant: merchant, on: connection, logger: logger)
        }
    }

    /// The merchant's endpoint, or not found; with `lock`, locked for the rest of the transaction.
    static func endpoint(_ id: UUID, merchant: MerchantID, lock: Bool = false, on connection: PostgresConnection,
                         logger: Logger) async throws -> WebhookEndpoint {
        let rows = try await connection.query("""
            SELECT \(unescaped: columns) FROM webhook_endpoints WHERE merchant_id = \(merchant.rawValue) AND id = \(id)
            \(unescaped: lock ? "FOR NO KEY UPDATE" : "")
            """, logger: logger).collect()
        guard let row = rows.first else { throw notFound(id) }
        return try endpoint(from: row)
    }

    /// Applies the merchant's change (Core decides what it means) to the endpoint, locked.
    public func update(_ id: UUID, _ change: WebhookEndpointChange, merchant: MerchantID, logger: Logger) async throws -> WebhookEndpoint {
        try await database.withTransaction(logger: logger) { connection in
            let before = try await Self.endpoint(id, merchant: merchant, lock: true, on: connection, logger: logger)
            let after = try before.changed(change, now: database.clock.now.asStored)
            try await connection.query("""
                UPDATE webhook_endpoints e SET
                    url = \(after.url), description = \(after.description), event_types = \(after.selection.selectors),
                    disabled_reason = \(after.disabledReason?.rawValue), disabled_at = \(after.disabledAt),
                    failing_since = \(after.failingSince), receives_since = \(after.receivesSince), updated_at = \(after.updatedAt),
                    -- Re-enabled, it receives from now: fan-out need not look at older positions.
                    feed_position = CASE WHEN \(after.receivesSince != before.receivesSince)
                                    THEN (SELECT coalesce(max(sequence), 0) FROM events WHERE merchant_id = e.merchant_id)
                                    ELSE feed_position END
                WHERE merchant_id = \(merchant.rawValue) AND id = \(id)
                """, logger: logger)
            return after
        }
    }

    public func delete(_ id: UUID, merchant: MerchantID, logger: Logger) async throws {
        let rows = try await database.query("""
            DELETE FROM webhook_endpoints WHERE merchant_id = \(merchant.rawValue) AND id = \(id) RETURNING id
            """, logger: logger)
        if rows.isEmpty { throw Self.notFound(id) }
    }

    /// How long a replaced secret keeps signing, so receivers can switch without losing a message.
    public static let rotationOverlap: TimeInterval = 86_400

    /// Issues a new secret. The one signing until now signs for `rotationOverlap` more; one
    /// replaced by an earlier rotation stops at once, so that at most two ever sign.
    public func rotateSecret(_ id: UUID, merchant: MerchantID, logger: Logger) async throws -> (WebhookSecret, previousExpireAt: Date) {
        let secret = WebhookSecret.generate()
        return try await database.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT now() + \(Self.rotationOverlap) * interval '1 second' FROM webhook_endpoints
                WHERE merchant_id = \(merchant.rawValue) AND id = \(id) FOR NO KEY UPDATE
                """, logger: logger).collect()
            guard let expireAt = try rows.first?.decode(Date.self) else { throw Self.notFound(id) }
            try await connection.query("""
                WITH replaced AS (
                    DELETE FROM webhook_secrets WHERE merchant_id = \(merchant.rawValue) AND endpoint_id = \(id) AND expires_at IS NOT NULL
                )
                UPDATE webhook_secrets SET expires_at = \(expireAt)
                WHERE merchant_id = \(merchant.rawValue) AND endpoint_id = \(id) AND expires_at IS NULL
                """, logger: logger)
            try await connection.query("""
                INSERT INTO webhook_secrets (merchant_id, endpoint_id, secret) VALUES (\(merchant.rawValue), \(id), \(secret.text))
                """, logger: logger)
            return (secret, expireAt)
        }
    }

    static func notFound(_ id: UUID) -> DomainError {
        .notFound("No webhook endpoint with id \(id.apiText).")
    }
}
