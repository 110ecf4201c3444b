import Foundation
import PostgresNIO

/// Connection settings parsed from a `postgres://user:password@host:port/database` URL, with
/// libpq's query parameters `sslmode` (`disable`, `prefer`, the default, `require`, `verify-ca`,
/// `verify-full`), `sslrootcert` (the CA certificate file to verify with; the system's roots
/// otherwise) and `connect_timeout` (seconds, default 10).
public struct DatabaseSettings: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    public var connectTimeout: Duration

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
        guard let components = URLComponents(string: url),
              components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw Invalid(description: "must look like postgres://user:password@host:5432/database") }
        guard let host = components.host, !host.isEmpty else { throw Invalid(description: "names no host") }
        guard let username = components.user, !username.isEmpty else { throw Invalid(description: "names no user") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw Invalid(description: "names no database") }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password
        self.database = database

        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value, ["sslmode", "sslrootcert", "connect_timeout"].contains(item.name) else {
                throw Invalid(description: "has an unknown parameter '\(item.name)' (known: sslmode, sslrootcert, connect_timeout)")
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
    }

    /// The client configuration for a pool of at most `maximumConnections` (the API's pool is
    /// `DATABASE_POOL_SIZE`, 20 by default, and the webhook dispatcher's 3: replicas × their sum
    /// must stay under the server's `max_connections`).
    public func clientConfiguration(maximumConnections: Int = 20) throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: try clientTLS())
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = connectTimeout
        return configuration
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
