import PorchlightAPI
import PorchlightCore
import PorchlightStore

// Conversions between Core enums and their generated twins, one per direction in use. Exhaustive
// switches, so a case added on either side fails to compile here instead of failing at run time.

extension OrderStatus {
    init(_ status: Components.Schemas.OrderStatus) {
        self = switch status {
        case .processing: .processing
        case .partiallyShipped: .partiallyShipped
        case .shipped: .shipped
        case .inTransit: .inTransit
        case .outForDelivery: .outForDelivery
        case .availableForPickup: .availableForPickup
        case .attemptedDelivery: .attemptedDelivery
        case .partiallyDelivered: .partiallyDelivered
        case .delivered: .delivered
        case .exception: .exception
        case .cancelled: .cancelled
        }
    }
}

extension Components.Schemas.OrderStatus {
    init(_ status: OrderStatus) {
        self = switch status {
        case .processing: .processing
        case .partiallyShipped: .partiallyShipped
        case .shipped: .shipped
        case .inTransit: .inTransit
        case .outForDelivery: .outForDelivery
        case .availableForPickup: .availableForPickup
        case .attemptedDelivery: .attemptedDelivery
        case .partiallyDelivered: .partiallyDelivered
        case .delivered: .delivered
        case .exception: .exception
        case .cancelled: .cancelled
        }
    }
}

/// Only this direction: a reported event is never `pending` (Core's status before any scan).
extension TrackingStatus {
    init(_ status: Components.Schemas.TrackingEventStatus) {
        self = switch status {
        case .infoReceived: .infoReceived
        case .inTransit: .inTransit
        case .outForDelivery: .outForDelivery
        case .attemptedDelivery: .attemptedDelivery
        case .availableForPickup: .availableForPickup
        case .delivered: .delivered
        case .exception: .exception
        case .returnedToSender: .returnedToSender
        }
    }
}

extension Components.Schemas.TrackingStatus {
    init(_ status: TrackingStatus) {
        self = switch status {
        case .pending: .pending
        case .infoReceived: .infoReceived
        case .inTransit: .inTransit
        case .outForDelivery: .outForDelivery
        case .attemptedDelivery: .attemptedDelivery
        case .availableForPickup: .availableForPickup
        case .delivered: .delivered
        case .exception: .exception
        case .returnedToSender: .returnedToSender
        }
    }
}

extension Components.Schemas.TrackingSubstatus {
    init(_ substatus: TrackingSubstatus) {
        self = switch substatus {
        case .weatherDelay: .weatherDelay
        case .carrierDelay: .carrierDelay
        case .customsHold: .customsHold
        case .heldAtFacility: .heldAtFacility
        case .addressIssue: .addressIssue
        case .damaged: .damaged
        case .lost: .lost
        case .refused: .refused
        case .recipientUnavailable: .recipientUnavailable
        case .paymentDue: .paymentDue
        case .accessProblem: .accessProblem
        case .idRequired: .idRequired
        case .deliveredToNeighbour: .deliveredToNeighbour
        case .deliveredToSafePlace: .deliveredToSafePlace
        case .deliveredToPickupPoint: .deliveredToPickupPoint
        case .signedFor: .signedFor
        case .other: .other
        }
    }
}

extension TrackingSubstatus {
    init(_ substatus: Components.Schemas.TrackingSubstatus) {
        self = switch substatus {
        case .weatherDelay: .weatherDelay
        case .carrierDelay: .carrierDelay
        case .customsHold: .customsHold
        case .heldAtFacility: .heldAtFacility
        case .addressIssue: .addressIssue
        case .damaged: .damaged
        case .lost: .lost
        case .refused: .refused
        case .recipientUnavailable: .recipientUnavailable
        case .paymentDue: .paymentDue
        case .accessProblem: .accessProblem
        case .idRequired: .idRequired
        case .deliveredToNeighbour: .deliveredToNeighbour
        case .deliveredToSafePlace: .deliveredToSafePlace
        case .deliveredToPickupPoint: .deliveredToPickupPoint
        case .signedFor: .signedFor
        case .other: .other
        }
    }
}

extension ChannelType {
    init(_ type: Components.Schemas.Channel._TypePayload) {
        self = switch type {
        case .web: .web
        case .app: .app
        case .marketplace: .marketplace
        case .social: .social
        case .pos: .pos
        case .phone: .phone
        case .other: .other
        }
    }
}

