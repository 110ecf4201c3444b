import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

// MARK: Replies

/// One server reply: "250-first\r\n250 last" is code 250 with lines ["first", "last"].
struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]

    var text: String { lines.joined(separator: " ") }
    /// "250 2.0.0 Ok: queued as X"
    var summary: String { "\(code) \(text)" }
}

/// Cuts the bytes a server sends into replies, joining the "250-..." continuation lines.
struct SMTPReplyParser {
    /// RFC 5321 allows 512; more is tolerated, but not without bound.
    static let maxLineLength = 4096
    static let maxLinesPerReply = 200

    private var buffer: [UInt8] = []
    private var lines: [String] = []
    private var code: Int?

    /// True when bytes of a reply that is not complete yet are held.
    var hasUnparsedInput: Bool { !buffer.isEmpty || !lines.isEmpty }

    mutating func append(_ bytes: ByteBuffer) {
        buffer += bytes.readableBytesView
    }

    mutating func nextReply() throws(SMTPError) -> SMTPReply? {
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard line.count >= 3, line.prefix(3).allSatisfy({ (48...57).contains($0) }),
                line.count == 3 || line[3] == UInt8(ascii: " ") || line[3] == UInt8(ascii: "-")
            else {
                throw .protocolViolation("malformed reply line '\(String(decoding: line.prefix(80), as: UTF8.self))'")
            }
            let lineCode = line.prefix(3).reduce(0) { $0 * 10 + Int($1 - 48) }
            guard (200...599).contains(lineCode), code == nil || code == lineCode else {
                throw .protocolViolation("unexpected reply code \(lineCode)")
            }
            code = lineCode
            lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
            if line.count == 3 || line[3] == UInt8(ascii: " ") {
                let reply = SMTPReply(code: lineCode, lines: lines)
                code = nil
                lines = []
                return reply
            }
            guard lines.count < Self.maxLinesPerReply else {
                throw .protocolViolation("reply longer than \(Self.maxLinesPerReply) lines")
            }
        }
        guard buffer.count <= Self.maxLineLength else {
            throw .protocolViolation("reply line longer than \(Self.maxLineLength) bytes")
        }
        return nil
    }
}

/// What EHLO said the server supports.
struct SMTPCapabilities: Sendable, Equatable {
    var startTLS = false
    var pipelining = false
    var eightBitMIME = false
    var smtpUTF8 = false
    var authMechanisms: Set<String> = []
    /// From SIZE: nil when not advertised, 0 when advertised without a limit.
    var maxMessageSize: Int?

    /// No extensions (the server only knows HELO).
    init() {}

    init(ehloReply: SMTPReply) {
        // The first line is the server's name; each further line is "KEYWORD [params]".
        for line in ehloReply.lines.dropFirst() {
            let words = line.split(separator: " ").map { $0.uppercased() }
            guard let keyword = words.first else { continue }
            switch keyword {
            case "STARTTLS": startTLS = true
            case "PIPELINING": pipelining = true
            case "8BITMIME": eightBitMIME = true
            case "SMTPUTF8": smtpUTF8 = true
            case "SIZE": maxMessageSize = words.count > 1 ? Int(words[1]) ?? 0 : 0
            case "AUTH": authMechanisms.formUnion(words.dropFirst())
            // Old servers write "AUTH=LOGIN PLAIN".
            case _ where keyword.hasPrefix("AUTH="): authMechanisms.formUnion([String(keyword.dropFirst(5))] + words.dropFirst())
            default: break
            }
        }
    }
}

// MARK: Channel handler

/// Why a connection broke, when that was more than the peer closing it: TLS, a timeout, a bad reply. Shared by
/// the handler and the writer, because a write made after the pipeline is torn down never reaches the handler
/// (a failed TLS handshake can close the channel before the EHLO that follows STARTTLS is written).
final class SMTPFailureRecord: Sendable {
    private let failure = Mutex<SMTPError?>(nil)

    var recorded: SMTPError? { failure.withLock { $0 } }

    func record(_ error: SMTPError) {
        failure.withLock { if $0 == nil { $0 = error } }
    }
}

