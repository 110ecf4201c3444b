import Foundation
import Logging
import PorchlightStore
import PostgresNIO

/// Connection settings parsed from a `postgres://user:password@host:port/database` URL, with
/// libpq's query parameters `sslmode` (`disable`, `prefer`, the default, `require`, `verify-ca`,
/// `verify-full`), `sslrootcert` (the CA certificate file to verify with; the system's roots
/// otherwise), `connect_timeout` (seconds, default 10) and `target_session_attrs`. As in libpq,
/// the URL may name several servers (`postgres://user@h1:5432,h2:5432/db`): the first that
/// answers is used, or with `target_session_attrs=read-write` the first that accepts writes (a
/// primary, not a standby), found again when it stops (`DatabaseServers`).
public struct DatabaseSettings: Sendable {
    public struct Server: Sendable, Equatable {
        public var host: String
        public var port: Int

        /// An IPv6 address may come in brackets, as URLs write it (`[::1]`); the host is without.
        public init(host: String, port: Int) {
            let bracketed = host.hasPrefix("[") && host.hasSuffix("]")
            (self.host, self.port) = (bracketed ? String(host.dropFirst().dropLast()) : host, port)
        }
    }

    public var servers: [Server]
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    public var connectTimeout: Duration
    /// `target_session_attrs=read-write`: only a server that accepts writes will do.
    public var needsWritable: Bool

    /// As libpq's `sslmode`: `prefer` and `require` encrypt without checking the server's
    /// certificate; `verify-ca` checks it was signed by a trusted root; `verify-full` also checks
    /// it names the host.
    public enum TLSMode: Sendable, Equatable {
        case disable, prefer, require
        case verifyCA(rootCertificate: String?)
        case verifyFull(rootCertificate: String?)
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(url: String) throws(Invalid) {
        // URLComponents takes one host: the others are split off first and parsed alike.
        let (firstServerURL, otherHosts) = try Self.splitHosts(url)
        guard let components = URLComponents(string: firstServerURL),
              components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw Invalid(description: "must look like postgres://user:password@host:5432/database") }
        guard let host = components.host, !host.isEmpty else { throw Invalid(description: "names no host") }
        guard let username = components.user, !username.isEmpty else { throw Invalid(description: "names no user") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw Invalid(description: "names no database") }
        self.servers = try [Server(host: host, port: components.port ?? 5432)] + otherHosts.map { text throws(Invalid) in
            guard let other = URLComponents(string: "postgres://\(text)"), let host = other.host, !host.isEmpty, other.path.isEmpty else {
                throw Invalid(description: "names a server '\(text)' that is not host or host:port")
            }
            return Server(host: host, port: other.port ?? 5432)
        }
        self.username = username
        self.password = components.password
        self.database = database

        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value, Self.parameters.contains(item.name) else {
                throw Invalid(description: "has an unknown parameter '\(item.name)' (known: \(Self.parameters.joined(separator: ", ")))")
            }
            parameters[item.name] = value
        }
        let root = parameters["sslrootcert"]
        if let root, !FileManager.default.isReadableFile(atPath: root) {
            throw Invalid(description: "sslrootcert '\(root)' is not a readable file")
        }
        switch parameters["sslmode"] ?? "prefer" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer
        case "require": tls = .require
        case "verify-ca": tls = .verifyCA(rootCertificate: root)
        case "verify-full": tls = .verifyFull(rootCertificate: root)
        case let mode: throw Invalid(description: "sslmode must be disable, prefer, require, verify-ca or verify-full, not '\(mode)'")
        }
        if root != nil, !(tls == .verifyCA(rootCertificate: root) || tls == .verifyFull(rootCertificate: root)) {
            throw Invalid(description: "sslrootcert needs sslmode=verify-ca or verify-full")
        }
        let timeout = parameters["connect_timeout"].map { Int($0) } ?? 10
        guard let timeout, (1...300).contains(timeout) else { throw Invalid(description: "connect_timeout must be 1 to 300 seconds") }
        connectTimeout = .seconds(timeout)
        switch parameters["target_session_attrs"] ?? "any" {
        case "any": needsWritable = false
        case "read-write", "primary": needsWritable = true
        case let attributes: throw Invalid(description: "target_session_attrs must be any, read-write or primary, not '\(attributes)'")
        }
    }

    static let parameters = ["sslmode", "sslrootcert", "connect_timeout", "target_session_attrs"]

    /// The URL with only its first server, and the others' `host:port` texts:
    /// `postgres://u@h1:5432,h2/db` gives `postgres://u@h1:5432/db` and `["h2"]`.
    static func splitHosts(_ url: String) throws(Invalid) -> (String, [String]) {
        guard let schemeEnd = url.range(of: "://") else { throw Invalid(description: "must look like postgres://user:password@host:5432/database") }
        let authorityEnd = url[schemeEnd.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? url.endIndex
        let authority = url[schemeEnd.upperBound..<authorityEnd]
        let hostsStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hosts = authority[hostsStart...].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard hosts.count > 1 else { return (url, []) }
        guard hosts.allSatisfy({ !$0.isEmpty }) else { throw Invalid(description: "names an empty server in its list of hosts") }
        return (String(url[..<hostsStart]) + hosts[0] + String(url[authorityEnd...]), Array(hosts.dropFirst()))
    }

    /// One pool per server, each of at most `maximumConnections` (the API's pool is
    /// `DATABASE_POOL_SIZE`, 20 by default, and the webhook dispatcher's 3: replicas × their sum
    /// must stay under the server's `max_connections`), and the choice between them.
    public func servers(maximumConnections: Int, logger: Logger) throws -> DatabaseServers {
        DatabaseServers(clients: try clientConfigurations(maximumConnections: maximumConnections).map { PostgresClient(configuration: $0, backgroundLogger: logger) },
                        needsWritable: needsWritable, logger: logger)
    }

    /// One client configuration per server, in the URL's order.
    public func clientConfigurations(maximumConnections: Int = 20) throws -> [PostgresClient.Configuration] {
        let tls = try clientTLS()
        return servers.map { server in
            var configuration = PostgresClient.Configuration(
                host: server.host, port: server.port, username: username, password: password, database: database, tls: tls)
            configuration.options.maximumConnections = maximumConnections
            configuration.options.connectTimeout = connectTimeout
            return configuration
        }
    }

    func clientTLS() throws -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch self.tls {
        case .disable:
            return .disable
        case .prefer, .require:
            tls.certificateVerification = .none
            return self.tls == .prefer ? .prefer(tls) : .require(tls)
        case .verifyCA(let root), .verifyFull(let root):
            if case .verifyCA = self.tls { tls.certificateVerification = .noHostnameVerification }
            if let root { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(root)) }
            return .require(tls)
        }
    }
}
