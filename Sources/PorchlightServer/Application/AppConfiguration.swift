import Foundation
import HTTPTypes
import Logging
import PorchlightCore
import PorchlightSMTP
import PorchlightStore

/// Settings read from the environment, all validated together so that one run names every problem.
public struct AppConfiguration: Sendable {
    public var databaseURL: String
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    /// `LOG_FORMAT`: `text` (the default) or `json` (one object per line): see LineLogHandler.
    public var logFormat: LogFormat
    /// The most connections the API's pool opens (`DATABASE_POOL_SIZE`).
    public var databasePoolSize: Int
    /// How many replicas share the database (`REPLICAS`), for the start-up check of the
    /// connection budget (see `ConnectionBudget`).
    public var replicas: Int
    public var webhooks: WebhookSettings
    /// `CLIENT_ADDRESS_HEADER`: the header a trusted proxy puts the client's address in (see
    /// `ClientAddress`); unset, the client is the peer of the connection.
    public var clientAddressHeader: HTTPField.Name?
    /// `METRICS_TOKEN`: the bearer token `GET /metrics` asks for. Metrics name every merchant and
    /// webhook endpoint, so they are for the operator alone; unset, `/metrics` answers no one.
    public var metricsToken: String?
    public var messages: MessageDeliverySettings
    /// Where every "now" of the service comes from: the system's, or a test's own.
    public var clock: WallClock
    /// `DISTRIBUTED`: `single` (the default) for one PostgreSQL server, `citus` for a Citus coordinator, whose
    /// tables migrations then lay out by merchant (see `SchemaDistribution`).
    public var distribution: SchemaDistribution
    /// Whether this replica runs the periodic passes, the dispatchers and the purges, over every
    /// merchant. Every replica does; a test that moves its clock does not.
    public var runsBackgroundWork: Bool

    public enum LogFormat: String, Sendable, CaseIterable {
        case text, json
    }

