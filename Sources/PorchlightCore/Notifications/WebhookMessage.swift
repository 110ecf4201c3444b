import Foundation

/// The body of a webhook (Standard Webhooks): `{"type", "timestamp", "data"}`, where `data` is the
/// event's data plus where it stands in the feed, so a receiver can order and deduplicate.
public enum WebhookMessage {
    /// Receivers (and the serverless platforms many run on) should never have to take more.
    public static let maxBodyBytes = 20_000

    /// The type of the message `POST .../test-events` sends.
    public static let testType = "webhook.test"

    /// The body for an event. An event whose data would make it too large (an order cancelled
    /// line by line across thousands of lines) keeps only the fields every event has, with
    /// `truncated: true`: the receiver reads the rest from the order.
    public static func body(
        eventID: UUID, type: String, occurredAt: Date, data: JSONValue, sequence: Int64?, documentVersion: Int64?
    ) throws -> String {
        var fields: [String: JSONValue] = ["event_id": .string(eventID.apiText)]
        if let sequence { fields["sequence"] = .integer(sequence) }
        if let documentVersion { fields["document_version"] = .integer(documentVersion) }
        func message(_ data: [String: JSONValue]) throws -> String {
            try JSONValue.object([
                "type": .string(type), "timestamp": .string(APITime.text(occurredAt)), "data": .object(data),
            ]).text()
        }
        guard case .object(let eventData) = data else { return try message(fields) }
        let full = try message(eventData.merging(fields) { _, added in added })
        guard full.utf8.count > maxBodyBytes else { return full }
        let kept = eventData.filter { ["order_id", "order_number", "status", "shipment_id"].contains($0.key) }
        return try message(kept.merging(fields) { _, added in added }.merging(["truncated": .bool(true)]) { _, added in added })
    }

    /// The body of a test message to an endpoint.
    public static func testBody(eventID: UUID, endpointID: UUID, now: Date) throws -> String {
        try body(eventID: eventID, type: testType, occurredAt: now, data: .object(["endpoint_id": .string(endpointID.apiText)]),
                 sequence: nil, documentVersion: nil)
    }
}

/// A signing secret: `whsec_` and the base64 of 24 random bytes (Standard Webhooks).
public struct WebhookSecret: Sendable, Equatable {
    public let text: String

    public static let prefix = "whsec_"

    public init?(text: String) {
        guard text.hasPrefix(Self.prefix), Data(base64Encoded: String(text.dropFirst(Self.prefix.count))) != nil else { return nil }
        self.text = text
    }

    public static func generate() -> WebhookSecret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return WebhookSecret(text: prefix + Data(bytes).base64EncodedString())!
    }

    /// The HMAC key: the decoded bytes after the prefix.
    public var key: Data { Data(base64Encoded: String(text.dropFirst(Self.prefix.count)))! }
}
