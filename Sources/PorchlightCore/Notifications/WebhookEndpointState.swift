import Foundation

/// Whether an endpoint receives its events, and if not, why. The merchant disables and
/// re-enables it (`WebhookEndpoint.changed`); the dispatcher disables an enabled one that answers
/// 410 or keeps failing (`WebhookRetryPolicy.decide`, written set-based by `WebhookDeliveries`,
/// which keeps the first reason as this table does).
public enum WebhookEndpointState: Hashable, Sendable, StateMachine {
    case enabled
    case disabled(WebhookDisabledReason)

    public static let allCases: [WebhookEndpointState] = [.enabled] + WebhookDisabledReason.allCases.map(Self.disabled)

    /// An enabled endpoint is disabled for one reason, which stays until the merchant re-enables
    /// it (disabling it again keeps the reason).
    public static let allowed: [WebhookEndpointState: Set<WebhookEndpointState>] = [
        .enabled: [.disabled(.merchant), .disabled(.gone), .disabled(.failing)],
        .disabled(.merchant): [.enabled],
        .disabled(.gone): [.enabled],
        .disabled(.failing): [.enabled],
    ]

    public static let subject = "The webhook endpoint"

    public var name: String {
        switch self {
        case .enabled: "enabled"
        case .disabled(let reason): "disabled (\(reason.rawValue))"
        }
    }
}