    public init(databaseURL: String, host: String = "127.0.0.1", port: Int = 8080, logLevel: Logger.Level = .info,
                logFormat: LogFormat = .text, databasePoolSize: Int = 20, webhooks: WebhookSettings = .init(),
                clientAddressHeader: HTTPField.Name? = nil, replicas: Int = 1, metricsToken: String? = nil,
                messages: MessageDeliverySettings = .init(), distribution: SchemaDistribution = .single, clock: WallClock = .system,
                runsBackgroundWork: Bool = true) {
        self.messages = messages
        self.distribution = distribution
        self.clock = clock
        self.runsBackgroundWork = runsBackgroundWork
        self.clientAddressHeader = clientAddressHeader
        self.metricsToken = metricsToken
        self.replicas = replicas
        self.databaseURL = databaseURL
        self.logFormat = logFormat
        self.databasePoolSize = databasePoolSize
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.webhooks = webhooks
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var problems: [String]
        public var description: String { "Invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n") }
    }

    /// Reads `DATABASE_URL` (required), `DATABASE_POOL_SIZE`, `HOST`, `PORT`, `LOG_LEVEL`,
    /// `LOG_FORMAT`, `WEBHOOKS_ALLOW_LOOPBACK`, `CLIENT_ADDRESS_HEADER`, `REPLICAS`, `METRICS_TOKEN`, `SMTP_URL`, `PUBLIC_URL` and
    /// `DISTRIBUTED`.
    public static func fromEnvironment(_ environment: [String: String]) throws(Invalid) -> AppConfiguration {
        var problems: [String] = []
        let databaseURL = environment["DATABASE_URL"] ?? ""
        if databaseURL.isEmpty {
            problems.append("DATABASE_URL is not set (e.g. postgres://user:password@127.0.0.1:5432/porchlight)")
        } else if case .failure(let error) = Result(catching: { try DatabaseSettings(url: databaseURL).clientConfigurations() }) {
            problems.append("DATABASE_URL: \(error is DatabaseSettings.Invalid ? "\(error)" : "sslrootcert is not a PEM certificate (\(error))")")
        }
        var databasePoolSize = 20
        if let text = environment["DATABASE_POOL_SIZE"] {
            if let value = Int(text), (1...200).contains(value) { databasePoolSize = value } else {
                problems.append("DATABASE_POOL_SIZE must be a number from 1 to 200, not '\(text)'")
            }
        }
        let host = environment["HOST"] ?? "127.0.0.1"
        if host.isEmpty { problems.append("HOST is empty (e.g. 0.0.0.0 or 127.0.0.1)") }
        var port = 8080
        if let text = environment["PORT"] {
            if let value = Int(text), (0...65535).contains(value) { port = value } else {
                problems.append("PORT must be a number from 0 to 65535, not '\(text)'")
            }
        }
        var logLevel = Logger.Level.info
        if let text = environment["LOG_LEVEL"] {
            if let level = Logger.Level(rawValue: text.lowercased()) { logLevel = level } else {
                problems.append("LOG_LEVEL must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            }
        }
        var logFormat = LogFormat.text
        if let text = environment["LOG_FORMAT"] {
            if let format = LogFormat(rawValue: text.lowercased()) { logFormat = format } else {
                problems.append("LOG_FORMAT must be text or json, not '\(text)'")
            }
        }
        var webhooks = WebhookSettings()
        switch environment["WEBHOOKS_ALLOW_LOOPBACK"] {
        case nil, "false": break
        case "true": webhooks.allowLoopback = true
        case let text?: problems.append("WEBHOOKS_ALLOW_LOOPBACK must be true or false, not '\(text)'")
        }
        var clientAddressHeader: HTTPField.Name?
        if let text = environment["CLIENT_ADDRESS_HEADER"] {
            clientAddressHeader = HTTPField.Name(text)
            if clientAddressHeader == nil { problems.append("CLIENT_ADDRESS_HEADER must be a header name such as X-Forwarded-For, not '\(text)'") }
        }
        var replicas = 1
        if let text = environment["REPLICAS"] {
            if let value = Int(text), (1...1000).contains(value) { replicas = value } else {
                problems.append("REPLICAS must be a number from 1 to 1000, not '\(text)'")
            }
        }
        let metricsToken = environment["METRICS_TOKEN"]
        if let token = metricsToken, token.count < 16 || !token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) {
            problems.append("METRICS_TOKEN must be at least 16 characters without spaces (e.g. from `openssl rand -hex 24`)")
        }
        var messages = MessageDeliverySettings(publicURL: "http://\(host):\(port)")
        if let text = environment["SMTP_URL"] {
            do {
                _ = try SMTPConfiguration(url: text)
                messages.smtpURL = text
            } catch {
                problems.append("SMTP_URL: \(error)")
            }
        }
        if let text = environment["PUBLIC_URL"] {
            if let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
                messages.publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
            } else {
                problems.append("PUBLIC_URL must be the address customers reach the service at, such as https://track.example.com, not '\(text)'")
            }
        }
        if messages.smtpURL != nil, environment["PUBLIC_URL"] == nil {
            problems.append("PUBLIC_URL is needed with SMTP_URL: the address customers reach the service at, for the links in emails (e.g. https://track.example.com)")
        }
        var distribution = SchemaDistribution.single
        if let text = environment["DISTRIBUTED"] {
            if let value = SchemaDistribution(rawValue: text) { distribution = value } else {
                problems.append("DISTRIBUTED must be single (one PostgreSQL server, the default) or citus (a Citus coordinator), not '\(text)'")
            }
        }
        guard problems.isEmpty else { throw Invalid(problems: problems) }
        return AppConfiguration(databaseURL: databaseURL, host: host, port: port, logLevel: logLevel, logFormat: logFormat,
                                databasePoolSize: databasePoolSize, webhooks: webhooks, clientAddressHeader: clientAddressHeader,
                                replicas: replicas, metricsToken: metricsToken, messages: messages, distribution: distribution)
    }
}
