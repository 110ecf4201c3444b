import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import PorchlightSMTP

/// The client against a real SMTP server (aiosmtpd, scripts/lib/smtp_sink.py); what arrived is read back as
/// Python's email package parsed it.
@Suite struct SMTPClientSinkTests {
    static let logger = Logger(label: "porchlight.smtp.test")

    static func client(_ url: String) throws -> SMTPClient {
        SMTPClient(
            configuration: try SMTPConfiguration(url: url), eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger)
    }

    static func message(id: String, subject: String = "Your order") -> MailMessage {
        MailMessage(
            from: MailAddress(address: "orders@porchlight.example", name: "Porchlight"),
            to: MailAddress(address: "jan@example.com", name: "Jan"),
            subject: subject, textBody: "Hello\n", messageID: "<\(id)@porchlight.local>", date: Date(timeIntervalSince1970: 1_764_925_505))
    }

    /// Runs `body` and returns the SMTPError it throws (nil when it throws none).
    static func smtpError(_ body: () async throws -> String) async -> SMTPError? {
        do {
            _ = try await body()
            return nil
        } catch let error as SMTPError {
            return error
        } catch {
            Issue.record("not an SMTPError: \(error)")
            return nil
        }
    }

    @Test func messageArrivesIntactThroughAnIndependentParser() async throws {
        let sink = try await SMTPSink.start(modes: ["accept"])
        defer { sink.stop() }
        let client = try Self.client("smtp://127.0.0.1:\(sink.port("accept"))")

        let subject = "Zamówienie #1042 wysłane — 您的订单已发货 — zażółć gęślą jaźń, dziękujemy za zakupy w Porchlight"
        let longLine = String(repeating: "Długa linia ", count: 120)  // about 1,450 characters on one line
        let text = "Dzień dobry,\n.this line starts with a dot\n.\n..two dots\n\(longLine)\nPozdrawiamy\n"
        let html = "<p>Dzień dobry</p>\n.<b>dot first</b>\n<p>\(longLine)</p>\n"
        let unsubscribe = "<https://porchlight.example/unsubscribe/abc123>, <mailto:unsubscribe@porchlight.example?subject=abc123>"
        let message = MailMessage(
            from: MailAddress(address: "orders@porchlight.example", name: "Sklep Porchlight, Zażółć"),
            to: MailAddress(address: "jan@example.com", name: "Jan \"JK\" Kowalski"),
            subject: subject, textBody: text, htmlBody: html, messageID: "<order-1042@porchlight.local>",
            date: Date(timeIntervalSince1970: 1_764_925_505),
            extraHeaders: [
                ("List-Unsubscribe", unsubscribe), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                ("Auto-Submitted", "auto-generated"), ("Reply-To", "Obsługa Zażółć <help@porchlight.example>"),
            ])

        let reply = try await client.send(message)
        await client.shutdown()

        #expect(reply.hasPrefix("250 "))
        let received = try sink.receivedMessages()
        try #require(received.count == 1)
        let arrived = received[0]
        #expect(arrived.subject == subject)
        #expect(arrived.text == text)
        #expect(arrived.html == html)
        #expect(arrived.messageId == "<order-1042@porchlight.local>")
        #expect(arrived.headers["List-Unsubscribe"] == [unsubscribe])
        #expect(arrived.headers["List-Unsubscribe-Post"] == ["List-Unsubscribe=One-Click"])
        #expect(arrived.headers["Auto-Submitted"] == ["auto-generated"])
        #expect(arrived.headers["Date"] == ["Fri, 05 Dec 2025 09:05:05 +0000"])
        #expect(arrived.headers["Reply-To"] == ["Obsługa Zażółć <help@porchlight.example>"])
        #expect(arrived.fromName == "Sklep Porchlight, Zażółć")
        #expect(arrived.fromAddress == "orders@porchlight.example")
        #expect(arrived.toName == "Jan \"JK\" Kowalski")
        #expect(arrived.mailFrom == "orders@porchlight.example")
        #expect(arrived.rcptTos == ["jan@example.com"])
        // aiosmtpd offers SIZE, so the client declares it.
        #expect(arrived.mailOptions.contains { $0.hasPrefix("SIZE=") })

        let raw = try #require(try sink.rawMessages().first)
        let lines = String(decoding: raw, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.count > 20)
        #expect(lines.allSatisfy { $0.utf8.count <= 998 && !$0.contains("\n") && !$0.contains("\r") })
    }

    @Test func startTLSAndAuthPlainWithATrustedCertificate() async throws {
        let tls = try TestCertificate.paths()
        let sink = try await SMTPSink.start(
            modes: ["accept"],
            options: ["--tls-cert", tls.certificate, "--tls-key", tls.key, "--require-tls", "--auth", "porch@light:s:cret/x",
                      "--auth-mechanisms", "PLAIN"])
        defer { sink.stop() }
        // "localhost" is checked against the certificate's DNS name; the password is percent-encoded in the URL.
        let client = try Self.client(
            "smtp://porch%40light:s%3Acret%2Fx@localhost:\(sink.port("accept"))?starttls=required&ca_file=\(tls.certificate)")

        let reply = try await client.send(Self.message(id: "tls-1"))
        await client.shutdown()

        #expect(reply.hasPrefix("250 "))
        let received = try sink.receivedMessages()
        try #require(received.count == 1)
        #expect(received[0].tls)
        #expect(received[0].authLogin == "porch@light")
        #expect(received[0].messageId == "<tls-1@porchlight.local>")
    }