/// Bytes to send and the replies to wait for: one per entry of `commands` (three when MAIL, RCPT and DATA
/// are pipelined). The names are for errors.
struct SMTPRequest: Sendable {
    var payload: ByteBuffer
    var commands: [String]
    var timeout: TimeAmount
    var promise: EventLoopPromise<SMTPExchange>
}

/// The replies that came for a request and, when fewer came than were asked for, why.
/// Keeping the early replies tells which pipelined command failed (a 421 to MAIL, not "connection lost").
struct SMTPExchange: Sendable {
    var replies: [SMTPReply]
    var failure: SMTPError?

    func reply(_ index: Int, command: String, accepting codes: ClosedRange<Int>) throws(SMTPError) -> SMTPReply {
        guard index < replies.count else { throw failure ?? .connectionLost(command: command) }
        let reply = replies[index]
        guard codes.contains(reply.code) else {
            throw .rejected(command: command, code: reply.code, text: reply.text)
        }
        return reply
    }
}

/// Matches replies to requests in order, times each wait out, and turns a closed or broken connection into
/// an answer for every waiting request. The promises always succeed; failures travel inside `SMTPExchange`.
final class SMTPChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = SMTPRequest
    typealias OutboundOut = ByteBuffer

    private struct Waiting {
        var commands: [String]
        var timeout: TimeAmount
        var promise: EventLoopPromise<SMTPExchange>
        var replies: [SMTPReply] = []

        var awaitedCommand: String { replies.count < commands.count ? commands[replies.count] : "command" }
    }

    private var parser = SMTPReplyParser()
    private var waiting: CircularBuffer<Waiting>
    private var timeoutTask: Scheduled<Void>?
    private var isClosed = false
    private let failureRecord: SMTPFailureRecord
    private let logger: Logger

    /// The greeting is the first reply, asked for by nobody, so it waits from the start.
    init(greeting: EventLoopPromise<SMTPExchange>, timeout: TimeAmount, failureRecord: SMTPFailureRecord, logger: Logger) {
        waiting = [Waiting(commands: ["greeting"], timeout: timeout, promise: greeting)]
        self.failureRecord = failureRecord
        self.logger = logger
    }

    var hasUnparsedInput: Bool { parser.hasUnparsedInput }

    func channelActive(context: ChannelHandlerContext) {
        restartTimer(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parser.append(unwrapInboundIn(data))
        do {
            while let reply = try parser.nextReply() {
                received(reply, context: context)
            }
        } catch {
            close(context: context, because: error)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard !isClosed else {
            let command = request.commands.first ?? "command"
            request.promise.succeed(SMTPExchange(replies: [], failure: failureRecord.recorded ?? .connectionLost(command: command)))
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        waiting.append(Waiting(commands: request.commands, timeout: request.timeout, promise: request.promise))
        if waiting.count == 1 { restartTimer(context: context) }
        context.write(wrapOutboundOut(request.payload), promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        close(context: context, because: Self.classify(error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        answerAllWaiting()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // No promise may be left behind, however the channel ended.
        isClosed = true
        answerAllWaiting()
    }

    private func received(_ reply: SMTPReply, context: ChannelHandlerContext) {
        guard !waiting.isEmpty else {
            // Nobody asked: typically "421 closing" from a server ending an idle connection.
            logger.debug("SMTP server spoke unasked; closing", metadata: ["smtp.reply": "\(reply.summary)"])
            close(context: context, because: nil)
            return
        }
        waiting[waiting.startIndex].replies.append(reply)
        if let head = waiting.first, head.replies.count == head.commands.count {
            waiting.removeFirst()
            head.promise.succeed(SMTPExchange(replies: head.replies, failure: nil))
        }
        // The timeout is per reply, so each reply restarts the clock.
        restartTimer(context: context)
    }

    private func restartTimer(context: ChannelHandlerContext) {
        timeoutTask?.cancel()
        timeoutTask = nil
        guard let head = waiting.first else { return }
        timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: head.timeout) {
            let seconds = Double(head.timeout.nanoseconds) / 1e9
            self.close(context: context, because: .timedOut(command: head.awaitedCommand, seconds: seconds))
        }
    }

    private func close(context: ChannelHandlerContext, because reason: SMTPError?) {
        if let reason { failureRecord.record(reason) }
        guard !isClosed else { return }
        isClosed = true
        answerAllWaiting()
        context.close(promise: nil)
    }

    private func answerAllWaiting() {
        timeoutTask?.cancel()
        timeoutTask = nil
        while let entry = waiting.popFirst() {
            let failure = failureRecord.recorded ?? .connectionLost(command: entry.awaitedCommand)
            entry.promise.succeed(SMTPExchange(replies: entry.replies, failure: failure))
        }
    }

    /// TLS errors say what went wrong with the certificate or handshake; a reset or an unclean close is
    /// just a lost connection (nil), which the waiting request names itself.
    private static func classify(_ error: any Error) -> SMTPError? {
        if let sslError = error as? NIOSSLError, case .uncleanShutdown = sslError { return nil }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return .tlsFailed(String(describing: error))
        }
        return nil
    }
}

// MARK: Connection

/// A message as it goes on the wire.
struct SMTPEnvelope: Sendable {
    var sender: String
    var recipient: String
    /// Dot-stuffed, CRLF, ending with CRLF.CRLF.
    var data: [UInt8]

    /// A non-ASCII address needs the SMTPUTF8 extension.
    var needsSMTPUTF8: Bool { !(sender + recipient).unicodeScalars.allSatisfy(\.isASCII) }
}

/// A failed delivery, and whether the server had accepted MAIL FROM before it failed: until then a dead
/// reused connection can be replaced and the message tried again without any risk of sending it twice.
struct DeliveryFailure: Error {
    var error: SMTPError
    var senderAccepted: Bool
}

/// Writes requests to the channel and waits for the exchange.
struct SMTPChannelIO: Sendable {
    let channel: any Channel
    let timeout: TimeAmount
    let failureRecord: SMTPFailureRecord

    func exchange(_ payload: ByteBuffer, commands: [String], timeout: TimeAmount? = nil) async -> SMTPExchange {
        let promise = channel.eventLoop.makePromise(of: SMTPExchange.self)
        let command = commands.first ?? "command"
        let request = SMTPRequest(payload: payload, commands: commands, timeout: timeout ?? self.timeout, promise: promise)
        // Fails when the pipeline is already gone and the handler never sees the request. A second answer
        // to a promise is ignored, so this cannot clash with the handler's.
        channel.writeAndFlush(request).whenFailure { [failureRecord] _ in
            promise.succeed(SMTPExchange(replies: [], failure: failureRecord.recorded ?? .connectionLost(command: command)))
        }
        return (try? await promise.futureResult.get()) ?? SMTPExchange(replies: [], failure: .connectionLost(command: command))
    }

    func exchange(lines: [String], commands: [String], timeout: TimeAmount? = nil) async -> SMTPExchange {
        await exchange(ByteBuffer(string: lines.map { $0 + "\r\n" }.joined()), commands: commands, timeout: timeout)
    }

    /// Sends one command line and returns its reply when the code is one of `codes`.
    func send(_ line: String, command: String, accepting codes: ClosedRange<Int>) async throws(SMTPError) -> SMTPReply {
        try await exchange(lines: [line], commands: [command]).reply(0, command: command, accepting: codes)
    }
}

/// One connected, greeted, (maybe) TLS-protected and authenticated SMTP session. The pool hands it to one
/// sender at a time; all its mutable state lives in the channel handler, on the event loop.
final class SMTPConnection: Sendable {
    let capabilities: SMTPCapabilities
    private let io: SMTPChannelIO
    private let logger: Logger

    var isUsable: Bool { io.channel.isActive }

    private init(io: SMTPChannelIO, capabilities: SMTPCapabilities, logger: Logger) {
        self.io = io
        self.capabilities = capabilities
        self.logger = logger
    }

    /// Connects, reads the greeting, says EHLO, starts TLS as configured and authenticates.
    static func open(
        configuration: SMTPConfiguration, tlsContext: NIOSSLContext?, eventLoopGroup: any EventLoopGroup, logger: Logger
    ) async throws(SMTPError) -> SMTPConnection {
        let host = configuration.host
        let port = configuration.port
        let timeout = TimeAmount.nanoseconds(Int64(configuration.commandTimeout * 1_000_000_000))
        let eventLoop = eventLoopGroup.next()
        let greeting = eventLoop.makePromise(of: SMTPExchange.self)
        let failureRecord = SMTPFailureRecord()
        let implicitTLSContext = configuration.implicitTLS ? tlsContext : nil
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLSContext {
                        let tls = try NIOSSLClientHandler(context: implicitTLSContext, serverHostname: serverName(host))
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        SMTPChannelHandler(greeting: greeting, timeout: timeout, failureRecord: failureRecord, logger: logger))
                }
            }

        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            greeting.succeed(SMTPExchange(replies: [], failure: .connectionLost(command: "greeting")))
            throw .connectionFailed(host: host, port: port, reason: describeConnectError(error))
        }

        let io = SMTPChannelIO(channel: channel, timeout: timeout, failureRecord: failureRecord)
        do throws(SMTPError) {
            let greetingExchange = (try? await greeting.futureResult.get()) ?? SMTPExchange(replies: [], failure: nil)
            _ = try greetingExchange.reply(0, command: "greeting", accepting: 220...220)
            var capabilities = try await hello(io: io, name: configuration.heloName)
            var tlsActive = configuration.implicitTLS

            if !configuration.implicitTLS, configuration.startTLS != .never {
                if capabilities.startTLS, let tlsContext {
                    try await startTLS(io: io, context: tlsContext, host: host)
                    tlsActive = true
                    // What was said before TLS is not to be trusted: ask again.
                    capabilities = try await hello(io: io, name: configuration.heloName)
                } else if configuration.startTLS == .required {
                    throw .tlsFailed("\(host) does not offer STARTTLS, and the URL says starttls=required")
                }
            }

            if let username = configuration.username, let password = configuration.password {
                guard tlsActive || isLoopback(channel.remoteAddress) else { throw .credentialsWithoutTLS(host: host) }
                try await authenticate(io: io, username: username, password: password, capabilities: capabilities)
            }
            logger.debug("SMTP connection ready", metadata: ["smtp.host": "\(host):\(port)", "smtp.tls": "\(tlsActive)"])
            return SMTPConnection(io: io, capabilities: capabilities, logger: logger)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Sends one message: RSET first on a reused connection, then MAIL FROM, RCPT TO and DATA (together when
    /// the server offers PIPELINING), then the message. Returns the server's final reply.
    func deliver(_ envelope: SMTPEnvelope, resetFirst: Bool) async throws(DeliveryFailure) -> String {
        var senderAccepted = false
        do throws(SMTPError) {
            if resetFirst {
                _ = try await io.send("RSET", command: "RSET", accepting: 200...299)
            }
            if envelope.needsSMTPUTF8 && !capabilities.smtpUTF8 {
                throw .unsupportedByServer("an address is not ASCII and the server does not offer SMTPUTF8")
            }
            var mailFrom = "MAIL FROM:<\(envelope.sender)>"
            if let limit = capabilities.maxMessageSize {
                guard limit == 0 || envelope.data.count <= limit else {
                    throw .unsupportedByServer("the message has \(envelope.data.count) bytes; the server takes at most \(limit)")
                }
                mailFrom += " SIZE=\(envelope.data.count)"
            }
            if envelope.needsSMTPUTF8 { mailFrom += " SMTPUTF8" }
            let rcptTo = "RCPT TO:<\(envelope.recipient)>"

            if capabilities.pipelining {
                let exchange = await io.exchange(
                    lines: [mailFrom, rcptTo, "DATA"], commands: ["MAIL FROM", "RCPT TO", "DATA"])
                _ = try exchange.reply(0, command: "MAIL FROM", accepting: 200...299)
                senderAccepted = true
                _ = try exchange.reply(1, command: "RCPT TO", accepting: 200...299)
                _ = try exchange.reply(2, command: "DATA", accepting: 354...354)
            } else {
                _ = try await io.send(mailFrom, command: "MAIL FROM", accepting: 200...299)
                senderAccepted = true
                _ = try await io.send(rcptTo, command: "RCPT TO", accepting: 200...299)
                _ = try await io.send("DATA", command: "DATA", accepting: 354...354)
            }
            let final = await io.exchange(ByteBuffer(bytes: envelope.data), commands: ["end of DATA"])
            return try final.reply(0, command: "end of DATA", accepting: 200...299).summary
        } catch {
            throw DeliveryFailure(error: error, senderAccepted: senderAccepted)
        }
    }

    /// Says QUIT (briefly: the answer hardly matters) and closes.
    func quit() async {
        if io.channel.isActive {
            _ = await io.exchange(lines: ["QUIT"], commands: ["QUIT"], timeout: min(io.timeout, .seconds(5)))
        }
        close()
    }

    func close() {
        io.channel.close(promise: nil)
    }

    // MARK: Steps of opening

    /// EHLO, or HELO when the server refuses EHLO (then no extensions).
    private static func hello(io: SMTPChannelIO, name: String) async throws(SMTPError) -> SMTPCapabilities {
        let ehlo = await io.exchange(lines: ["EHLO \(name)"], commands: ["EHLO"])
        if let reply = ehlo.replies.first, [500, 501, 502, 504, 550].contains(reply.code) {
            _ = try await io.send("HELO \(name)", command: "HELO", accepting: 200...299)
            return SMTPCapabilities()
        }
        return SMTPCapabilities(ehloReply: try ehlo.reply(0, command: "EHLO", accepting: 200...299))
    }

    private static func startTLS(io: SMTPChannelIO, context: NIOSSLContext, host: String) async throws(SMTPError) {
        _ = try await io.send("STARTTLS", command: "STARTTLS", accepting: 220...220)
        let channel = io.channel
        do {
            try await channel.eventLoop.submit {
                let smtp = try channel.pipeline.syncOperations.handler(type: SMTPChannelHandler.self)
                // Bytes that came after the 220 were sent in plaintext; taking them as TLS replies would let
                // a man in the middle inject replies (the "STARTTLS command injection" flaw).
                guard !smtp.hasUnparsedInput else {
                    throw SMTPError.protocolViolation("the server sent more after its STARTTLS reply")
                }
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverName(host))
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
            }.get()
        } catch let error as SMTPError {
            throw error
        } catch {
            throw .tlsFailed("cannot start TLS with \(host): \(error)")
        }
    }

    private static func authenticate(
        io: SMTPChannelIO, username: String, password: String, capabilities: SMTPCapabilities
    ) async throws(SMTPError) {
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        if capabilities.authMechanisms.contains("PLAIN") {
            // The line holds the password: its name in errors is only the mechanism.
            _ = try await io.send("AUTH PLAIN \(base64("\0\(username)\0\(password)"))", command: "AUTH PLAIN", accepting: 200...299)
        } else if capabilities.authMechanisms.contains("LOGIN") {
            _ = try await io.send("AUTH LOGIN", command: "AUTH LOGIN", accepting: 334...334)
            _ = try await io.send(base64(username), command: "AUTH LOGIN (user name)", accepting: 334...334)
            _ = try await io.send(base64(password), command: "AUTH LOGIN (password)", accepting: 200...299)
        } else if capabilities.authMechanisms.isEmpty {
            throw .unsupportedByServer("the URL has credentials but the server offers no AUTH")
        } else {
            let offered = capabilities.authMechanisms.sorted().joined(separator: " ")
            throw .unsupportedByServer("the server offers AUTH \(offered); this client speaks PLAIN and LOGIN")
        }
    }
}

/// SNI takes host names only; for an IP address NIOSSL checks the certificate against the peer's address.
private func serverName(_ host: String) -> String? {
    let isIPAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
    return isIPAddress ? nil : host
}

private func isLoopback(_ address: SocketAddress?) -> Bool {
    guard let ip = address?.ipAddress else { return false }
    return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
}

private func describeConnectError(_ error: any Error) -> String {
    if let failure = error as? NIOConnectionError {
        if let last = failure.connectionErrors.last { return "\(last.error)" }
        return "cannot resolve \(failure.host)"
    }
    if let channelError = error as? ChannelError, case .connectTimeout(let amount) = channelError {
        return "no connection within \(Double(amount.nanoseconds) / 1e9) s"
    }
    return "\(error)"
}