extension Components.Schemas.Channel._TypePayload {
    init(_ type: ChannelType) {
        self = switch type {
        case .web: .web
        case .app: .app
        case .marketplace: .marketplace
        case .social: .social
        case .pos: .pos
        case .phone: .phone
        case .other: .other
        }
    }
}

extension CancellationReason {
    init(_ reason: Components.Schemas.CancellationReason) {
        self = switch reason {
        case .customerRequest: .customerRequest
        case .outOfStock: .outOfStock
        case .fraud: .fraud
        case .paymentDeclined: .paymentDeclined
        case .other: .other
        }
    }
}

extension Weekday {
    init(_ day: Components.Schemas.Weekday) {
        self = switch day {
        case .mon: .mon
        case .tue: .tue
        case .wed: .wed
        case .thu: .thu
        case .fri: .fri
        case .sat: .sat
        case .sun: .sun
        }
    }
}

extension Components.Schemas.Weekday {
    init(_ day: Weekday) {
        self = switch day {
        case .mon: .mon
        case .tue: .tue
        case .wed: .wed
        case .thu: .thu
        case .fri: .fri
        case .sat: .sat
        case .sun: .sun
        }
    }
}

extension Components.Schemas.EstimateBasis {
    init(_ basis: EstimateBasis) {
        self = switch basis {
        case .lane: .lane
        case .destinationRegion: .destinationRegion
        case .route: .route
        case .carrierService: .carrierService
        case .location: .location
        case .merchant: .merchant
        case .configured: .configured
        case .latestScan: .latestScan
        case .customerChoice: .customerChoice
        }
    }
}

extension EventType {
    init(_ type: Components.Schemas.EventType) {
        self = switch type {
        case .order_created: .orderCreated
        case .order_updated: .orderUpdated
        case .order_cancelled: .orderCancelled
        case .order_statusChanged: .orderStatusChanged
        case .shipment_created: .shipmentCreated
        case .shipment_statusChanged: .shipmentStatusChanged
        case .promise_recorded: .promiseRecorded
        case .promise_kept: .promiseKept
        case .promise_missed: .promiseMissed
        case .estimate_changed: .estimateChanged
        case .promise_atRisk: .promiseAtRisk
        case .review_submitted: .reviewSubmitted
        case .review_helpRequested: .reviewHelpRequested
        case .review_published: .reviewPublished
        case .review_requested: .reviewRequested
        case .return_requested: .returnRequested
        case .return_approved: .returnApproved
        case .return_declined: .returnDeclined
        case .return_received: .returnReceived
        case .return_resolved: .returnResolved
        case .return_cancelled: .returnCancelled
        case .return_lost: .returnLost
        case .return_expired: .returnExpired
        case .alert_opened: .alertOpened
        case .alert_escalated: .alertEscalated
        case .alert_resolved: .alertResolved
        case .disruption_declared: .disruptionDeclared
        case .disruption_resolved: .disruptionResolved
        case .remedy_offered: .remedyOffered
        case .remedy_chosen: .remedyChosen
        case .remedy_applied: .remedyApplied
        case .order_confirmationRequested: .orderConfirmationRequested
        case .order_confirmed: .orderConfirmed
        case .deliveryException_opened: .deliveryExceptionOpened
        case .deliveryException_closed: .deliveryExceptionClosed
        case .deliveryAction_requested: .deliveryActionRequested
        case .deliveryAction_acknowledged: .deliveryActionAcknowledged
        case .deliveryAction_failed: .deliveryActionFailed
        case .notification_requested: .notificationRequested
        }
    }
}

extension Components.Schemas.EventType {
    init(_ type: EventType) {
        self = switch type {
        case .orderCreated: .order_created
        case .orderUpdated: .order_updated
        case .orderCancelled: .order_cancelled
        case .orderStatusChanged: .order_statusChanged
        case .shipmentCreated: .shipment_created
        case .shipmentStatusChanged: .shipment_statusChanged
        case .promiseRecorded: .promise_recorded
        case .promiseKept: .promise_kept
        case .promiseMissed: .promise_missed
        case .estimateChanged: .estimate_changed
        case .promiseAtRisk: .promise_atRisk
        case .reviewSubmitted: .review_submitted
        case .reviewHelpRequested: .review_helpRequested
        case .reviewPublished: .review_published
        case .reviewRequested: .review_requested
        case .returnRequested: .return_requested
        case .returnApproved: .return_approved
        case .returnDeclined: .return_declined
        case .returnReceived: .return_received
        case .returnResolved: .return_resolved
        case .returnCancelled: .return_cancelled
        case .returnLost: .return_lost
        case .returnExpired: .return_expired
        case .alertOpened: .alert_opened
        case .alertEscalated: .alert_escalated
        case .alertResolved: .alert_resolved
        case .disruptionDeclared: .disruption_declared
        case .disruptionResolved: .disruption_resolved
        case .remedyOffered: .remedy_offered
        case .remedyChosen: .remedy_chosen
        case .remedyApplied: .remedy_applied
        case .orderConfirmationRequested: .order_confirmationRequested
        case .orderConfirmed: .order_confirmed
        case .deliveryExceptionOpened: .deliveryException_opened
        case .deliveryExceptionClosed: .deliveryException_closed
        case .deliveryActionRequested: .deliveryAction_requested
        case .deliveryActionAcknowledged: .deliveryAction_acknowledged
        case .deliveryActionFailed: .deliveryAction_failed
        case .notificationRequested: .notification_requested
        }
    }
}

