import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOPosix
import PorchlightCore
import PorchlightServer
import PostgresNIO
import Synchronization
import Testing

@Suite struct WebhookAddressTests {
    /// `127.1` plays a rebinding name: the service's resolver (the test's DNS server) answers
    /// 203.0.113.7 for it, the system's resolver 127.0.0.1 (inet_aton reads `127.1` so). An attempt
    /// that let the HTTP client look the name up again would reach the loopback listener. The next
    /// attempt's own lookup gets loopback from the DNS server too, and is refused.
    @Test func anAttemptConnectsToTheAddressItCheckedAndNotToWhatDNSAnswersNext() async throws {
        try await LoopbackListener.with { listener in
            // Public for the registration's lookup and the first attempt's, loopback from then on.
            try await RebindingDNSServer.with(first: [203, 0, 113, 7], times: 2, then: [127, 0, 0, 1]) { dns in
                var settings = testWebhookSettings
                settings.allowLoopback = false
                settings.resolver = try .dnsServer(host: "127.0.0.1", port: dns.port)
                // Its own database: no other test's dispatcher (which may send to loopback) takes the delivery.
                try await withOwnDatabase { url in
                    try await withServiceAndMerchant(url: url, webhooks: settings) { service, merchant in
                        let created = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey,
                                                             json: ["url": "https://127.1:\(listener.port)/hook"])
                        #expect(created.status == .created, "\(created.text)")
                        let endpoint = try #require(created["id"] as? String)
                        let test = try await service.call(.post, "/v1/webhook-endpoints/\(endpoint)/test-events", key: merchant.apiKey)
                        #expect(test.status == .accepted, "\(test.text)")

                        let attempts = try await eventually("two attempts") {
                            let page = try await service.call(.get, "/v1/webhook-endpoints/\(endpoint)/deliveries", key: merchant.apiKey)
                            let delivery = try #require((page["items"] as? [[String: Any]])?.first, "\(page.text)")
                            return try #require(delivery["attempts"] as? [[String: Any]], "\(page.text)")
                        } until: { $0.count >= 2 }
                        let errors = attempts.sorted { "\($0["attempted_at"] ?? "")" < "\($1["attempted_at"] ?? "")" }
                            .map { $0["error"] as? String ?? "" }
                        try #require(errors.count >= 2)
                        #expect(errors[0].hasSuffix("(address 203.0.113.7)"), "\(errors)")
                        #expect(errors[1].hasPrefix("refused: the URL must not point to a loopback address (127.0.0.1)"), "\(errors)")
                        #expect(listener.connections == 0)
                    }
                }
            }
        }
    }
}

@Suite struct WebhookEndpointReplyTests {
    @Test func aReplayedCreationAnswersTheEndpointWithoutItsSecret() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let idempotent: HTTPFields = [.init("Idempotency-Key")!: UUID().uuidString]
            let body = ["url": "https://203.0.113.9/hook"]
            let created = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey, json: body, headers: idempotent)
            #expect(created.status == .created, "\(created.text)")
            #expect((created["secret"] as? String)?.hasPrefix("whsec_") == true)
            let endpoint = try #require(created["id"] as? String)
            let rotated = try await service.call(.post, "/v1/webhook-endpoints/\(endpoint)/secret-rotations", key: merchant.apiKey)
            #expect(rotated.status == .created, "\(rotated.text)")

            let replayed = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey, json: body, headers: idempotent)
            #expect(replayed.status == .created, "\(replayed.text)")
            #expect(replayed.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(replayed["id"] as? String == endpoint)
            #expect(replayed["url"] as? String == "https://203.0.113.9/hook")
            #expect(replayed["secret"] == nil)
        }
    }

    @Test func aNonASCIIURLIsA422NamingURL() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let refused = try await service.call(.post, "/v1/webhook-endpoints", key: merchant.apiKey, json: ["url": "https://á¥.example/hook"])
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            #expect(try fieldErrors(refused)["url"]?.hasPrefix("must be an absolute URL") == true)
        }
    }
}

/// The service on the database at `url` with these webhook settings, and a merchant of it.
private func withServiceAndMerchant(url: String, webhooks: WebhookSettings, _ body: @Sendable (Service, TestMerchant) async throws -> Void) async throws {
    let app = try await buildApplication(
        configuration: AppConfiguration(databaseURL: url, host: "127.0.0.1", port: 0, webhooks: webhooks), logger: testLogger)
    try await serve(app, databaseURL: url) { service in try await body(service, try await service.newMerchant("Rebinding shop")) }
}

/// A TCP listener on loopback that counts the connections it is offered (a TLS handshake counts
/// as much as a request) and closes them.
struct LoopbackListener: Sendable {
    private final class Counter: Sendable {
        let value = Atomic(0)
    }

    private let counter = Counter()
    private(set) var port = 0

    var connections: Int { counter.value.load(ordering: .relaxed) }

    static func with<Result>(_ body: (LoopbackListener) async throws -> Result) async throws -> Result {
        var listener = LoopbackListener()
        let counter = listener.counter
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                counter.value.add(1, ordering: .relaxed)
                return child.close()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        listener.port = channel.localAddress?.port ?? 0
        do {
            let result = try await body(listener)
            try await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }
}

/// A DNS server on loopback that answers every A question with `first` for the first `times`
/// questions and with `then` afterwards (a name rebound once it has been checked), and every
/// AAAA question with no address.
struct RebindingDNSServer: Sendable {
    private(set) var port = 0

    static func with<Result>(first: [UInt8], times: Int, then: [UInt8], _ body: (RebindingDNSServer) async throws -> Result) async throws -> Result {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
            }
        }
        let server = RebindingDNSServer(port: channel.channel.localAddress?.port ?? 0)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    var asked = 0
                    for try await query in inbound {
                        guard let (reply, isA) = Self.reply(to: query.data, address: asked < times ? first : then) else { continue }
                        if isA { asked += 1 }
                        try await outbound.write(AddressedEnvelope(remoteAddress: query.remoteAddress, data: reply))
                    }
                }
            }
            defer { group.cancelAll() }
            return try await body(server)
        }
    }

    /// The answer to a one-question query: the question again, and `address` when it asks for A
    /// records; with whether it did.
    static func reply(to query: ByteBuffer, address: [UInt8]) -> (ByteBuffer, Bool)? {
        var reader = query
        guard reader.readableBytes > 12, let id = reader.readInteger(as: UInt16.self) else { return nil }
        reader.moveReaderIndex(forwardBy: 10)
        let questionStart = reader.readerIndex
        while let length = reader.readInteger(as: UInt8.self), length > 0 {
            guard reader.readableBytes >= Int(length) else { return nil }
            reader.moveReaderIndex(forwardBy: Int(length))
        }
        guard let type = reader.readInteger(as: UInt16.self), reader.readInteger(as: UInt16.self) != nil,
              let question = query.getSlice(at: questionStart, length: reader.readerIndex - questionStart)
        else { return nil }
        let isA = type == 1
        var reply = ByteBuffer()
        reply.writeMultipleIntegers(id, UInt16(0x8180), UInt16(1), UInt16(isA ? 1 : 0), UInt16(0), UInt16(0))
        reply.writeImmutableBuffer(question)
        if isA {
            // The name as a pointer to the question's, class IN, no caching.
            reply.writeMultipleIntegers(UInt16(0xC00C), UInt16(1), UInt16(1), UInt32(0), UInt16(address.count))
            reply.writeBytes(address)
        }
        return (reply, isA)
    }
}
