import Foundation
import Hummingbird
import Logging
import OpenAPIRuntime
import PorchlightAPI
import NIOPosix
import PorchlightCore
import PorchlightSMTP
import PorchlightStore
import PostgresNIO
import Prometheus
import ServiceLifecycle

/// Builds the whole service: used by `porchlight serve` and by the tests alike.
///
/// Start-up order: the PostgreSQL pool runs as a service; before the server accepts traffic,
/// migrations are applied. SIGTERM drains in-flight requests, then the pool closes.
public func buildApplication(
    configuration: AppConfiguration, logger: Logger, registry: PrometheusCollectorRegistry = .init()
) async throws -> some ApplicationProtocol {
    let settings = try DatabaseSettings(url: configuration.databaseURL)
    let servers = try settings.servers(maximumConnections: configuration.databasePoolSize, logger: logger)
    let database = Database(servers: servers, observer: .metrics(registry, pool: "api"), clock: configuration.clock)
    // The dispatcher's own small pool: API load cannot starve webhook delivery, nor it the API.
    let budget = ConnectionBudget(replicas: configuration.replicas, poolSize: configuration.databasePoolSize, dispatcherPoolSize: 3)
    let dispatcherServers = try settings.servers(maximumConnections: budget.dispatcherPoolSize, logger: logger)
    let dispatcherDatabase = Database(servers: dispatcherServers, workLimit: .seconds(30), observer: .metrics(registry, pool: "webhooks"), clock: configuration.clock)
    let migrated = StartupValue<Void>()
    let merchants = MerchantStore(database: database)
    let promises = PromiseStore(database: database)
    let idempotency = IdempotencyStore(database: database)
    let webhookAddresses = WebhookAddresses(settings: configuration.webhooks)
    let webhookDeliveries = WebhookDeliveries(database: database)
    let lookups = OrderLookupStore(database: database)
    let customerTokens = CustomerTokenStore(database: database)
    let authenticator = Authenticator(merchants: merchants, customerTokens: customerTokens, clock: configuration.clock)
    let handlers = APIHandlers(
        orders: OrderStore(database: database), shipments: ShipmentStore(database: database),
        lookups: lookups, customerViews: CustomerViewStore(database: database), promises: promises, planner: PromisePlanner(store: promises),
        reviews: ReviewStore(database: database), returnPolicies: ReturnPolicyStore(database: database),
        returns: ReturnStore(database: database), alerts: AlertStore(database: database), disruptions: DisruptionStore(database: database),
        remedies: RemedyStore(database: database),
        deliveries: DeliveryStore(database: database),
        events: EventFeed(database: database), merchants: merchants, webhookEndpoints: WebhookEndpointStore(database: database),
        webhookDeliveries: webhookDeliveries, webhookAddresses: webhookAddresses, migrator: Migrator(database: database, logger: logger), databaseServers: servers,
        customerTokens: customerTokens, authenticator: authenticator, pages: TrackingPageStore(database: database), renderer: try PageRenderer(),
        messages: MessageStore(database: database), messageRenderer: try MessageRenderer(), canSendEmail: configuration.messages.smtpURL != nil,
        registry: registry, clock: configuration.clock)

    let router = Router(context: PorchlightRequestContext.self)
    let routes = RouteCatalog()
    // Outermost first: every response gets a request id and is counted; every error below
    // becomes a problem; bodies are bounded before any handler reads them.
    router.add(middleware: RequestIDMiddleware(clientAddressHeader: configuration.clientAddressHeader))
    router.add(middleware: PrometheusMetricsMiddleware(registry: registry))
    router.add(middleware: ProblemMiddleware(routes: routes))
    router.add(middleware: BodyLimitMiddleware())
    router.add(middleware: NullFieldMiddleware())
    try handlers.registerHandlers(
        on: CatalogingTransport(router: router, catalog: routes),
        configuration: .init(dateTranscoder: RFC3339DateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
        middlewares: [
            ParameterTextMiddleware(),
            AuthMiddleware(authenticator: authenticator, metricsToken: configuration.metricsToken),
            PageHeadersMiddleware(),
            IdempotencyMiddleware(store: idempotency),
            ConditionalRequestMiddleware(),
            DateTimeFieldMiddleware(),
            PreparedResponseMiddleware(),
        ])

    // Every replica runs the background work; a test that moves its clock runs none, so that
    // other tests' data sharing the database is not passed over at its time.
    let background: [any Service] = configuration.runsBackgroundWork ? [
        RetentionPurger(purges: RetentionPurger.purges(database: database), interval: .seconds(600), logger: logger),
        PeriodicPass(name: "announced review requests", interval: .seconds(60), clock: configuration.clock, migrated: migrated, logger: logger) { [reviews = handlers.reviews] in
            try await reviews.sendDueRequests(now: $0, logger: $1)
        },
        PeriodicPass(name: "expired returns", interval: .seconds(60), clock: configuration.clock, migrated: migrated, logger: logger) { [returns = handlers.returns] in
            try await returns.expireDue(now: $0, logger: $1)
        },
        PeriodicPass(name: "orders checked for disruptions", interval: .seconds(300), clock: configuration.clock, migrated: migrated, logger: logger) {
            [alerts = handlers.alerts] in try await alerts.detectDue(now: $0, logger: $1).changed
        },
        WebhookDispatcher(
            deliveries: WebhookDeliveries(database: dispatcherDatabase),
            sender: WebhookSender(clients: WebhookClients(timeout: configuration.webhooks.timeout),
                                  addresses: webhookAddresses, timeout: configuration.webhooks.timeout, clock: configuration.clock),
            settings: configuration.webhooks, metrics: WebhookMetrics(registry: registry), clock: configuration.clock, migrated: migrated, logger: logger),
        MessageDispatcher(
            messages: MessageStore(database: dispatcherDatabase),
            customerTokens: customerTokens, renderer: handlers.messageRenderer,
            smtp: try configuration.messages.smtpURL.map {
                SMTPClient(configuration: try SMTPConfiguration(url: $0), eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
            },
            settings: configuration.messages, registry: registry, clock: configuration.clock, migrated: migrated, logger: logger),
    ] : []

    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [ParseErrorProblemHandler()])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "porchlight"),
        // Stopped in reverse order: the dispatcher finishes its attempts while the pools still run.
        services: servers.clients + dispatcherServers.clients + DatabaseServerWatch.needed(for: [servers, dispatcherServers]) + background,
        logger: logger)
    app.beforeServerStarts {
        // With several servers, the one that will do (the primary) before migrating on it.
        async let dispatcherFound = dispatcherServers.findServer()
        await servers.findServer()
        _ = await dispatcherFound
        try await migrate(client: servers.current, distribution: configuration.distribution, logger: logger)
        migrated.set(())
        let limits = try await database.connectionLimits(logger: logger)
        if let warning = budget.warning(maxConnections: limits.maxConnections, reserved: limits.reserved) {
            logger.warning("database connection budget exceeded", metadata: ["detail": "\(warning)"])
        }
    }
    return app
}

