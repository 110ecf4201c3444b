import Foundation

/// The merchant's settings and declarations that Core's rules read beside an order: loaded with
/// it, never stored in its document, and never changed by a change to the order.
public struct MerchantContext: Sendable, Equatable {
    /// The merchant's declared disruptions not yet resolved: what `keepAlertInStep` matches the
    /// order's parcels against.
    public var declaredDisruptions: [DeclaredDisruption]
    /// The merchant's remedy rules: what an alert is offered.
    public var remedyRules: RemedyRules?
    /// The merchant's silence thresholds (nil: the standard ones), and the calendars silence is
    /// counted in (the promise location's, and the order's carrier services').
    public var disruptionSettings: DisruptionSettings?
    public var silenceCalendars: SilenceCalendars
    /// The merchant's settings for failed deliveries (nil: the standard ones), and what the
    /// carrier services of the order's parcels take.
    public var deliverySettings: DeliverySettings?
    public var carrierDeliveryActions: [ServiceKey: Set<DeliveryActionKind>]

    public init(declaredDisruptions: [DeclaredDisruption] = [], remedyRules: RemedyRules? = nil, disruptionSettings: DisruptionSettings? = nil,
                silenceCalendars: SilenceCalendars = .standard, deliverySettings: DeliverySettings? = nil,
                carrierDeliveryActions: [ServiceKey: Set<DeliveryActionKind>] = [:]) {
        (self.declaredDisruptions, self.remedyRules, self.disruptionSettings) = (declaredDisruptions, remedyRules, disruptionSettings)
        (self.silenceCalendars, self.deliverySettings, self.carrierDeliveryActions) = (silenceCalendars, deliverySettings, carrierDeliveryActions)
    }

    /// A merchant that has declared nothing and set nothing up: the standard settings everywhere.
    public static let standard = MerchantContext()

    /// The failed-delivery settings in force: the merchant's, or the standard ones.
    var deliveryRules: DeliverySettings { deliverySettings ?? .standard }
}
