import Foundation
import PostgresNIO

/// Connection settings parsed from a `postgres://user:password@host:port/database` URL.
public struct DatabaseSettings: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String

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
    }

    /// The client configuration. The API's pool is capped at 20 connections per instance
    /// (PostgresNIO's default) and the webhook dispatcher's at 3: replicas × 23 must stay under
    /// the server's `max_connections`.
    public func clientConfiguration(maximumConnections: Int = 20) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable)
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }
}
