import NIOCore
import Testing

@testable import PorchlightSMTP

@Suite struct SMTPConfigurationTests {
    @Test func plainURLGetsDefaults() throws {
        let configuration = try SMTPConfiguration(url: "smtp://127.0.0.1:2525")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 2525)
        #expect(configuration.implicitTLS == false)
        #expect(configuration.startTLS == .opportunistic)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
        #expect(configuration.maxConnections == 4)
        #expect(configuration.commandTimeout == 30)
        #expect(configuration.caFile == nil)
    }

    @Test func credentialsArePercentDecodedAndOptionsRead() throws {
        let configuration = try SMTPConfiguration(
            url: "smtp://orders%40porchlight.example:p%3Ass%2Fw%20rd@mail.example.com:587"
                + "?starttls=required&ca_file=/tmp/my%20ca.pem&pool=2&timeout=2.5&helo=porchlight.example")
        #expect(configuration.username == "orders@porchlight.example")
        #expect(configuration.password == "p:ss/w rd")
        #expect(configuration.host == "mail.example.com")
        #expect(configuration.port == 587)
        #expect(configuration.startTLS == .required)
        #expect(configuration.caFile == "/tmp/my ca.pem")
        #expect(configuration.maxConnections == 2)
        #expect(configuration.commandTimeout == 2.5)
        #expect(configuration.heloName == "porchlight.example")
    }

    @Test func smtpsUsesImplicitTLSAndPort465() throws {
        let configuration = try SMTPConfiguration(url: "smtps://user:pass@mail.example.com")
        #expect(configuration.implicitTLS)
        #expect(configuration.port == 465)
        #expect(configuration.username == "user")
    }

    @Test func unencodedAtInPasswordStillParses() throws {
        let configuration = try SMTPConfiguration(url: "smtp://user:p@ss@mail.example.com:25")
        #expect(configuration.password == "p@ss")
        #expect(configuration.host == "mail.example.com")
    }

    @Test func ipv6HostInBrackets() throws {
        let configuration = try SMTPConfiguration(url: "smtp://[::1]:2525?starttls=never")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 2525)
        #expect(configuration.startTLS == .never)
    }

    @Test func descriptionHidesThePassword() throws {
        let configuration = try SMTPConfiguration(url: "smtp://user:hunter2@mail.example.com:587")
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("user:***@mail.example.com:587"))
    }

    /// Each malformed URL fails with an error naming the part that is wrong.
    @Test(arguments: [
        ("mail.example.com:25", "is not a URL"),
        ("http://mail.example.com", "unsupported scheme 'http'"),
        ("smtp://", "missing host"),
        ("smtp://:25", "missing host"),
        ("smtp://mail.example.com:99999", "port '99999'"),
        ("smtp://mail.example.com:abc", "port 'abc'"),
        ("smtp://mail.example.com:", "port ''"),
        ("smtp://user@mail.example.com", "without a password"),
        ("smtp://:pass@mail.example.com", "user name is empty"),
        ("smtp://user:%ZZ@mail.example.com", "password is empty or badly percent-encoded"),
        ("smtp://mail.example.com/inbox", "unexpected path '/inbox'"),
        ("smtp://mail.example.com#x", "unexpected fragment"),
        ("smtp://mail.example.com?starttls=maybe", "starttls='maybe'"),
        ("smtps://mail.example.com?starttls=never", "starttls does not apply to smtps"),
        ("smtp://mail.example.com?pool=0", "pool='0'"),
        ("smtp://mail.example.com?pool=many", "pool='many'"),
        ("smtp://mail.example.com?timeout=-1", "timeout='-1'"),
        ("smtp://mail.example.com?timeout", "option 'timeout' needs a value"),
        ("smtp://mail.example.com?helo=bad%0D%0AMAIL", "helo="),
        ("smtp://mail.example.com?colour=red", "unknown option 'colour'"),
        ("smtp://mail example.com", "host 'mail example.com'"),
        ("smtp://[::1:25", "lacks its closing ']'"),
    ])
    func malformedURLIsRejectedNamingTheProblem(url: String, expected: String) {
        do {
            _ = try SMTPConfiguration(url: url)
            Issue.record("\(url) was accepted")
        } catch let error as SMTPError {
            guard case .invalidConfiguration = error else {
                Issue.record("\(url): unexpected \(error)")
                return
            }
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(!error.isRetryable)
        } catch {
            Issue.record("\(url): unexpected \(error)")
        }
    }
}

