import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// The webhook outbox: events fanned out to endpoints as deliveries, claimed by dispatchers in
/// any number of replicas (`FOR UPDATE SKIP LOCKED`), attempted outside any transaction, and
/// their outcome recorded. A claim leases the delivery by moving `next_attempt_at` past the
/// longest attempt, so a dispatcher that dies mid-attempt only delays it: after the lease
/// another one tries again (at least once, never lost).
public struct WebhookDeliveries: Sendable {
    let database: Database
    let feed: EventFeed

    public init(database: Database) {
        self.database = database
        self.feed = EventFeed(database: database)
    }

    // MARK: Fan-out

    /// At most this many events are fanned out per merchant and pass.
    static let fanOutBatch = 1_000

    /// Queues a delivery for every new event of every merchant with enabled endpoints, to each
    /// endpoint that selects its type; returns how many were queued.
    @discardableResult
    public func fanOut(logger: Logger) async throws -> Int {
        // Merchants with events not yet numbered, or numbered past an endpoint's position. (Citus
        // refuses a subquery in HAVING that refers to the group.)
        let merchants = try await database.query("""
            SELECT e.merchant_id FROM (
                SELECT merchant_id, min(feed_position) AS feed_position FROM webhook_endpoints
                WHERE disabled_reason IS NULL GROUP BY merchant_id
            ) e
            WHERE \(unescaped: EventFeed.hasNewEvents(merchant: "e.merchant_id", after: "e.feed_position"))
            """, logger: logger).decode(UUID.self).map(MerchantID.init)
        var queued = 0
        try await database.eachMerchant(merchants, failing: "webhook fan-out", logger: logger) { merchant in
            try await feed.assignSequences(merchant: merchant, logger: logger)
            queued += try await fanOut(merchant: merchant, logger: logger)
        }
        return queued
    }

    func fanOut(merchant: MerchantID, logger: Logger) async throws -> Int {
        try await database.withTransaction(logger: logger) { connection in
            // Endpoints another dispatcher is fanning out to are skipped: it advances them.
            let endpoints = try await connection.query("""
                SELECT id, event_types, feed_position, receives_since FROM webhook_endpoints
                WHERE merchant_id = \(merchant.rawValue) AND disabled_reason IS NULL
                ORDER BY id FOR NO KEY UPDATE SKIP LOCKED
                """, logger: logger).collect().map { row in
                    let (id, selectors, position, since) = try row.decode((UUID, [String], Int64, Date).self)
                    return (id: id, subscription: WebhookSubscription(selection: try WebhookEndpointStore.selection(selectors), since: since),
                            position: position)
                }
            guard let from = endpoints.map(\.position).min() else { return 0 }
            let events = try await connection.query("""
                SELECT \(unescaped: EventFeed.columns) FROM events
                WHERE merchant_id = \(merchant.rawValue) AND sequence > \(from)
                ORDER BY sequence LIMIT \(Self.fanOutBatch)
                """, logger: logger).collect().map(EventFeed.event(from:))
            guard let last = events.last?.sequence else { return 0 }

            var deliveries = NewDeliveries()
            for event in events {
                let body = try event.webhookBody()
                for endpoint in endpoints where event.sequence > endpoint.position && endpoint.subscription.includes(event.type, at: event.occurredAt) {
                    deliveries.append(endpoint: endpoint.id, event: event, body: body)
                }
            }
            try await deliveries.insert(merchant: merchant, resend: false, on: connection, logger: logger)
            try await connection.query("""
                UPDATE webhook_endpoints SET feed_position = greatest(feed_position, \(last))
                WHERE merchant_id = \(merchant.rawValue) AND id = ANY(\(endpoints.map(\.id)))
                """, logger: logger)
            return deliveries.count
        }
    }

    // MARK: Claim, attempt, record

    /// One merchant's endpoint: what the dispatcher counts its attempts in flight by.
    public struct Endpoint: Hashable, Sendable {
        public var merchantID, id: UUID

        public init(merchantID: UUID, id: UUID) { (self.merchantID, self.id) = (merchantID, id) }
    }

