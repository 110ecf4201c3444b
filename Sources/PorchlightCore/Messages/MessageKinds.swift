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
    public var isTrackingUpdate: Bool { trackingRank != nil }

    /// How far along a tracking update is: a message never says less than one already sent
    /// (no "on its way" after "out for delivery").
    var trackingRank: Int? {
        switch self {
        case .shipped: 0
        case .runningLate: 1
        case .outForDelivery: 2
        case .delivered: 3
        case .orderConfirmed, .reviewRequested, .deliveryFailed, .returnApproved, .returnReceived, .returnSettled, .storeCreditIssued: nil
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
    case scheduled
    /// A dispatcher holds it (its lease): the planner leaves it alone.
    case sending
    case sent, failed, suppressed
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
    /// The merchant switched the kind or the channel off before it went out.
    case switchedOff = "switched_off"
}

/// Why an address gets no more messages.
public enum OptOutReason: String, Sendable, CaseIterable {
    case complaint, bounce
    case customerRequest = "customer_request"
    /// The customer's own one-click unsubscribe.
    case unsubscribed
}
