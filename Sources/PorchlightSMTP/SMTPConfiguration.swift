import Foundation

/// Where and how to send mail, read from one SMTP_URL setting:
///
///     smtp://127.0.0.1:2525                             plain; STARTTLS when offered ("opportunistic")
///     smtp://user:pass@mail.example.com:587?starttls=required
///     smtps://user:pass@mail.example.com:465            TLS from the first byte
///
/// Query options: `starttls=required|opportunistic|never` (smtp only), `ca_file=/path/ca.pem` (extra
/// trust roots), `pool=N` (most connections at once, default 4), `timeout=seconds` (per command,
/// default 30), `helo=name` (the name sent in EHLO). User and password are percent-decoded.
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    public enum STARTTLSPolicy: String, Sendable {
        /// Fail unless the server offers STARTTLS.
        case required
        /// Use STARTTLS when the server offers it.
        case opportunistic
        /// Never upgrade (a local test server without TLS).
        case never
    }

    public var host: String
    public var port: Int
    /// smtps: TLS starts with the connection, before the greeting.
    public var implicitTLS: Bool
    /// Ignored when `implicitTLS` is true.
    public var startTLS: STARTTLSPolicy
    public var username: String?
    public var password: String?
    /// A PEM file whose certificates are trusted in addition to the system's roots.
    public var caFile: String?
    public var maxConnections: Int
    /// Seconds to wait for each reply before the connection is given up.
    public var commandTimeout: Double
    public var heloName: String

    private static let knownOptions = ["starttls", "ca_file", "pool", "timeout", "helo"]

    public init(url: String) throws {
        let text = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let schemeEnd = text.range(of: "://") else {
            throw Self.invalid("'\(text)' is not a URL: expected smtp://host:port or smtps://host:port")
        }
        switch text[..<schemeEnd.lowerBound].lowercased() {
        case "smtp": implicitTLS = false
        case "smtps": implicitTLS = true
        case let other: throw Self.invalid("unsupported scheme '\(other)': expected smtp or smtps")
        }

        // Split "authority[/][?query][#fragment]" at the first '/', '?' or '#'.
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var tail = rest[authorityEnd...]
        if let hash = tail.firstIndex(of: "#") {
            throw Self.invalid("unexpected fragment '\(tail[hash...])'")
        }
        var query: Substring = ""
        if let questionMark = tail.firstIndex(of: "?") {
            query = tail[tail.index(after: questionMark)...]
            tail = tail[..<questionMark]
        }
        guard tail.isEmpty || tail == "/" else {
            throw Self.invalid("unexpected path '\(tail)': SMTP URLs have no path")
        }

        // The user info ends at the last '@', so an unencoded '@' in a password still parses.
        var hostAndPort = authority
        username = nil
        password = nil
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostAndPort = authority[authority.index(after: at)...]
            guard let colon = userInfo.firstIndex(of: ":") else {
                throw Self.invalid("user given without a password (expected user:password@host)")
            }
            guard let user = userInfo[..<colon].removingPercentEncoding, !user.isEmpty else {
                throw Self.invalid("the user name is empty or badly percent-encoded")
            }
            guard let secret = userInfo[userInfo.index(after: colon)...].removingPercentEncoding, !secret.isEmpty else {
                throw Self.invalid("the password is empty or badly percent-encoded")
            }
            username = user
            password = secret
        }

        let portText: Substring?
        if hostAndPort.hasPrefix("[") {
            // An IPv6 literal: [::1]:25
            guard let close = hostAndPort.firstIndex(of: "]") else {
                throw Self.invalid("IPv6 host '\(hostAndPort)' lacks its closing ']'")
            }
            host = String(hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close])
            let afterHost = hostAndPort[hostAndPort.index(after: close)...]
            guard afterHost.isEmpty || afterHost.hasPrefix(":") else {
                throw Self.invalid("unexpected '\(afterHost)' after the IPv6 host")
            }
            portText = afterHost.isEmpty ? nil : afterHost.dropFirst()
        } else if let colon = hostAndPort.firstIndex(of: ":") {
            host = String(hostAndPort[..<colon])
            portText = hostAndPort[hostAndPort.index(after: colon)...]
        } else {
            host = String(hostAndPort)
            portText = nil
        }
        guard !host.isEmpty else { throw Self.invalid("missing host") }
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._:".contains($0)) }) else {
            throw Self.invalid("host '\(host)' has characters a host name cannot have")
        }
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw Self.invalid("port '\(portText)' is not a number from 1 to 65535")
            }
            port = number
        } else {
            port = implicitTLS ? 465 : 25
        }

        startTLS = .opportunistic
        caFile = nil
        maxConnections = 4
        commandTimeout = 30
        heloName = Self.defaultHeloName()

        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard parts.count == 2, let value = parts[1].removingPercentEncoding, !value.isEmpty else {
                throw Self.invalid("option '\(name)' needs a value (\(name)=...)")
            }
            switch name {
            case "starttls":
                guard let policy = STARTTLSPolicy(rawValue: value) else {
                    throw Self.invalid("starttls='\(value)': expected required, opportunistic or never")
                }
                guard !implicitTLS else {
                    throw Self.invalid("starttls does not apply to smtps://, which uses TLS from the start")
                }
                startTLS = policy
            case "ca_file":
                caFile = value
            case "pool":
                guard let count = Int(value), (1...100).contains(count) else {
                    throw Self.invalid("pool='\(value)': expected a number of connections from 1 to 100")
                }
                maxConnections = count
            case "timeout":
                guard let seconds = Double(value), seconds > 0, seconds <= 3600 else {
                    throw Self.invalid("timeout='\(value)': expected seconds, more than 0 and at most 3600")
                }
                commandTimeout = seconds
            case "helo":
                guard Self.isValidHeloName(value) else {
                    throw Self.invalid("helo='\(value)': expected a host name or an address literal like [127.0.0.1]")
                }
                heloName = value
            default:
                throw Self.invalid("unknown option '\(name)' (known: \(Self.knownOptions.joined(separator: ", ")))")
            }
        }
    }

    /// The URL with the password hidden, for logs.
    public var description: String {
        let credentials = username.map { "\($0):***@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        var options = ["pool=\(maxConnections)", "timeout=\(commandTimeout)", "helo=\(heloName)"]
        if !implicitTLS { options.insert("starttls=\(startTLS.rawValue)", at: 0) }
        if let caFile { options.append("ca_file=\(caFile)") }
        return "\(implicitTLS ? "smtps" : "smtp")://\(credentials)\(shownHost):\(port)?\(options.joined(separator: "&"))"
    }

    var usesTLS: Bool { implicitTLS || startTLS != .never }

    private static func invalid(_ reason: String) -> SMTPError {
        .invalidConfiguration("SMTP_URL: \(reason)")
    }

    /// Letters, digits, '-' and '.', or an address literal in brackets: nothing that could end the EHLO line.
    static func isValidHeloName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 255 else { return false }
        if name.hasPrefix("[") && name.hasSuffix("]") {
            return name.dropFirst().dropLast().allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".:".contains($0)) }
        }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }

    private static func defaultHeloName() -> String {
        let name = ProcessInfo.processInfo.hostName
        return isValidHeloName(name) ? name : "localhost"
    }
}