    /// A delivery a dispatcher has leased, with what it needs to send it.
    public struct Claimed: Sendable {
        public var merchantID: UUID
        public var endpointID: UUID
        public var eventID: UUID
        public var url: String
        public var body: String
        /// The number of this attempt (1 for the first of its schedule).
        public var attempt: Int
        /// Only the holder of this lease records the outcome.
        public var lease: UUID
        public var secrets: [WebhookSecret]
        public var endpointFailingSince: Date?
        public var endpointEnabled: Bool

        public var endpoint: Endpoint { Endpoint(merchantID: merchantID, id: endpointID) }
    }

    /// Leases due deliveries: for each endpoint at most `perEndpoint` less those of its attempts
    /// already in flight here (`inFlight`), `total` in all, for `lease` (longer than an attempt).
    /// The claim goes merchant by merchant, the slots shared as `SlotShares` says (fewest attempts
    /// in flight first, then the longest waiting), so that one merchant's burst cannot starve
    /// another's deliveries; within a merchant, to its endpoints with the fewest in flight.
    public func claim(perEndpoint: Int, total: Int, inFlight: [Endpoint: Int], lease: Duration, logger: Logger) async throws -> [Claimed] {
        guard total > 0 else { return [] }
        // Each endpoint's oldest due delivery is one step down its index.
        let due = try await database.query("""
            SELECT merchant_id, min(oldest_due) FROM (
                SELECT e.merchant_id, (SELECT min(d.next_attempt_at) FROM webhook_deliveries d
                                       WHERE d.merchant_id = e.merchant_id AND d.endpoint_id = e.id AND d.status = 'pending'
                                         -- A test message goes to a disabled endpoint too, so it can be checked first.
                                         AND (e.disabled_reason IS NULL OR d.event_type = \(WebhookMessage.testType))) AS oldest_due
                FROM webhook_endpoints e
            ) endpoints
            WHERE oldest_due <= now()
            GROUP BY merchant_id
            """, logger: logger).decode((UUID, Date).self)
        var attemptsInFlight: [UUID: Int] = [:]
        for (endpoint, attempts) in inFlight { attemptsInFlight[endpoint.merchantID, default: 0] += attempts }
        let candidates = due.map { merchant, oldestDue in
            SlotShares.Candidate(merchant: MerchantID(merchant), inFlight: attemptsInFlight[merchant, default: 0], oldestDue: oldestDue)
        }
        let token = UUID.random()
        return try await database.claimByMerchant(total, among: candidates, logger: logger) { merchant, limit in
            try await claim(merchant: merchant, perEndpoint: perEndpoint, limit: limit,
                            inFlight: inFlight.filter { $0.key.merchantID == merchant.rawValue }, lease: lease, token: token, logger: logger)
        }
    }

