/// The customer messages' wording, one table per language, like the page's (`PageTranslations`):
/// English is the reference; the others translate it key by key, keep its `{placeholders}`, and
/// address the customer as the page does in that language.
enum MessageTranslations {
    static func table(for language: CustomerLanguage) -> [MessageText: String] {
        switch language {
        case .en: english
        case .es: spanish
        case .ro: romanian
        case .id: indonesian
        case .ru: russian
        case .zhHans: simplifiedChinese
        case .ptBR: brazilianPortuguese
        case .de: german
        case .fr: french
        case .it: italian
        case .pl: polish
        case .tr: turkish
        case .nl: dutch
        }
    }

    static let english: [MessageText: String] = [
        .subjectOrderConfirmed: "Order {number} is confirmed",
        .introOrderConfirmed: "Thank you for your order from {shop}. We will tell you when it is on its way.",
        .subjectShipped: "Order {number} is on its way",
        .introShipped: "Your order has left {shop} and is on its way to you.",
        .subjectOutForDelivery: "Order {number} arrives today",
        .introOutForDelivery: "Your parcel is out for delivery and should arrive today.",
        .subjectDelivered: "Order {number} has been delivered",
        .introDelivered: "Your order has been delivered. If anything is not right, tell us on your order page.",
        .subjectReviewRequested: "How was your order {number}?",
        .introReviewRequested: "Tell other customers what you think of what you bought. If something is wrong, ask us for help first: we will put it right.",
        .subjectRunningLate: "Order {number} is running late",
        .introRunningLate: "Your parcel is taking longer than we promised. We are sorry for the wait.",
        .subjectDeliveryFailed: "We missed you: order {number}",
        .introDeliveryFailed: "The carrier could not deliver your parcel. Choose what should happen next by {deadline}.",
        .subjectReturnApproved: "Your return for order {number} is approved",
        .introReturnApproved: "Your return is approved. Your order page shows how to send the items back.",
        .subjectReturnReceived: "We have received your return for order {number}",
        .introReturnReceived: "The items you sent back have arrived. We will tell you when your return is settled.",
        .subjectReturnSettled: "Your return for order {number} is settled",
        .introReturnSettled: "Your return is settled: {amount} is on its way back to you.",
        .subjectStoreCreditIssued: "You have {amount} of store credit from {shop}",
        .introStoreCreditIssued: "Your return is settled with {amount} of store credit to spend at {shop}.",

        .topicOrderConfirmed: "order confirmations",
        .topicShipped: "shipping updates",
        .topicOutForDelivery: "out-for-delivery notices",
        .topicDelivered: "delivery notices",
        .topicReviewRequested: "review requests",
        .topicRunningLate: "delay notices",
        .topicDeliveryFailed: "missed deliveries",
        .topicReturnApproved: "return approvals",
        .topicReturnReceived: "returns received",
        .topicReturnSettled: "settled returns",
        .topicStoreCreditIssued: "store credit",

        .greetingNamed: "Hello {name},",
        .greeting: "Hello,",
        .actionTrack: "Track your order",
        .actionChoose: "Choose what happens next",
        .actionReview: "Write a review",
        .actionReturn: "See your return",
        .footerReason: "You receive this email because you ordered from {shop}.",
        .unsubscribeLink: "Unsubscribe from {topic}",

        .unsubscribeTitle: "Unsubscribe",
        .unsubscribeQuestion: "Stop emails about {topic} from {shop}?",
        .unsubscribeButton: "Unsubscribe",
        .unsubscribedNotice: "Done: {shop} will send you no more emails about {topic}.",
        .unsubscribeUnknown: "This unsubscribe link is not valid.",
    ]
}
