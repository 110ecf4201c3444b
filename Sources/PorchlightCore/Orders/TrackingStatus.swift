/// Normalised carrier status of a shipment, in the spirit of the common carrier/aggregator taxonomies.
public enum TrackingStatus: String, Sendable, Codable, CaseIterable {
    case pending
    case infoReceived = "info_received"
    case inTransit = "in_transit"
    case outForDelivery = "out_for_delivery"
    case attemptedDelivery = "attempted_delivery"
    case availableForPickup = "available_for_pickup"
    case delivered
    case exception
    case returnedToSender = "returned_to_sender"
}

/// Why a shipment is in its status, where the carrier says.
public enum TrackingSubstatus: String, Sendable, Codable, CaseIterable {
    case weatherDelay = "weather_delay"
    case carrierDelay = "carrier_delay"
    case customsHold = "customs_hold"
    case heldAtFacility = "held_at_facility"
    case addressIssue = "address_issue"
    case damaged, lost, refused
    case recipientUnavailable = "recipient_unavailable"
    case paymentDue = "payment_due"
    /// The driver could not reach the door (a locked gate, no access code).
    case accessProblem = "access_problem"
    /// Identification was needed and not shown.
    case idRequired = "id_required"
    case deliveredToNeighbour = "delivered_to_neighbour"
    case deliveredToSafePlace = "delivered_to_safe_place"
    case deliveredToPickupPoint = "delivered_to_pickup_point"
    case signedFor = "signed_for"
    case other

    /// Whether it explains a late or stuck parcel (the others say where it was delivered).
    public var explainsDelay: Bool {
        switch self {
        case .weatherDelay, .carrierDelay, .customsHold, .heldAtFacility, .addressIssue, .damaged, .lost, .refused,
             .recipientUnavailable, .paymentDue, .accessProblem, .idRequired: true
        case .deliveredToNeighbour, .deliveredToSafePlace, .deliveredToPickupPoint, .signedFor, .other: false
        }
    }
}

/// The order's status, rolled up from its lines and shipments.
public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    case processing
    case partiallyShipped = "partially_shipped"
    case shipped
    case inTransit = "in_transit"
    case outForDelivery = "out_for_delivery"
    case availableForPickup = "available_for_pickup"
    case attemptedDelivery = "attempted_delivery"
    case partiallyDelivered = "partially_delivered"
    case delivered
    case exception
    case cancelled
}
