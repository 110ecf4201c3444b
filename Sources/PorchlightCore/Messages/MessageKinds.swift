import Foundation

/// What a message to a customer is about.
public enum MessageKind: String, Sendable, CaseIterable, Codable {
    case orderConfirmed = "order_confirmed"
    case shipped
    case outForDelivery = "out_for_delivery"
    case delivered
    case reviewRequested = "review_requested"
    case runningLate = "running_late"
    case deliveryFailed = "delivery_failed"
    case returnApproved = "return_approved"
    case returnReceived = "return_received"
    case returnSettled = "return_settled"
    case storeCreditIssued = "store_credit_issued"

    /// Tracking updates follow each other quickly: they are coalesced into one message of the
    /// latest state, and capped per day. The others each answer one thing that happened once.
    public var isTrackingUpdate: Bool {
        switch self {
        case .shipped, .outForDelivery, .delivered, .runningLate: true
        case .orderConfirmed, .reviewRequested, .deliveryFailed, .returnApproved, .returnReceived, .returnSettled, .storeCreditIssued: false
        }
    }

    var texts: (subject: MessageText, intro: MessageText, topic: MessageText) {
        switch self {
        case .orderConfirmed: (.subjectOrderConfirmed, .introOrderConfirmed, .topicOrderConfirmed)
        case .shipped: (.subjectShipped, .introShipped, .topicShipped)
        case .outForDelivery: (.subjectOutForDelivery, .introOutForDelivery, .topicOutForDelivery)
        case .delivered: (.subjectDelivered, .introDelivered, .topicDelivered)
        case .reviewRequested: (.subjectReviewRequested, .introReviewRequested, .topicReviewRequested)
        case .runningLate: (.subjectRunningLate, .introRunningLate, .topicRunningLate)
        case .deliveryFailed: (.subjectDeliveryFailed, .introDeliveryFailed, .topicDeliveryFailed)
        case .returnApproved: (.subjectReturnApproved, .introReturnApproved, .topicReturnApproved)
        case .returnReceived: (.subjectReturnReceived, .introReturnReceived, .topicReturnReceived)
        case .returnSettled: (.subjectReturnSettled, .introReturnSettled, .topicReturnSettled)
        case .storeCreditIssued: (.subjectStoreCreditIssued, .introStoreCreditIssued, .topicStoreCreditIssued)
        }
    }

    /// What the message's button says.
    var action: MessageText {
        switch self {
        case .deliveryFailed, .runningLate: .actionChoose
        case .reviewRequested: .actionReview
        case .returnApproved, .returnReceived, .returnSettled, .storeCreditIssued: .actionReturn
        case .orderConfirmed, .shipped, .outForDelivery, .delivered: .actionTrack
        }
    }

    /// "emails about ..." in the language: what the unsubscribe page names.
    public func topic(_ language: CustomerLanguage) -> String { texts.topic.text(language) }
}

/// How a message reaches the customer.
public enum MessageChannel: String, Sendable, CaseIterable, Codable {
    /// Sent by Porchlight over SMTP.
    case email
    /// A `notification.requested` event with the rendered text, for the merchant's own SMS, push
    /// or chat provider.
    case webhook
}

/// Where a message is.
public enum NotificationStatus: String, Sendable, CaseIterable {
    case scheduled, sent, failed, suppressed
}

/// Why a message was held back.
public enum SuppressionReason: String, Sendable, CaseIterable {
    case optedOut = "opted_out"
    case dailyCap = "daily_cap"
    case orderCancelled = "order_cancelled"
    /// The state it was about passed before it went out (the exception was answered, the alert
    /// resolved).
    case noLongerRelevant = "no_longer_relevant"
    /// The merchant's page was taken down: there is nothing to link to.
    case pageMissing = "page_missing"
}

/// Why an address gets no more messages.
public enum OptOutReason: String, Sendable, CaseIterable {
    case complaint, bounce
    case customerRequest = "customer_request"
    /// The customer's own one-click unsubscribe.
    case unsubscribed
}