/// `porchlight serve`: runs until SIGTERM or SIGINT, then shuts down gracefully: the server stops
/// accepting connections and finishes the requests in flight, then the pool closes.
public func runServer(configuration: AppConfiguration, logger: Logger) async throws {
    let registry = PrometheusCollectorRegistry()
    let app = try await buildApplication(configuration: configuration, logger: logger, registry: registry)
    let services: [any Service] = [app, ShutdownDeadline(deadline: .seconds(15), logger: logger)]
    try await ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
}

/// Bounds graceful shutdown. After PostgreSQL has restarted, PostgresNIO's pool can keep waiting
/// on its connections and never return from `run()`, ignoring cancellation too
/// (vapor/postgres-nio#599), which would leave the process running forever after SIGTERM. Listed
/// last, this service is told about the shutdown first; if the process is still alive after the
/// deadline (the HTTP server has long finished its in-flight requests and every write has
/// committed), it exits.
struct ShutdownDeadline: Service {
    let deadline: Duration
    let logger: Logger

    func run() async throws {
        try await gracefulShutdown()
        let (deadline, logger) = (self.deadline, self.logger)
        Task.detached {
            try? await Task.sleep(for: deadline)
            logger.warning("graceful shutdown still waiting on the database pool; exiting", metadata: ["deadline": "\(deadline)"])
            exit(0)
        }
    }
}

