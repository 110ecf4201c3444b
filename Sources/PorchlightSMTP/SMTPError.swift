/// Why a message was not sent. `isRetryable` tells a caller whether the same message may succeed later.
public enum SMTPError: Error, Sendable, CustomStringConvertible, Equatable {
    /// SMTP_URL is malformed, or a file it names cannot be used.
    case invalidConfiguration(String)
    /// The message cannot be written as valid mail (a bad address, a line break inside a header...).
    case invalidMessage(String)
    /// No connection could be made (refused, no such host, connect timeout).
    case connectionFailed(host: String, port: Int, reason: String)
    /// The server closed the connection, or it broke, while `command` waited for its reply.
    case connectionLost(command: String)
    /// No reply to `command` within the configured timeout.
    case timedOut(command: String, seconds: Double)
    /// The server answered `command` with an unexpected reply; 4xx is transient, 5xx permanent.
    case rejected(command: String, code: Int, text: String)
    /// The TLS handshake or certificate verification failed, or TLS was required but is not offered.
    case tlsFailed(String)
    /// The server lacks something this message or configuration needs (AUTH, SMTPUTF8, a big enough SIZE).
    case unsupportedByServer(String)
    /// Credentials would travel in plaintext to a host that is not on this machine.
    case credentialsWithoutTLS(host: String)
    /// The server's reply was not valid SMTP.
    case protocolViolation(String)
    /// `shutdown()` was called.
    case clientShutDown

    /// True when trying again later may succeed: 4xx replies and connection trouble, never 5xx replies.
    public var isRetryable: Bool {
        switch self {
        case .connectionFailed, .connectionLost, .timedOut, .protocolViolation, .clientShutDown:
            return true
        case .rejected(_, let code, _):
            return !(500...599).contains(code)
        case .invalidConfiguration, .invalidMessage, .tlsFailed, .unsupportedByServer, .credentialsWithoutTLS:
            return false
        }
    }

    /// The server's reply code, when the error is a reply.
    public var replyCode: Int? {
        if case .rejected(_, let code, _) = self { return code }
        return nil
    }

    public var description: String {
        switch self {
        case .invalidConfiguration(let reason):
            return "invalid SMTP configuration: \(reason)"
        case .invalidMessage(let reason):
            return "invalid mail message: \(reason)"
        case .connectionFailed(let host, let port, let reason):
            return "cannot connect to SMTP server \(host):\(port): \(reason)"
        case .connectionLost(let command):
            return "SMTP connection lost while waiting for the reply to \(command)"
        case .timedOut(let command, let seconds):
            return "SMTP server did not answer \(command) within \(seconds) s"
        case .rejected(let command, let code, let text):
            return "SMTP \(command) failed: \(code) \(text)"
        case .tlsFailed(let reason):
            return "SMTP TLS failed: \(reason)"
        case .unsupportedByServer(let reason):
            return "SMTP server cannot take this message: \(reason)"
        case .credentialsWithoutTLS(let host):
            return "refusing to send SMTP credentials to \(host) without TLS (use smtps:// or a server that offers STARTTLS)"
        case .protocolViolation(let reason):
            return "SMTP protocol violation: \(reason)"
        case .clientShutDown:
            return "SMTP client is shut down"
        }
    }
}
