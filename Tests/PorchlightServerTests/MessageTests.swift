import Foundation
import HTTPTypes
import HummingbirdTesting
import PorchlightCore
@testable import PorchlightServer
import Testing

/// scripts/lib/smtp_sink.py accepting mail on a port of its own choosing, for one test: what it
/// received is read back as parsed by Python's email package, an independent parser.
final class MailSink: Sendable {
    let directory: URL
    let port: Int
    private let process: Process

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mail-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let output = directory.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/lib/smtp_sink.py").path, "--dir", directory.appendingPathComponent("mail").path,
                             "--listen", "accept:0"]
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        var port: Int?
        while port == nil, Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            port = text.split(separator: "\n").first { $0.hasPrefix("smtp sink ready") }
                .flatMap { $0.split(separator: " ").last?.split(separator: ":").last.flatMap { Int($0) } }
            if port == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard let port else {
            process.terminate()
            throw CancellationError()
        }
        self.port = port
    }

    /// A message as Python's email package read it.
    struct Mail: Decodable, Sendable {
        var subject: String?
        var fromName: String?
        var fromAddress: String?
        var toAddress: String?
        var messageId: String?
        var headers: [String: [String]]
        var text: String?
        var html: String?
    }

    /// Every message received so far for `address` (compared lower-cased).
    func messages(to address: String) -> [Mail] {
        let folder = directory.appendingPathComponent("mail")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return files.compactMap { file in (try? Data(contentsOf: folder.appendingPathComponent(file))).flatMap { try? decoder.decode(Mail.self, from: $0) } }
            .filter { $0.toAddress?.lowercased() == address.lowercased() }
    }

    /// SIGTERM, and SIGKILL if it has not exited within five seconds: a test never hangs on it.
    func stop() {
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Runs `body` against a service that sends email to `sink`, with links to `https://track.test`.
private func withMailingService(_ sink: MailSink, _ body: @Sendable (Service) async throws -> Void) async throws {
    let app = try await buildApplication(
        configuration: AppConfiguration(databaseURL: databaseURL, host: "127.0.0.1", port: 0, databasePoolSize: 8, webhooks: testWebhookSettings,
                                        messages: .init(smtpURL: "smtp://127.0.0.1:\(sink.port)", publicURL: "https://track.test",
                                                        pollInterval: .milliseconds(100), retryDelays: [.milliseconds(200)])),
        logger: testLogger)
    try await serve(app, databaseURL: databaseURL, body)
}

extension Service {
    /// Switches every kind on for both channels, at any hour and without waiting to coalesce.
    func switchMessagesOn(_ merchant: TestMerchant, _ extra: [String: Any] = [:]) async throws {
        let reply = try await call(.put, "/v1/message-settings", key: merchant.apiKey, json: [
            "kinds": MessageKind.allCases.map(\.rawValue), "channels": ["email", "webhook"], "from_address": "orders@casaverde.test",
            "quiet_hours": ["start": "00:00", "end": "00:00"], "coalesce_minutes": 0,
        ].merging(extra) { $1 })
        try #require(reply.status == .ok, "\(reply.text)")
    }

    func notifications(_ merchant: TestMerchant, order: String) async throws -> [[String: Any]] {
        try await call(.get, "/v1/notifications?order_id=\(order)", key: merchant.apiKey).json["items"] as? [[String: Any]] ?? []
    }
}

/// The path of the first address in `text` that starts with `origin`, up to a space, a newline or `>`.
private func path(after origin: String, in text: String) -> String? {
    guard let start = text.range(of: origin) else { return nil }
    return String(text[start.upperBound...].prefix { !$0.isWhitespace && $0 != ">" })
}

@Suite struct MessageTests {
    @Test func anOrderConfirmationIsEmailedInTheCustomersLanguageAndUnsubscribesInOneClick() async throws {
        let sink = try MailSink()
        defer { sink.stop() }
        try await withMailingService(sink) { service in
            let merchant = try await service.newMerchant()
            let slug = try await service.brandPage(merchant)
            try await service.switchMessagesOn(merchant)
            let email = "ana-\(UUID().uuidString.prefix(8).lowercased())@example.com"
            let number = "M-\(UUID().uuidString.prefix(6))"
            var order = sampleOrder(number: number, email: email)
            order["placed_at"] = isoTime(Date())  // recent news: an order placed weeks ago is not confirmed by email
            let orderID = try await service.createOrder(merchant, order)

            let received = try await eventually("the confirmation at the SMTP server", { sink.messages(to: email) }, until: { !$0.isEmpty })
            let mail = try #require(received.first)
            #expect(received.count == 1)
            #expect(mail.subject == MessageText.subjectOrderConfirmed.text(.ro, ["number": "#\(number)"]))
            #expect(mail.fromAddress == "orders@casaverde.test" && mail.fromName == "Casa Verde")
            let headers = mail.headers
            #expect(headers["List-Unsubscribe-Post"] == ["List-Unsubscribe=One-Click"])
            let text = try #require(mail.text)
            #expect(text.contains(MessageText.greetingNamed.text(.ro, ["name": "Ana"])), "\(text)")
            #expect(mail.html?.contains("Casa Verde") == true)

            // The notification says what went out, with the Message-ID the server received.
            let listed = try await eventually("the notification recorded as sent", { try await service.notifications(merchant, order: orderID) },
                                              until: { $0.contains { $0["kind"] as? String == "order_confirmed" && $0["channel"] as? String == "email"
                                                                         && $0["status"] as? String == "sent" } })
            let sent = try #require(listed.first { $0["channel"] as? String == "email" })
            #expect(sent["message_id"] as? String == mail.messageId && sent["recipient"] as? String == email)

            // The link opens the customer's page, and carries nothing personal.
            let link = try #require(path(after: "https://track.test", in: text))
            #expect(link.hasPrefix("/pages/\(slug)/links/pct_") && !link.contains(email))
            #expect(try await service.call(.get, link).status == .ok)

            // The webhook channel got the same message as an event with its text.
            let events = try await service.feedEvents(merchant, typePrefix: "notification.", order: orderID, atLeast: 1)
            let data = try #require(events.first?["data"] as? [String: Any])
            // (Any test's service may send a webhook message: each has its own PUBLIC_URL, so only the path is compared.)
            #expect(data["subject"] as? String == mail.subject && (data["short_text"] as? String)?.contains("/pages/\(slug)/links/pct_") == true,
                    "\(data)")

            // One-click unsubscribe (RFC 8058), as a mail client posts it, without signing in.
            let unsubscribe = try #require(path(after: "<https://track.test", in: headers["List-Unsubscribe"]?.first ?? ""))
            #expect(unsubscribe.hasPrefix("/unsubscribe/"))
            let asked = try await service.call(.get, unsubscribe + "?lang=de")
            #expect(asked.status == .ok && asked.text.contains(MessageText.unsubscribeButton.text(.de)), "\(asked.text)")
            let boundary = "porchlight-test"
            let multipart = "--\(boundary)\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--\(boundary)--\r\n"
            let done = try await service.call(.post, unsubscribe, raw: multipart, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"])
            #expect(done.status == .ok, "\(done.status) \(done.text.prefix(600))")
            #expect(done.text.contains(MessageText.unsubscribedNotice.text(.ro, ["shop": "Casa Verde", "topic": MessageKind.orderConfirmed.topic(.ro)]).replacingOccurrences(of: "'", with: "&#39;")), "\(done.text)")
            #expect(try await service.call(.get, "/unsubscribe/not-a-token").status == .notFound)

            // The next order to that address gets no confirmation by email: held back, and said why.
            var repeated = sampleOrder(email: email.uppercased())
            repeated["placed_at"] = isoTime(Date())
            let second = try await service.createOrder(merchant, repeated)
            let held = try await eventually("the second confirmation held back", { try await service.notifications(merchant, order: second) },
                                            until: { $0.contains { $0["channel"] as? String == "email" } })
            let heldEmail = try #require(held.first { $0["channel"] as? String == "email" })
            #expect(heldEmail["status"] as? String == "suppressed" && heldEmail["reason"] as? String == "opted_out")
            #expect(sink.messages(to: email).count == 1)
        }
    }

    @Test func scansWithinTheCoalescingWindowGiveOneMessageOfTheLatestState() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            _ = try await service.brandPage(merchant)
            try await service.switchMessagesOn(merchant, ["channels": ["webhook"], "coalesce_minutes": 30])
            let shipped = try await service.shippedOrder(merchant, scanned: "in_transit", at: Date().addingTimeInterval(1))
            for (status, seconds) in [("out_for_delivery", 2.0), ("delivered", 3.0)] {
                let reply = try await service.scans(merchant, shipment: shipped.shipment, [scan(status, isoTime(Date().addingTimeInterval(seconds)))])
                #expect(reply.status == .ok, "\(reply.text)")
            }
            let items = try await eventually("the tracking update planned as delivered", { try await service.notifications(merchant, order: shipped.id) },
                                             until: { $0.contains { $0["kind"] as? String == "delivered" } })
            let tracking = items.filter { ["shipped", "out_for_delivery", "delivered"].contains($0["kind"] as? String ?? "") }
            #expect(tracking.count == 1, "\(items)")
            #expect(tracking.first?["status"] as? String == "scheduled")
            let sendAfter = try #require((tracking.first?["send_after"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
            #expect(sendAfter > Date().addingTimeInterval(25 * 60) && sendAfter < Date().addingTimeInterval(35 * 60))
        }
    }

    @Test func switchingMessagesOnLaterNeverMessagesAboutThePast() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            _ = try await service.brandPage(merchant)
            try await service.switchMessagesOn(merchant, ["kinds": [], "channels": ["webhook"]])
            var before = sampleOrder()
            before["placed_at"] = isoTime(Date())
            let earlier = try await service.createOrder(merchant, before)
            try await service.switchMessagesOn(merchant, ["kinds": ["order_confirmed"], "channels": ["webhook"]])
            var after = sampleOrder()
            after["placed_at"] = isoTime(Date())
            let later = try await service.createOrder(merchant, after)
            let planned = try await eventually("the later order's confirmation", { try await service.notifications(merchant, order: later) },
                                               until: { !$0.isEmpty })
            #expect(planned.first?["kind"] as? String == "order_confirmed")
            #expect(try await service.notifications(merchant, order: earlier).isEmpty)
            // Another merchant sees none of them.
            let other = try await service.newMerchant()
            #expect(try await service.notifications(other, order: later).isEmpty)
        }
    }

    @Test func templatesAreCheckedPreviewedAndUsed() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            _ = try await service.brandPage(merchant)
            let unknown = try await service.call(.put, "/v1/message-templates/shipped/en", key: merchant.apiKey,
                                                 json: ["subject": "{{first_name}}, it shipped", "text": "{{> partial}}"])
            #expect(unknown.status == .unprocessableContent && Set(unknown.errorFields) == ["subject", "text"], "\(unknown.text)")
            #expect(unknown.text.contains("first_name"))
            let nested = try await service.call(.post, "/v1/message-previews", key: merchant.apiKey, json: [
                "kind": "shipped", "language": "en",
                "template": ["subject": "x", "text": "y", "html": String(repeating: "{{#items}}", count: 12) + String(repeating: "{{/items}}", count: 12)]])
            #expect(nested.status == .unprocessableContent && nested.errorFields.contains("template.html"), "\(nested.text)")
            let long = try await service.call(.put, "/v1/message-templates/shipped/en", key: merchant.apiKey,
                                              json: ["subject": String(repeating: "a", count: 301), "text": "y"])
            #expect(long.status == .unprocessableContent && long.errorFields == ["subject"], "\(long.text)")
            let stored = try await service.call(.put, "/v1/message-templates/shipped/en", key: merchant.apiKey,
                                                json: ["subject": "{{shop_name}}: {{order_number}} left", "text": "{{intro}} {{#items}}{{name}};{{/items}}"])
            #expect(stored.status == .ok, "\(stored.text)")
            let preview = try await service.call(.post, "/v1/message-previews", key: merchant.apiKey, json: ["kind": "shipped", "language": "en"])
            #expect(preview["subject"] as? String == "Casa Verde: #1001 left", "\(preview.text)")
            #expect(preview["text"] as? String == MessageText.introShipped.text(.en, ["shop": "Casa Verde"]) + " Linen shirt;Ceramic mug;")
            let builtIn = try await service.call(.post, "/v1/message-previews", key: merchant.apiKey, json: ["kind": "delivery_failed", "language": "de"])
            #expect((builtIn["subject"] as? String)?.contains("#1001") == true && (builtIn["html"] as? String)?.contains("<a href=") == true)
            let listed = try await service.call(.get, "/v1/message-templates", key: merchant.apiKey)
            #expect((listed["items"] as? [[String: Any]])?.count == 1)
            #expect(try await service.call(.delete, "/v1/message-templates/shipped/en", key: merchant.apiKey).status == .noContent)
            #expect((try await service.call(.get, "/v1/message-templates", key: merchant.apiKey)["items"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test func settingsSayWhatIsMissing() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let noPage = try await service.call(.put, "/v1/message-settings", key: merchant.apiKey, json: ["kinds": ["shipped"], "channels": ["email"]])
            // The tests' services have no SMTP_URL: email cannot be switched on, and the merchant has no page yet.
            #expect(noPage.status == .unprocessableContent && Set(noPage.errorFields) == ["kinds", "channels", "from_address"], "\(noPage.text)")
            let standard = try await service.call(.get, "/v1/message-settings", key: merchant.apiKey)
            #expect(standard["kinds"] as? [String] == [] && (standard["quiet_hours"] as? [String: String]) == ["start": "21:00", "end": "08:00"])
            let badHours = try await service.call(.put, "/v1/message-settings", key: merchant.apiKey,
                                                  json: ["kinds": [], "channels": ["webhook"], "quiet_hours": ["start": "25:00", "end": "08:00"]])
            #expect(badHours.status == .badRequest || badHours.status == .unprocessableContent, "\(badHours.text)")
            let optOut = try await service.call(.post, "/v1/message-opt-outs", key: merchant.apiKey, json: ["email": "not-an-address", "reason": "complaint"])
            #expect(optOut.status == .unprocessableContent && optOut.errorFields == ["email"])
        }
    }
}