    /// Leases up to `limit` of one merchant's due deliveries, slots going first to its endpoints
    /// with the fewest attempts in flight, then to the oldest delivery.
    func claim(merchant: MerchantID, perEndpoint: Int, limit: Int, inFlight: [Endpoint: Int], lease: Duration, token: UUID,
               logger: Logger) async throws -> [Claimed] {
        let rows = try await database.query("""
            WITH busy AS (
                SELECT * FROM unnest(\(inFlight.keys.map(\.id)), \(Array(inFlight.values))) AS b (endpoint_id, attempts)
            ), locked AS (
                SELECT d.endpoint_id, d.event_id, d.next_attempt_at FROM webhook_endpoints e
                CROSS JOIN LATERAL (
                    SELECT endpoint_id, event_id, next_attempt_at FROM webhook_deliveries
                    WHERE merchant_id = \(merchant.rawValue) AND endpoint_id = e.id AND status = 'pending' AND next_attempt_at <= now()
                      -- A test message goes to a disabled endpoint too, so it can be checked first.
                      AND (e.disabled_reason IS NULL OR event_type = \(WebhookMessage.testType))
                    ORDER BY next_attempt_at
                    LIMIT \(perEndpoint)
                    FOR UPDATE SKIP LOCKED
                ) d
                WHERE e.merchant_id = \(merchant.rawValue)
            ), by_endpoint AS (
                -- What each delivery would make its endpoint's attempts in flight.
                SELECT l.*, coalesce(b.attempts, 0) + row_number() OVER (PARTITION BY l.endpoint_id ORDER BY l.next_attempt_at) AS endpoint_load
                FROM locked l LEFT JOIN busy b ON b.endpoint_id = l.endpoint_id
            ), claimed AS (
                SELECT endpoint_id, event_id FROM by_endpoint
                WHERE endpoint_load <= \(perEndpoint)
                ORDER BY endpoint_load, next_attempt_at
                LIMIT \(limit)
            ), secrets AS (
                SELECT endpoint_id, array_agg(secret ORDER BY created_at DESC) AS secrets FROM webhook_secrets
                WHERE merchant_id = \(merchant.rawValue) AND (expires_at IS NULL OR expires_at > now())
                GROUP BY endpoint_id
            )
            UPDATE webhook_deliveries d
            SET next_attempt_at = now() + \(lease.seconds) * interval '1 second', attempt_count = d.attempt_count + 1, lease = \(token)
            FROM claimed JOIN webhook_endpoints e ON e.merchant_id = \(merchant.rawValue) AND e.id = claimed.endpoint_id
                LEFT JOIN secrets s ON s.endpoint_id = claimed.endpoint_id
            WHERE d.merchant_id = \(merchant.rawValue) AND d.endpoint_id = claimed.endpoint_id AND d.event_id = claimed.event_id
            RETURNING d.endpoint_id, d.event_id, e.url, d.body, d.attempt_count, e.failing_since, e.disabled_reason IS NULL, s.secrets
            """, logger: logger)
        return try rows.map { row in
            let (endpointID, eventID, url, body, attempt, failingSince, enabled, secrets) =
                try row.decode((UUID, UUID, String, String, Int, Date?, Bool, [String]?).self)
            return Claimed(merchantID: merchant.rawValue, endpointID: endpointID, eventID: eventID, url: url, body: body, attempt: attempt,
                           lease: token,
                           secrets: try (secrets ?? []).map { text in
                               guard let secret = WebhookSecret(text: text) else {
                                   throw StoredValue.Unknown(column: "webhook_secrets.secret", value: "(not a whsec_ secret)")
                               }
                               return secret
                           },
                           endpointFailingSince: failingSince, endpointEnabled: enabled)
        }
    }

    /// One attempt as it happened.
    public struct Attempt: Sendable {
        public var at: Date
        public var result: WebhookAttemptResult
        public var latency: Duration
        /// The start of the response body.
        public var responseBody: String?

        public init(at: Date, result: WebhookAttemptResult, latency: Duration, responseBody: String?) {
            (self.at, self.result, self.latency, self.responseBody) = (at, result, latency, responseBody)
        }

        var endedAt: Date { at.addingTimeInterval(latency.seconds) }
    }

    /// An attempt, the delivery it was for, and what the retry policy decided.
    public struct Outcome: Sendable {
        public var attempt: Attempt
        public var delivery: Claimed
        public var decision: WebhookRetryPolicy.Decision

        public init(attempt: Attempt, delivery: Claimed, decision: WebhookRetryPolicy.Decision) {
            (self.attempt, self.delivery, self.decision) = (attempt, delivery, decision)
        }
    }

