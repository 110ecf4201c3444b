import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

// The contract's message types and Core's, both ways: exhaustive switches, so a value added to
// one side and not the other does not compile.

extension MessageKind {
    init(_ kind: Components.Schemas.MessageKind) {
        self = switch kind {
        case .orderConfirmed: .orderConfirmed
        case .shipped: .shipped
        case .outForDelivery: .outForDelivery
        case .delivered: .delivered
        case .reviewRequested: .reviewRequested
        case .runningLate: .runningLate
        case .deliveryFailed: .deliveryFailed
        case .returnApproved: .returnApproved
        case .returnReceived: .returnReceived
        case .returnSettled: .returnSettled
        case .storeCreditIssued: .storeCreditIssued
        }
    }
}

extension Components.Schemas.MessageKind {
    init(_ kind: MessageKind) {
        self = switch kind {
        case .orderConfirmed: .orderConfirmed
        case .shipped: .shipped
        case .outForDelivery: .outForDelivery
        case .delivered: .delivered
        case .reviewRequested: .reviewRequested
        case .runningLate: .runningLate
        case .deliveryFailed: .deliveryFailed
        case .returnApproved: .returnApproved
        case .returnReceived: .returnReceived
        case .returnSettled: .returnSettled
        case .storeCreditIssued: .storeCreditIssued
        }
    }
}

extension MessageChannel {
    init(_ channel: Components.Schemas.MessageChannel) {
        self = switch channel {
        case .email: .email
        case .webhook: .webhook
        }
    }
}

extension Components.Schemas.MessageChannel {
    init(_ channel: MessageChannel) {
        self = switch channel {
        case .email: .email
        case .webhook: .webhook
        }
    }
}

extension OptOutReason {
    init(_ reason: Components.Schemas.MessageOptOutInput.ReasonPayload) {
        self = switch reason {
        case .complaint: .complaint
        case .bounce: .bounce
        case .customerRequest: .customerRequest
        }
    }
}

extension Components.Schemas.MessageOptOut.ReasonPayload {
    init(_ reason: OptOutReason) {
        self = switch reason {
        case .complaint: .complaint
        case .bounce: .bounce
        case .customerRequest: .customerRequest
        case .unsubscribed: .unsubscribed
        }
    }
}

extension Components.Schemas.Notification.StatusPayload {
    init(_ status: NotificationStatus) {
        self = switch status {
        case .scheduled: .scheduled
        case .sending: .sending
        case .sent: .sent
        case .failed: .failed
        case .suppressed: .suppressed
        }
    }
}

extension Components.Schemas.Notification.ReasonPayload {
    init(_ reason: SuppressionReason) {
        self = switch reason {
        case .optedOut: .optedOut
        case .dailyCap: .dailyCap
        case .orderCancelled: .orderCancelled
        case .noLongerRelevant: .noLongerRelevant
        case .pageMissing: .pageMissing
        case .switchedOff: .switchedOff
        }
    }
}

extension MessageTemplate {
    init(_ input: Components.Schemas.MessageTemplateInput) { self.init(subject: input.subject, text: input.text, html: input.html) }
}

extension MessageSettings {
    init(_ body: Components.Schemas.MessageSettings) throws(DomainError) {
        var quiet = MessageSettings.standard.quietHours
        if let hours = body.quietHours {
            guard let parsed = QuietHours(start: hours.start, end: hours.end) else {
                throw .validation([FieldError(field: "quiet_hours", message: "start and end must be times of day such as 21:00 and 08:00")])
            }
            quiet = parsed
        }
        self.init(kinds: Set(body.kinds.map(MessageKind.init)), channels: Set(body.channels.map(MessageChannel.init)),
                  fromAddress: body.fromAddress, fromName: body.fromName, replyTo: body.replyTo, quietHours: quiet,
                  coalesceMinutes: body.coalesceMinutes ?? MessageSettings.standard.coalesceMinutes,
                  dailyCap: body.dailyCap ?? MessageSettings.standard.dailyCap)
    }
}

extension Components.Schemas.MessageSettings {
    init(_ settings: MessageSettings) {
        self.init(kinds: MessageKind.allCases.filter(settings.kinds.contains).map(Components.Schemas.MessageKind.init),
                  channels: MessageChannel.allCases.filter(settings.channels.contains).map(Components.Schemas.MessageChannel.init),
                  fromAddress: settings.fromAddress, fromName: settings.fromName, replyTo: settings.replyTo,
                  quietHours: .init(start: settings.quietHours.startText, end: settings.quietHours.endText),
                  coalesceMinutes: settings.coalesceMinutes, dailyCap: settings.dailyCap)
    }
}

extension Components.Schemas.MessageTemplate {
    init(_ stored: MessageStore.StoredTemplate) {
        self.init(kind: .init(stored.kind), language: .init(stored.language), subject: stored.template.subject,
                  text: stored.template.text, html: stored.template.html, updatedAt: stored.updatedAt)
    }
}

extension Components.Schemas.Notification {
    init(_ record: MessageStore.NotificationRecord) {
        self.init(id: record.id.apiText, orderId: record.orderID.apiText, kind: .init(record.kind), channel: .init(record.channel),
                  recipient: record.recipient, language: .init(record.language), status: .init(record.status),
                  reason: record.reason.map(ReasonPayload.init), sendAfter: record.sendAfter, sentAt: record.sentAt,
                  attempts: record.attempts, lastError: record.lastError, messageId: record.messageID, documentVersion: Int64(record.version),
                  subject: record.subject, createdAt: record.createdAt, updatedAt: record.updatedAt)
    }
}
