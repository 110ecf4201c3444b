import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

// Mapping between the generated contract types and the Core models of the Notifications capability
// (the event feed and webhooks).

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

extension Components.Schemas.Event {
    init(_ event: FeedEvent) throws {
        self.init(
            id: event.id.apiText, sequence: event.sequence, _type: .init(event.type), orderId: event.orderID?.apiText,
            documentVersion: event.documentVersion.map(Int.init), occurredAt: event.occurredAt,
            data: try ContractJSON.decode(Components.Schemas.Event.DataPayload.self, from: Data(event.data.utf8)))
    }
}

extension Components.Schemas.WebhookEndpoint {
    init(_ endpoint: WebhookEndpoint) {
        self.init(
            id: endpoint.id.apiText, url: endpoint.url, description: endpoint.description,
            eventTypes: endpoint.selection.selectors.compactMap(Components.Schemas.WebhookEventSelector.init(rawValue:)),
            enabled: endpoint.enabled, disabledReason: endpoint.disabledReason.map(Components.Schemas.WebhookDisabledReason.init),
            disabledAt: endpoint.disabledAt, failingSince: endpoint.failingSince, createdAt: endpoint.createdAt, updatedAt: endpoint.updatedAt)
    }
}

extension Components.Schemas.WebhookDelivery {
    init(_ delivery: WebhookDeliveryRecord) {
        self.init(
            eventId: delivery.eventID.apiText, eventType: delivery.eventType, sequence: delivery.sequence, status: .init(delivery.status),
            attemptCount: delivery.attemptCount, nextAttemptAt: delivery.nextAttemptAt, createdAt: delivery.createdAt,
            completedAt: delivery.completedAt,
            attempts: delivery.attempts.map {
                .init(attemptedAt: $0.at, statusCode: $0.statusCode, latencyMs: $0.latencyMs, responseBody: $0.responseBody, error: $0.error)
            })
    }
}