    /// Records attempts in one statement: each attempt, and for each delivery whose lease its
    /// dispatcher still holds (it was not retried elsewhere after the lease ran out, nor queued
    /// again) its new state and its endpoint's health. Outcomes are in the order they happened;
    /// an endpoint's last change to `failing_since`, and its first reason to disable, win.
    public func record(_ outcomes: [Outcome], logger: Logger) async throws {
        guard !outcomes.isEmpty else { return }
        var health: [Endpoint: (changesFailingSince: Bool, failingSince: Date?, disable: WebhookDisabledReason?, disabledAt: Date?)] = [:]
        for outcome in outcomes {
            let key = outcome.delivery.endpoint
            var endpoint = health[key] ?? (false, nil, nil, nil)
            if let change = outcome.decision.failingSince { endpoint.changesFailingSince = true; endpoint.failingSince = change }
            if endpoint.disable == nil, let reason = outcome.decision.disable { (endpoint.disable, endpoint.disabledAt) = (reason, outcome.attempt.endedAt) }
            health[key] = endpoint
        }
        health = health.filter { $0.value.changesFailingSince || $0.value.disable != nil }
        let answers = outcomes.map { outcome -> (status: Int?, error: String?) in
            switch outcome.attempt.result {
            case .answered(let status, _): (status, nil)
            case .noAnswer(let reason): (nil, reason)
            }
        }
        try await database.query("""
            WITH outcome AS (
                SELECT * FROM unnest(
                    \(outcomes.map(\.delivery.merchantID)), \(outcomes.map(\.delivery.endpointID)), \(outcomes.map(\.delivery.eventID)),
                    \(outcomes.map(\.delivery.lease)),
                    \(outcomes.map(\.attempt.at)), \(outcomes.map(\.attempt.endedAt)), \(NullableArray(answers.map(\.status)))::int8[],
                    \(outcomes.map { Int(($0.attempt.latency.seconds * 1000).rounded()) }),
                    \(NullableArray(outcomes.map(\.attempt.responseBody)))::text[], \(NullableArray(answers.map(\.error)))::text[],
                    \(outcomes.map(\.decision.status.rawValue)), \(NullableArray(outcomes.map(\.decision.nextAttemptAt)))::timestamptz[]
                ) AS o (merchant_id, endpoint_id, event_id, lease, attempted_at, ended_at, status_code, latency_ms, response_body, error, status,
                        next_attempt_at)
            ), attempts AS (
                -- Only for deliveries that still exist (a deleted endpoint takes its deliveries with it).
                INSERT INTO webhook_attempts (merchant_id, endpoint_id, event_id, attempted_at, status_code, latency_ms, response_body, error)
                SELECT o.merchant_id, o.endpoint_id, o.event_id, o.attempted_at, o.status_code, o.latency_ms, o.response_body, o.error
                FROM outcome o JOIN webhook_deliveries d
                    ON d.merchant_id = o.merchant_id AND d.endpoint_id = o.endpoint_id AND d.event_id = o.event_id
            ), delivery AS (
                UPDATE webhook_deliveries d SET status = o.status, next_attempt_at = o.next_attempt_at, lease = NULL,
                    completed_at = CASE WHEN o.status <> 'pending' THEN o.ended_at END
                FROM outcome o
                WHERE d.merchant_id = o.merchant_id AND d.endpoint_id = o.endpoint_id AND d.event_id = o.event_id AND d.lease = o.lease
                RETURNING d.merchant_id, d.endpoint_id
            )
            UPDATE webhook_endpoints e SET
                failing_since = CASE WHEN h.changes_failing_since THEN h.failing_since ELSE e.failing_since END,
                disabled_reason = coalesce(e.disabled_reason, h.disable),
                disabled_at = CASE WHEN e.disabled_reason IS NULL AND h.disable IS NOT NULL THEN h.disabled_at ELSE e.disabled_at END
            FROM unnest(\(health.keys.map(\.merchantID)), \(health.keys.map(\.id)), \(health.values.map(\.changesFailingSince)),
                        \(NullableArray(health.values.map(\.failingSince)))::timestamptz[],
                        \(NullableArray(health.values.map { $0.disable?.rawValue }))::text[],
                        \(NullableArray(health.values.map(\.disabledAt)))::timestamptz[])
                AS h (merchant_id, endpoint_id, changes_failing_since, failing_since, disable, disabled_at)
            WHERE e.merchant_id = h.merchant_id AND e.id = h.endpoint_id
              AND (h.merchant_id, h.endpoint_id) IN (SELECT merchant_id, endpoint_id FROM delivery)
            """, logger: logger)
    }

    /// Deliveries, with their attempts, are kept this long after they end.
    public static let retentionDays = 30

    /// Deletes up to `limit` deliveries that ended more than `retentionDays` ago; returns how many.
    public func purgeEnded(limit: Int = 10_000, logger: Logger) async throws -> Int {
        try await database.query("""
            DELETE FROM webhook_deliveries d USING (
                SELECT merchant_id, endpoint_id, event_id FROM webhook_deliveries
                WHERE status <> 'pending' AND completed_at < now() - \(Self.retentionDays) * interval '1 day' LIMIT \(limit)) ended
            WHERE d.merchant_id = ended.merchant_id AND d.endpoint_id = ended.endpoint_id AND d.event_id = ended.event_id
              -- Again on the row as it is now: a redelivery may have queued it again meanwhile.
              AND d.status <> 'pending' AND d.completed_at < now() - \(Self.retentionDays) * interval '1 day'
            RETURNING 1
            """, logger: logger).count
    }

