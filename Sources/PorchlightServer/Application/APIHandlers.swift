import Foundation
import PorchlightCore
import PorchlightAPI
import PorchlightStore
import Prometheus

/// Implements the generated `APIProtocol`. Each capability adds its handlers in an extension in
/// its own folder; handlers unpack input, make one store call and map the result. A class: the
/// generated server copies its handler into every request, and a struct of thirty stores made
/// that copy 3% of a light request's CPU.
final class APIHandlers: APIProtocol {
    let orders: OrderStore
    let shipments: ShipmentStore
    let lookups: OrderLookupStore
    let customerViews: CustomerViewStore
    let promises: PromiseStore
    let planner: PromisePlanner
    let reviews: ReviewStore
    let returnPolicies: ReturnPolicyStore
    let returns: ReturnStore
    let alerts: AlertStore
    let disruptions: DisruptionStore
    let remedies: RemedyStore
    let deliveries: DeliveryStore
    let events: EventFeed
    let merchants: MerchantStore
    let webhookEndpoints: WebhookEndpointStore
    let webhookDeliveries: WebhookDeliveries
    let webhookAddresses: WebhookAddresses
    let migrator: Migrator
    /// The database servers, whose search for a primary readiness reports.
    let databaseServers: DatabaseServers
    let customerTokens: CustomerTokenStore
    let authenticator: Authenticator
    let pages: TrackingPageStore
    let renderer: PageRenderer
    let messages: MessageStore
    let messageRenderer: MessageRenderer
    /// Whether this service has an SMTP server (`SMTP_URL`): email may be switched on.
    let canSendEmail: Bool
    let registry: PrometheusCollectorRegistry
    /// The time every handler reads (see `WallClock`).
    let clock: WallClock

    init(orders: OrderStore, shipments: ShipmentStore, lookups: OrderLookupStore, customerViews: CustomerViewStore, promises: PromiseStore,
         planner: PromisePlanner, reviews: ReviewStore, returnPolicies: ReturnPolicyStore, returns: ReturnStore, alerts: AlertStore,
         disruptions: DisruptionStore, remedies: RemedyStore, deliveries: DeliveryStore, events: EventFeed, merchants: MerchantStore,
         webhookEndpoints: WebhookEndpointStore, webhookDeliveries: WebhookDeliveries, webhookAddresses: WebhookAddresses,
         migrator: Migrator, databaseServers: DatabaseServers, customerTokens: CustomerTokenStore, authenticator: Authenticator,
         pages: TrackingPageStore, renderer: PageRenderer, messages: MessageStore, messageRenderer: MessageRenderer, canSendEmail: Bool,
         registry: PrometheusCollectorRegistry, clock: WallClock) {
        self.orders = orders
        self.shipments = shipments
        self.lookups = lookups
        self.customerViews = customerViews
        self.promises = promises
        self.planner = planner
        self.reviews = reviews
        self.returnPolicies = returnPolicies
        self.returns = returns
        self.alerts = alerts
        self.disruptions = disruptions
        self.remedies = remedies
        self.deliveries = deliveries
        self.events = events
        self.merchants = merchants
        self.webhookEndpoints = webhookEndpoints
        self.webhookDeliveries = webhookDeliveries
        self.webhookAddresses = webhookAddresses
        self.migrator = migrator
        self.databaseServers = databaseServers
        self.customerTokens = customerTokens
        self.authenticator = authenticator
        self.pages = pages
        self.renderer = renderer
        self.messages = messages
        self.messageRenderer = messageRenderer
        self.canSendEmail = canSendEmail
        self.registry = registry
        self.clock = clock
    }

    /// The contract, served as-is at /openapi.yaml; compiled into the binary, so it cannot go missing.
    static let specification = Data(PackageResources.openapi_yaml)
}

/// Parses a path id; a malformed one is the client's mistake (400), not a lookup miss.
func parseID(_ text: String, _ parameter: String) throws -> UUID {
    guard let id = UUID(uuidString: text) else {
        throw DomainError.badRequest("\(parameter) must be a UUID such as 0b6f1c3e-6d1f-4c0a-9a57-3f0c2f1d9e11.",
                                     [FieldError(field: parameter, message: "must be a UUID")])
    }
    return id
}