    @Test func implicitTLSAndAuthLoginToAnIPAddress() async throws {
        let tls = try TestCertificate.paths()
        let sink = try await SMTPSink.start(
            modes: ["accept"],
            options: ["--tls-cert", tls.certificate, "--tls-key", tls.key, "--implicit-tls", "--auth", "user:pass",
                      "--auth-mechanisms", "LOGIN"])
        defer { sink.stop() }
        // 127.0.0.1 is checked against the certificate's IP address entry.
        let client = try Self.client("smtps://user:pass@127.0.0.1:\(sink.port("accept"))?ca_file=\(tls.certificate)")

        let reply = try await client.send(Self.message(id: "smtps-1"))
        await client.shutdown()

        #expect(reply.hasPrefix("250 "))
        let received = try sink.receivedMessages()
        try #require(received.count == 1)
        #expect(received[0].tls)
        #expect(received[0].authLogin == "user")
    }

    @Test func untrustedCertificateFailsClearlyAndSendsNothing() async throws {
        let tls = try TestCertificate.paths()
        let sink = try await SMTPSink.start(
            modes: ["accept"],
            options: ["--tls-cert", tls.certificate, "--tls-key", tls.key, "--require-tls", "--auth", "user:pass"])
        defer { sink.stop() }
        // No ca_file: the self-signed certificate is not among the trusted roots.
        let client = try Self.client("smtp://user:pass@localhost:\(sink.port("accept"))?starttls=required")

        let error = await Self.smtpError { try await client.send(Self.message(id: "untrusted-1")) }
        await client.shutdown()

        let failure = try #require(error)
        guard case .tlsFailed = failure else {
            Issue.record("expected a TLS failure, got \(failure)")
            return
        }
        #expect(!failure.isRetryable)
        #expect(failure.description.uppercased().contains("CERTIFICATE"), "\(failure.description)")
        #expect(try sink.receivedMessages().isEmpty)
    }

    @Test func wrongPasswordIsAPermanentAuthFailure() async throws {
        let sink = try await SMTPSink.start(modes: ["accept"], options: ["--auth", "user:right"])
        defer { sink.stop() }
        // No TLS at all: credentials may go in plaintext only because the server is on this machine.
        let client = try Self.client("smtp://user:wrong@127.0.0.1:\(sink.port("accept"))?starttls=never")

        let error = await Self.smtpError { try await client.send(Self.message(id: "auth-1")) }
        await client.shutdown()

        let failure = try #require(error)
        #expect(failure.replyCode == 535)
        #expect(!failure.isRetryable)
        #expect(failure.description.contains("AUTH PLAIN"))
        #expect(!failure.description.contains("wrong"))
        #expect(try sink.receivedMessages().isEmpty)
    }

