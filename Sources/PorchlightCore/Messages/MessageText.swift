import Foundation

/// Every text of the built-in customer messages and of the unsubscribe page, by key. Each
/// language's wording lives in its own table (`MessageTranslations.swift`); `{name}` marks a value
/// filled in when a message is rendered. Statuses, arrival windows and remedies come from the
/// page's own wording (`PageText`), so a message and the page it links to say the same thing.
public enum MessageText: String, Sendable, CaseIterable {
    // Subject and opening sentence of each kind.
    case subjectOrderConfirmed, introOrderConfirmed
    case subjectShipped, introShipped
    case subjectOutForDelivery, introOutForDelivery
    case subjectDelivered, introDelivered
    case subjectReviewRequested, introReviewRequested
    case subjectRunningLate, introRunningLate
    case subjectDeliveryFailed, introDeliveryFailed
    case subjectReturnApproved, introReturnApproved
    case subjectReturnReceived, introReturnReceived
    case subjectReturnSettled, introReturnSettled
    case subjectStoreCreditIssued, introStoreCreditIssued
    // What each kind is called on the unsubscribe page ("emails about ...").
    case topicOrderConfirmed, topicShipped, topicOutForDelivery, topicDelivered, topicReviewRequested, topicRunningLate
    case topicDeliveryFailed, topicReturnApproved, topicReturnReceived, topicReturnSettled, topicStoreCreditIssued
    // The frame around every message.
    case greetingNamed, greeting, actionTrack, actionChoose, actionReview, actionReturn, footerReason, unsubscribeLink
    // The unsubscribe page.
    case unsubscribeTitle, unsubscribeQuestion, unsubscribeButton, unsubscribedNotice, unsubscribeUnknown

    /// The English wording: the reference every other language translates.
    public var english: String { MessageTranslations.english[self] ?? rawValue }

    /// The text in `language`, with each `{name}` replaced by its value.
    public func text(_ language: CustomerLanguage, _ values: [String: String] = [:]) -> String {
        var text = MessageTranslations.table(for: language)[self] ?? english
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The `{name}` placeholders of the English wording: every translation must have the same.
    public var placeholders: Set<String> { PageText.placeholders(in: english) }
}