extension Components.Schemas.WebhookDeliveryStatus {
    init(_ status: WebhookDeliveryStatus) {
        self = switch status {
        case .pending: .pending
        case .succeeded: .succeeded
        case .failed: .failed
        }
    }
}

extension WebhookDeliveryStatus {
    init(_ status: Components.Schemas.WebhookDeliveryStatus) {
        self = switch status {
        case .pending: .pending
        case .succeeded: .succeeded
        case .failed: .failed
        }
    }
}

extension Components.Schemas.WebhookDisabledReason {
    init(_ reason: WebhookDisabledReason) {
        self = switch reason {
        case .merchant: .merchant
        case .gone: .gone
        case .failing: .failing
        }
    }
}

extension Scope {
    /// Every scope the contract names is one the service knows.
    init(_ scope: Components.Schemas.Scope) throws {
        guard let known = Scope(rawValue: scope.rawValue) else {
            throw DomainError.validation([FieldError(field: "scopes", message: "'\(scope.rawValue)' is not a scope")])
        }
        self = known
    }
}

extension Components.Schemas.Scope {
    init(_ scope: Scope) {
        self = switch scope {
        case .ordersRead: .orders_colon_read
        case .ordersWrite: .orders_colon_write
        case .trackingWrite: .tracking_colon_write
        case .ordersLookup: .orders_colon_lookup
        case .promisesRead: .promises_colon_read
        case .promisesWrite: .promises_colon_write
        case .quotesWrite: .quotes_colon_write
        case .eventsRead: .events_colon_read
        case .webhooksManage: .webhooks_colon_manage
        case .keysManage: .keys_colon_manage
        case .reviewsRead: .reviews_colon_read
        case .reviewsWrite: .reviews_colon_write
        case .returnsRead: .returns_colon_read
        case .returnsWrite: .returns_colon_write
        case .disruptionsWrite: .disruptions_colon_write
        }
    }
}

extension Components.Schemas.CountryCode {
    /// A country code that Core checked (on its way in, or before it was stored). Core accepts only
    /// the codes this enum lists (`ISOCodes.countries`), so another value means drift.
    init(checked code: String) throws {
        guard let known = Self(rawValue: code) else { throw UnknownCountry(code: code) }
        self = known
    }

    struct UnknownCountry: Error, CustomStringConvertible {
        var code: String
        var description: String { "country code '\(code)' passed Core's check but is not in the contract's CountryCode" }
    }
}

extension CustomerProof {
    init(_ proof: Components.Schemas.CustomerProof) {
        self = switch proof {
        case .postalCode: .postalCode
        case .email: .email
        case .link: .link
        }
    }
}

extension Components.Schemas.CustomerProof {
    init(_ proof: CustomerProof) {
        self = switch proof {
        case .postalCode: .postalCode
        case .email: .email
        case .link: .link
        }
    }
}

extension CustomerViewField {
    init(_ field: Components.Schemas.CustomerViewField) {
        self = switch field {
        case .trackingNumbers: .trackingNumbers
        case .eventDescriptions: .eventDescriptions
        case .eventLocations: .eventLocations
        case .productLinks: .productLinks
        case .images: .images
        }
    }
}

extension Components.Schemas.CustomerViewField {
    init(_ field: CustomerViewField) {
        self = switch field {
        case .trackingNumbers: .trackingNumbers
        case .eventDescriptions: .eventDescriptions
        case .eventLocations: .eventLocations
        case .productLinks: .productLinks
        case .images: .images
        }
    }
}