    @Test func tenConcurrentMessagesThroughAPoolOfTwoArriveOnceEach() async throws {
        let sink = try await SMTPSink.start(modes: ["accept"])
        defer { sink.stop() }
        let client = try Self.client("smtp://127.0.0.1:\(sink.port("accept"))?pool=2")
        let ids = (1...10).map { "pool-\($0)" }

        let replies = try await withThrowingTaskGroup(of: String.self) { group in
            for id in ids {
                group.addTask { try await client.send(Self.message(id: id, subject: "Message \(id)")) }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        await client.shutdown()

        #expect(replies.count == 10)
        #expect(replies.allSatisfy { $0.hasPrefix("250 ") })
        let received = try sink.receivedMessages()
        let countsByID = Dictionary(grouping: received.compactMap(\.messageId), by: { $0 }).mapValues(\.count)
        #expect(countsByID == Dictionary(uniqueKeysWithValues: ids.map { ("<\($0)@porchlight.local>", 1) }))
        // Two connections, each reused for several messages.
        #expect(Set(received.map(\.peer)).count == 2)
    }

    @Test func serverDroppingMidDataGivesARetryableErrorAndNoMessage() async throws {
        let sink = try await SMTPSink.start(modes: ["drop-mid-data"])
        defer { sink.stop() }
        let client = try Self.client("smtp://127.0.0.1:\(sink.port("drop-mid-data"))")
        var message = Self.message(id: "drop-1")
        message.textBody = String(repeating: "line of the message\n", count: 200)

        let error = await Self.smtpError { try await client.send(message) }
        await client.shutdown()

        let failure = try #require(error)
        #expect(failure == .connectionLost(command: "end of DATA"))
        #expect(failure.isRetryable)
        #expect(try sink.receivedMessages().isEmpty)
    }

    @Test func greeting421IsRetryable() async throws {
        let sink = try await SMTPSink.start(modes: ["greet-421"])
        defer { sink.stop() }
        let client = try Self.client("smtp://127.0.0.1:\(sink.port("greet-421"))")

        let error = await Self.smtpError { try await client.send(Self.message(id: "greet-1")) }
        await client.shutdown()

        let failure = try #require(error)
        #expect(failure.replyCode == 421)
        #expect(failure.isRetryable)
        #expect(failure.description == "SMTP greeting failed: 421 4.3.2 Service not available")
    }

    @Test func recipient550IsPermanent() async throws {
        let sink = try await SMTPSink.start(modes: ["reject-rcpt"])
        defer { sink.stop() }
        let client = try Self.client("smtp://127.0.0.1:\(sink.port("reject-rcpt"))")

        let error = await Self.smtpError { try await client.send(Self.message(id: "rcpt-1")) }
        await client.shutdown()

        let failure = try #require(error)
        #expect(failure.replyCode == 550)
        #expect(!failure.isRetryable)
        #expect(failure.description.hasPrefix("SMTP RCPT TO failed: 550 5.1.1 <jan@example.com>: Recipient address rejected"))
    }

    @Test func serverRefusingEHLOGetsHELOAndCommandsOneAtATime() async throws {
        let sink = try await SMTPSink.start(modes: ["helo-only"])
        defer { sink.stop() }
        let client = try Self.client("smtp://127.0.0.1:\(sink.port("helo-only"))")

        let reply = try await client.send(Self.message(id: "helo-1"))
        await client.shutdown()

        #expect(reply.hasPrefix("250 "))
        let received = try sink.receivedMessages()
        try #require(received.count == 1)
        #expect(received[0].messageId == "<helo-1@porchlight.local>")
        // Without EHLO there is no SIZE extension to use.
        #expect(received[0].mailOptions.isEmpty)
    }

    @Test func deferredMessageIsRetryableAndArrivesWhenSentAgain() async throws {
        let sink = try await SMTPSink.start(modes: ["defer-once"])
        defer { sink.stop() }
        let client = try Self.client("smtp://127.0.0.1:\(sink.port("defer-once"))")
        let message = Self.message(id: "defer-1")

        let error = await Self.smtpError { try await client.send(message) }
        let secondReply = try await client.send(message)
        await client.shutdown()

        let failure = try #require(error)
        #expect(failure == .rejected(command: "end of DATA", code: 451, text: "4.3.0 Try again later"))
        #expect(failure.isRetryable)
        #expect(secondReply.hasPrefix("250 "))
        #expect(try sink.receivedMessages().map(\.messageId) == ["<defer-1@porchlight.local>"])
    }

    @Test func deadReusedConnectionIsReplacedAndTheMessageSent() async throws {
        let sink = try await SMTPSink.start(modes: ["reset-421"])
        defer { sink.stop() }
        let client = try Self.client("smtp://127.0.0.1:\(sink.port("reset-421"))?pool=1")

        let first = try await client.send(Self.message(id: "reuse-1"))
        // The pooled connection answers RSET with 421 and closes; the client must try once more on a new one.
        let second = try await client.send(Self.message(id: "reuse-2"))
        await client.shutdown()

        #expect(first.hasPrefix("250 "))
        #expect(second.hasPrefix("250 "))
        let received = try sink.receivedMessages()
        #expect(received.map(\.messageId) == ["<reuse-1@porchlight.local>", "<reuse-2@porchlight.local>"])
        #expect(Set(received.map(\.peer)).count == 2)
    }

    @Test func silentServerTimesOut() async throws {
        let sink = try await SMTPSink.start(modes: ["silent"])
        defer { sink.stop() }
        let client = try Self.client("smtp://127.0.0.1:\(sink.port("silent"))?timeout=1")

        let started = ContinuousClock.now
        let error = await Self.smtpError { try await client.send(Self.message(id: "silent-1")) }
        let elapsed = ContinuousClock.now - started
        await client.shutdown()

        #expect(error == .timedOut(command: "greeting", seconds: 1))
        #expect(error?.isRetryable == true)
        #expect(elapsed < .seconds(10))
    }

    @Test func refusedConnectionIsRetryable() async throws {
        let port = try await closedLocalPort()
        let client = try Self.client("smtp://127.0.0.1:\(port)")

        let error = await Self.smtpError { try await client.send(Self.message(id: "refused-1")) }
        await client.shutdown()

        let failure = try #require(error)
        guard case .connectionFailed(let host, let failedPort, _) = failure else {
            Issue.record("expected connectionFailed, got \(failure)")
            return
        }
        #expect(host == "127.0.0.1")
        #expect(failedPort == port)
        #expect(failure.isRetryable)
    }

    @Test func sendAfterShutdownIsRefused() async throws {
        let sink = try await SMTPSink.start(modes: ["accept"])
        defer { sink.stop() }
        let client = try Self.client("smtp://127.0.0.1:\(sink.port("accept"))")
        _ = try await client.send(Self.message(id: "shutdown-1"))
        await client.shutdown()

        let error = await Self.smtpError { try await client.send(Self.message(id: "shutdown-2")) }
        #expect(error == .clientShutDown)
        #expect(try sink.receivedMessages().map(\.messageId) == ["<shutdown-1@porchlight.local>"])
    }
}