    // MARK: Operations

    /// Queues one event again for an endpoint with a fresh schedule.
    public func redeliver(eventID: UUID, endpointID: UUID, merchant: MerchantID, logger: Logger) async throws -> WebhookDeliveryRecord {
        try await database.withTransaction(logger: logger) { connection in
            _ = try await Self.lockEndpoint(endpointID, merchant: merchant, on: connection, logger: logger)
            let events = try await connection.query("""
                SELECT \(unescaped: EventFeed.columns) FROM events
                WHERE merchant_id = \(merchant.rawValue) AND id = \(eventID) AND sequence IS NOT NULL
                """, logger: logger).collect().map(EventFeed.event(from:))
            guard let event = events.first else {
                throw DomainError.validation([FieldError(
                    field: "event_id", message: "must be the id of an event in the feed (events appear there a moment after their change commits)")])
            }
            var deliveries = NewDeliveries()
            deliveries.append(endpoint: endpointID, event: event, body: try event.webhookBody())
            try await deliveries.insert(merchant: merchant, resend: true, on: connection, logger: logger)
            return try await Self.delivery(endpointID, eventID, merchant: merchant, on: connection, logger: logger)
        }
    }

    /// At most this many events per replay.
    public static let maxReplay = 10_000

    /// Queues the events after `after` and before `before` that the endpoint selects.
    public func replay(after: Int64, before: Int64?, endpointID: UUID, merchant: MerchantID, logger: Logger) async throws -> (queued: Int, last: Int64?) {
        try await feed.assignSequences(merchant: merchant, logger: logger)
        return try await database.withTransaction(logger: logger) { connection in
            let endpoint = try await Self.lockEndpoint(endpointID, merchant: merchant, on: connection, logger: logger)
            let events = try await connection.query("""
                SELECT \(unescaped: EventFeed.columns) FROM events
                WHERE merchant_id = \(merchant.rawValue) AND sequence > \(after) AND (\(before)::bigint IS NULL OR sequence < \(before))
                ORDER BY sequence LIMIT \(Self.maxReplay)
                """, logger: logger).collect().map(EventFeed.event(from:))
            var deliveries = NewDeliveries()
            for event in events where endpoint.selection.includes(event.type) {
                deliveries.append(endpoint: endpointID, event: event, body: try event.webhookBody())
            }
            try await deliveries.insert(merchant: merchant, resend: true, on: connection, logger: logger)
            return (deliveries.count, deliveries.lastSequence)
        }
    }

    /// Queues a `webhook.test` message to the endpoint.
    public func sendTest(endpointID: UUID, merchant: MerchantID, logger: Logger) async throws -> WebhookDeliveryRecord {
        try await database.withTransaction(logger: logger) { connection in
            _ = try await Self.lockEndpoint(endpointID, merchant: merchant, on: connection, logger: logger)
            let (eventID, now) = (UUID.random(), database.clock.now.asStored)
            var deliveries = NewDeliveries()
            deliveries.append(endpoint: endpointID, eventID: eventID, type: WebhookMessage.testType, sequence: nil, occurredAt: now,
                              body: try WebhookMessage.testBody(eventID: eventID, endpointID: endpointID, now: now))
            try await deliveries.insert(merchant: merchant, resend: true, on: connection, logger: logger)
            return try await Self.delivery(endpointID, eventID, merchant: merchant, on: connection, logger: logger)
        }
    }