/// Applies pending migrations; on a Citus coordinator (`distribution`), lays out the tables too.
public func migrate(client: PostgresClient, distribution: SchemaDistribution = .single, logger: Logger) async throws {
    try await Migrator(database: Database(client: client), logger: logger).migrate(distribution: distribution)
}

public func createMerchant(name: String, client: PostgresClient, logger: Logger) async throws -> (merchantID: String, apiKey: String) {
    try await migrate(client: client, logger: logger)
    let (merchant, key) = try await MerchantStore(database: Database(client: client)).createMerchant(name: name, logger: logger)
    return (merchant.rawValue.uuidString.lowercased(), key)
}

extension Database.Observer {
    /// `db_connection_wait_seconds{pool}` (how long requests waited for a connection) and
    /// `db_connection_timeouts_total{pool}` (waits given up after the lease timeout: 503s).
    static func metrics(_ registry: PrometheusCollectorRegistry, pool: String) -> Database.Observer {
        let waits = registry.makeDurationHistogram(name: "db_connection_wait_seconds", labels: [("pool", pool)],
                                                   buckets: PrometheusMetricsMiddleware<PorchlightRequestContext>.latencyBuckets)
        let timeouts = registry.makeCounter(name: "db_connection_timeouts_total", labels: [("pool", pool)])
        return Database.Observer(leased: { waits.record($0) }, timedOut: { timeouts.increment() })
    }
}

/// The API keys of `porchlight key ...`, as JSON text in the API's shape.
public enum KeyCommands {
    /// Every scope a key can have.
    public static let scopes = Scope.allCases.map(\.rawValue)

    public static func create(merchant: UUID, name: String, scopes: [String], client: PostgresClient, logger: Logger) async throws -> String {
        try await migrate(client: client, logger: logger)
        let known = try scopes.map { name in
            guard let scope = Scope(rawValue: name) else {
                throw DomainError.validation([FieldError(field: "scopes", message: "'\(name)' is not one of \(Scope.allCases.map(\.rawValue))")])
            }
            return scope
        }
        let (key, secret) = try await MerchantStore(database: Database(client: client))
            .createKey(for: MerchantID(merchant), name: name, scopes: Set(known), logger: logger)
        var object = json(key)
        object["key"] = secret
        return try text(object)
    }

    public static func list(merchant: UUID, client: PostgresClient, logger: Logger) async throws -> String {
        try text(try await MerchantStore(database: Database(client: client)).keys(merchant: MerchantID(merchant), logger: logger).map(json))
    }

    public static func revoke(merchant: UUID, key: UUID, client: PostgresClient, logger: Logger) async throws -> String {
        try text(json(try await MerchantStore(database: Database(client: client)).revoke(key, merchant: MerchantID(merchant), now: WallClock.system.now, logger: logger)))
    }

    static func text(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    static func json(_ key: APIKeyRecord) -> [String: Any] {
        var object: [String: Any] = ["id": key.id.apiText, "name": key.name, "scopes": key.scopes.map(\.rawValue),
                                     "created_at": APITime.text(key.createdAt)]
        if let used = key.lastUsedAt { object["last_used_at"] = APITime.text(used) }
        if let revoked = key.revokedAt { object["revoked_at"] = APITime.text(revoked) }
        return object
    }
}
