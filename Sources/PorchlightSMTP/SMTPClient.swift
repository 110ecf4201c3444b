import Logging
import NIOCore
import NIOSSL

/// Sends mail through one SMTP server, keeping up to `pool` connections open between messages.
public final class SMTPClient: Sendable {
    private let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    /// Built once (it reads the trust roots); nil when TLS is never used. A failure is reported on each send.
    private let tlsContext: Result<NIOSSLContext, SMTPError>?
    private let pool: SMTPConnectionPool

    public init(configuration: SMTPConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.pool = SMTPConnectionPool(maxConnections: configuration.maxConnections)
        if configuration.usesTLS {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            if let caFile = configuration.caFile { tls.additionalTrustRoots = [.file(caFile)] }
            tlsContext = Result { try NIOSSLContext(configuration: tls) }.mapError { error in
                let source = configuration.caFile.map { " (ca_file=\($0))" } ?? ""
                return SMTPError.invalidConfiguration("cannot set up TLS\(source): \(error)")
            }
        } else {
            tlsContext = nil
        }
    }

    /// Sends one message; returns the server's final reply to DATA (e.g. "250 2.0.0 Ok: queued as X").
    /// Throws `SMTPError`; see `isRetryable`.
    public func send(_ message: MailMessage) async throws -> String {
        let envelope = SMTPEnvelope(
            sender: message.from.address, recipient: message.to.address,
            data: MIMEComposer.smtpDataPayload(try MIMEComposer.compose(message)))
        var retriedOnFreshConnection = false
        while true {
            let (connection, reused) = try await checkOut()
            do throws(DeliveryFailure) {
                let reply = try await connection.deliver(envelope, resetFirst: reused)
                if !(await pool.checkIn(connection)) { await connection.quit() }
                return reply
            } catch {
                // After any error the session's state is uncertain: drop it.
                await pool.discard(connection)
                // An idle connection may have died unnoticed (the server's idle timeout). Before MAIL FROM
                // was accepted nothing was delivered, so one more try on a new connection is safe.
                if reused, !error.senderAccepted, Self.meansConnectionDied(error.error), !retriedOnFreshConnection {
                    logger.debug("SMTP idle connection was dead; retrying on a new one", metadata: ["smtp.error": "\(error.error)"])
                    retriedOnFreshConnection = true
                    continue
                }
                throw error.error
            }
        }
    }

    /// Says QUIT on the idle connections and closes them; connections in use close when their send ends.
    /// Sends after this throw `SMTPError.clientShutDown`.
    public func shutdown() async {
        let idle = await pool.shutDown()
        await withTaskGroup(of: Void.self) { group in
            for connection in idle {
                group.addTask { await connection.quit() }
            }
        }
    }

    /// An idle connection when there is one, else a new one when the pool has room, else waits for either.
    private func checkOut() async throws -> (connection: SMTPConnection, reused: Bool) {
        switch try await pool.lease() {
        case .idle(let connection):
            return (connection, true)
        case .openNew:
            do {
                let connection = try await SMTPConnection.open(
                    configuration: configuration, tlsContext: try tlsContext?.get(),
                    eventLoopGroup: eventLoopGroup, logger: logger)
                return (connection, false)
            } catch {
                await pool.releaseSlot()
                throw error
            }
        }
    }

    private static func meansConnectionDied(_ error: SMTPError) -> Bool {
        switch error {
        case .connectionLost: return true
        case .rejected(_, let code, _): return code == 421
        default: return false
        }
    }
}

/// Counts connections (idle, in use and being opened) against the limit and keeps the idle ones.
actor SMTPConnectionPool {
    enum Lease {
        case idle(SMTPConnection)
        /// A slot is reserved: open a connection, or call `releaseSlot()` if that fails.
        case openNew
    }

    private let maxConnections: Int
    private var idle: [SMTPConnection] = []
    private var openCount = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextWaiterID = 0
    private var isShutDown = false

    init(maxConnections: Int) {
        self.maxConnections = max(1, maxConnections)
    }

    func lease() async throws -> Lease {
        while true {
            guard !isShutDown else { throw SMTPError.clientShutDown }
            while let connection = idle.popLast() {
                if connection.isUsable { return .idle(connection) }
                // The server closed it while it was idle.
                openCount -= 1
                connection.close()
            }
            if openCount < maxConnections {
                openCount += 1
                return .openNew
            }
            try await waitForChange()
        }
    }

    /// Keeps a healthy connection for the next send. False when it was not kept: the caller says QUIT.
    func checkIn(_ connection: SMTPConnection) -> Bool {
        guard !isShutDown, connection.isUsable else {
            releaseSlot()
            return false
        }
        idle.append(connection)
        wakeOneWaiter()
        return true
    }

    func discard(_ connection: SMTPConnection) {
        connection.close()
        releaseSlot()
    }

    func releaseSlot() {
        openCount -= 1
        wakeOneWaiter()
    }

    /// Takes the idle connections for the caller to close and turns away every waiting sender.
    func shutDown() -> [SMTPConnection] {
        isShutDown = true
        let closing = idle
        openCount -= idle.count
        idle = []
        for waiter in waiters { waiter.continuation.resume(throwing: SMTPError.clientShutDown) }
        waiters = []
        return closing
    }

    private func wakeOneWaiter() {
        guard !waiters.isEmpty else { return }
        waiters.removeFirst().continuation.resume()
    }

    /// Waits until a connection is checked in or a slot frees; the caller then looks again.
    private func waitForChange() async throws {
        let id = nextWaiterID
        nextWaiterID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