    /// The endpoint's deliveries, newest first, each with its latest attempts.
    public func list(endpointID: UUID, status: WebhookDeliveryStatus?, limit: Int, cursor: String?, merchant: MerchantID,
                     logger: Logger) async throws -> (items: [WebhookDeliveryRecord], nextCursor: String?) {
        let after = try cursor.map { try PageCursor(token: $0) }
        return try await database.withConnection { connection in
            _ = try await WebhookEndpointStore.endpoint(endpointID, merchant: merchant, on: connection, logger: logger)
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.deliveryColumns) FROM webhook_deliveries d
                WHERE d.merchant_id = \(merchant.rawValue) AND d.endpoint_id = \(endpointID)
                  AND (\(status?.rawValue)::text IS NULL OR d.status = \(status?.rawValue))
                  AND (\(after?.micros)::int8 IS NULL
                       OR (d.created_at, d.event_id) < ('epoch'::timestamptz + \(after?.micros) * interval '1 microsecond', \(after?.id)))
                ORDER BY d.created_at DESC, d.event_id DESC
                LIMIT \(limit + 1)
                """, logger: logger).collect()
            let items = try rows.prefix(limit).map(Self.delivery(from:))
            let next = rows.count > limit ? items.last.map { PageCursor(time: $0.createdAt, id: $0.eventID).token } : nil
            return (items, next)
        }
    }

    /// How every merchant's endpoints are doing, for the metrics.
    public struct Health: Sendable {
        /// Per enabled endpoint, the age of its oldest pending delivery in seconds (0: none).
        public var lag: [(endpointID: UUID, seconds: Double)]
        /// Disabled endpoints, by reason.
        public var disabled: [WebhookDisabledReason: Int]
    }

    public func health(logger: Logger) async throws -> Health {
        let rows = try await database.query("""
            SELECT e.id, e.disabled_reason,
                   coalesce((SELECT extract(epoch FROM now() - min(d.occurred_at))::float8 FROM webhook_deliveries d
                             WHERE d.merchant_id = e.merchant_id AND d.endpoint_id = e.id AND d.status = 'pending'), 0)
            FROM webhook_endpoints e
            """, logger: logger).decode((UUID, String?, Double).self)
        var health = Health(lag: [], disabled: [:])
        for (id, reason, lag) in rows {
            if let reason {
                health.disabled[try StoredValue.decode(WebhookDisabledReason.self, reason, "webhook_endpoints.disabled_reason"), default: 0] += 1
            } else {
                health.lag.append((id, lag))
            }
        }
        return health
    }

    // MARK: Shared

    /// The endpoint, locked so that it is not deleted or changed while deliveries are queued to it.
    static func lockEndpoint(_ id: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws -> WebhookEndpoint {
        try await WebhookEndpointStore.endpoint(id, merchant: merchant, lock: true, on: connection, logger: logger)
    }

    static let deliveryColumns = """
        d.event_id, d.event_type, d.sequence, d.status, d.attempt_count, d.next_attempt_at, d.created_at, d.completed_at,
        (SELECT coalesce(json_agg(json_build_object('at_us', (extract(epoch FROM a.attempted_at) * 1e6)::bigint, 'status_code', a.status_code, 'latency_ms', a.latency_ms,
                 'response_body', a.response_body, 'error', a.error) ORDER BY a.attempted_at DESC), '[]')::text
         FROM (SELECT * FROM webhook_attempts a
               WHERE a.merchant_id = d.merchant_id AND a.endpoint_id = d.endpoint_id AND a.event_id = d.event_id
               ORDER BY a.attempted_at DESC LIMIT \(WebhookDeliveryRecord.attemptsShown)) a)
        """

    static func delivery(_ endpointID: UUID, _ eventID: UUID, merchant: MerchantID, on connection: PostgresConnection,
                         logger: Logger) async throws -> WebhookDeliveryRecord {
        let rows = try await connection.query("""
            SELECT \(unescaped: deliveryColumns) FROM webhook_deliveries d
            WHERE d.merchant_id = \(merchant.rawValue) AND d.endpoint_id = \(endpointID) AND d.event_id = \(eventID)
            """, logger: logger).collect()
        return try delivery(from: rows[0])
    }

    static func delivery(from row: PostgresRow) throws -> WebhookDeliveryRecord {
        let (eventID, type, sequence, status, attemptCount, nextAttemptAt, createdAt, completedAt, attempts) =
            try row.decode((UUID, String, Int64?, String, Int, Date?, Date, Date?, String).self)
        return WebhookDeliveryRecord(
            eventID: eventID, eventType: type, sequence: sequence,
            status: try StoredValue.decode(WebhookDeliveryStatus.self, status, "webhook_deliveries.status"),
            attemptCount: attemptCount, nextAttemptAt: nextAttemptAt, createdAt: createdAt, completedAt: completedAt,
            attempts: try JSONDecoder().decode([WebhookDeliveryRecord.AttemptRecord].self, from: Data(attempts.utf8)))
    }
}

/// A delivery as the operations API shows it.
public struct WebhookDeliveryRecord: Sendable {
    public var eventID: UUID
    public var eventType: String
    public var sequence: Int64?
    public var status: WebhookDeliveryStatus
    public var attemptCount: Int
    public var nextAttemptAt: Date?
    public var createdAt: Date
    public var completedAt: Date?
    public var attempts: [AttemptRecord]

    public struct AttemptRecord: Sendable, Decodable {
        public var at: Date
        public var statusCode: Int?
        public var latencyMs: Int
        public var responseBody: String?
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case atMicroseconds = "at_us", statusCode = "status_code", latencyMs = "latency_ms", responseBody = "response_body", error
        }

        /// Reads an attempt as `json_agg` wrote it, the time in microseconds since 1970.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            at = Date(timeIntervalSince1970: Double(try container.decode(Int64.self, forKey: .atMicroseconds)) / 1e6)
            statusCode = try container.decodeIfPresent(Int.self, forKey: .statusCode)
            latencyMs = try container.decode(Int.self, forKey: .latencyMs)
            responseBody = try container.decodeIfPresent(String.self, forKey: .responseBody)
            error = try container.decodeIfPresent(String.self, forKey: .error)
        }
    }

    /// The latest attempts shown with a delivery.
    static let attemptsShown = 20
}

/// Deliveries to queue, written with one statement.
struct NewDeliveries {
    private var endpoints: [UUID] = []
    private var events: [UUID] = []
    private var types: [String] = []
    private var sequences: [Int64?] = []
    private var occurredAt: [Date] = []
    private var bodies: [String] = []

    var count: Int { endpoints.count }
    var lastSequence: Int64? { sequences.compactMap { $0 }.max() }

    mutating func append(endpoint: UUID, eventID: UUID, type: String, sequence: Int64?, occurredAt at: Date, body: String) {
        endpoints.append(endpoint)
        events.append(eventID)
        types.append(type)
        sequences.append(sequence)
        occurredAt.append(at)
        bodies.append(body)
    }

    mutating func append(endpoint: UUID, event: FeedEvent, body: String) {
        append(endpoint: endpoint, eventID: event.id, type: event.type.rawValue, sequence: event.sequence, occurredAt: event.occurredAt, body: body)
    }

    /// With `resend` (redelivery, replay), a delivery of the same event to the same endpoint that
    /// exists starts again with a fresh schedule; without (fan-out), it is left as it is: a replay
    /// may have queued events that fan-out reaches later.
    func insert(merchant: MerchantID, resend: Bool, on connection: PostgresConnection, logger: Logger) async throws {
        guard !endpoints.isEmpty else { return }
        // Every parameter's type is spelled out, and the conflict clause has none: Citus sends an
        // INSERT ... SELECT on to a worker as text, its conflict clause without parameters.
        try await connection.query("""
            INSERT INTO webhook_deliveries (merchant_id, endpoint_id, event_id, event_type, sequence, occurred_at, body, status, next_attempt_at)
            SELECT \(merchant.rawValue)::uuid, x.* , 'pending', now()
            FROM unnest(\(endpoints)::uuid[], \(events)::uuid[], \(types)::text[], \(NullableArray(sequences))::bigint[],
                        \(occurredAt)::timestamptz[], \(bodies)::text[]) AS x
            ON CONFLICT (merchant_id, endpoint_id, event_id) DO UPDATE
                SET status = 'pending', next_attempt_at = excluded.next_attempt_at, attempt_count = 0, completed_at = NULL, lease = NULL, body = excluded.body
                WHERE \(unescaped: resend ? "true" : "false")
            """, logger: logger)
    }
}

extension FeedEvent {
    func webhookBody() throws -> String {
        try WebhookMessage.body(eventID: id, type: type.rawValue, occurredAt: occurredAt, data: try JSONValue(parsing: data),
                                sequence: sequence, documentVersion: documentVersion)
    }
}