@Suite struct SMTPReplyParsingTests {
    @Test func multiLineEHLOReplyGivesCapabilities() throws {
        var parser = SMTPReplyParser()
        // Arrives in two pieces, split inside a line.
        parser.append(ByteBuffer(string: "250-mail.example.com Hello\r\n250-PIPELINING\r\n250-SIZE 1000"))
        #expect(try parser.nextReply() == nil)
        parser.append(ByteBuffer(string: "0\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n"))
        let reply = try #require(try parser.nextReply())
        #expect(reply.code == 250)
        #expect(reply.lines.count == 7)
        #expect(!parser.hasUnparsedInput)

        let capabilities = SMTPCapabilities(ehloReply: reply)
        #expect(capabilities.pipelining)
        #expect(capabilities.startTLS)
        #expect(capabilities.eightBitMIME)
        #expect(capabilities.smtpUTF8)
        #expect(capabilities.maxMessageSize == 10000)
        #expect(capabilities.authMechanisms == ["PLAIN", "LOGIN"])
    }

    @Test func oldStyleAuthEqualsIsUnderstood() {
        let capabilities = SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["host", "AUTH=LOGIN CRAM-MD5"]))
        #expect(capabilities.authMechanisms == ["LOGIN", "CRAM-MD5"])
        #expect(!capabilities.pipelining)
    }

    @Test func twoRepliesInOneReadComeOutInOrder() throws {
        var parser = SMTPReplyParser()
        parser.append(ByteBuffer(string: "250 2.1.0 Ok\r\n550 5.1.1 <x@y.z>: unknown\r\n"))
        #expect(try parser.nextReply() == SMTPReply(code: 250, lines: ["2.1.0 Ok"]))
        #expect(try parser.nextReply() == SMTPReply(code: 550, lines: ["5.1.1 <x@y.z>: unknown"]))
        #expect(try parser.nextReply() == nil)
    }

    @Test(arguments: ["hello\r\n", "25\r\n", "250*x\r\n", "999 no\r\n", "250-a\r\n354 b\r\n"])
    func malformedReplyIsAProtocolViolation(input: String) {
        var parser = SMTPReplyParser()
        parser.append(ByteBuffer(string: input))
        #expect(throws: SMTPError.self) {
            while try parser.nextReply() != nil {}
        }
    }

    @Test func endlessLineIsAProtocolViolation() {
        var parser = SMTPReplyParser()
        parser.append(ByteBuffer(string: "250 " + String(repeating: "x", count: 5000)))
        #expect(throws: SMTPError.self) { try parser.nextReply() }
    }

    @Test func errorsSayWhetherToRetry() {
        let deferred = SMTPError.rejected(command: "end of DATA", code: 451, text: "4.3.0 Try again later")
        #expect(deferred.isRetryable)
        #expect(deferred.replyCode == 451)
        #expect(deferred.description == "SMTP end of DATA failed: 451 4.3.0 Try again later")
        let rejected = SMTPError.rejected(command: "RCPT TO", code: 550, text: "5.1.1 unknown")
        #expect(!rejected.isRetryable)
        #expect(rejected.replyCode == 550)
        #expect(SMTPError.connectionLost(command: "DATA").isRetryable)
        #expect(SMTPError.connectionLost(command: "DATA").replyCode == nil)
        #expect(!SMTPError.tlsFailed("bad certificate").isRetryable)
    }
}
