import Foundation

/// Every text the customer's page shows, by key. Each language's wording lives in its own table
/// (`PageTranslations.swift`); `{name}` marks a value filled in when the page is rendered. A test
/// fails when a language lacks a key or a placeholder, so the page never falls back to English
/// in the middle of another language.
public enum PageText: String, Sendable, CaseIterable {
    // The look-up page.
    case lookupTitle, lookupIntro, orderNumberLabel, emailLabel, postalCodeLabel, proofHint, findOrderButton
    case lookupNotFound, lookupThrottled, lookupInvalid, sessionEnded
    // The order page's header.
    case orderHeading, placedOn, languageLabel, supportHeading, visitStore, skipToContent
    // Order statuses, as the header states them.
    case orderProcessing, orderPartiallyShipped, orderShipped, orderInTransit, orderOutForDelivery, orderAvailableForPickup
    case orderPartiallyDelivered, orderDelivered, orderDeliveryProblem, orderCancelled
    // Arrival.
    case arrivalHeading, arrivalWindow, arrivalConfidence, runningLate, promisedWindow, deliveredOn
    // Parcels and their scans.
    case parcelsHeading, parcelHeading, trackingNumberLabel, noParcelsYet, checkpointsHeading, showAllCheckpoints
    case scanInfoReceived, scanInTransit, scanOutForDelivery, scanAttemptedDelivery, scanAvailableForPickup
    case scanDelivered, scanException, scanReturnedToSender, parcelPending
    case quantityOf
    // An open alert and its remedies.
    case alertHeading, alertDelay, alertLongDelay, alertCritical, remediesIntro, remedyChosen, remedyExpires
    case remedyDiscountCode, remedyDiscountPercent, remedyFreeShipping, remedyShippingRefund, remedyReship, remedyCancelAndRefund
    case remedyCode
    // Returns.
    case returnsHeading, returnQuantityLabel, returnReasonLabel, returnResolutionLabel, returnMethodLabel
    case openReturnButton, returnOpened, returnNothingSelected, returnProgressHeading
    case reasonDamaged, reasonDefective, reasonWrongItem, reasonNotAsDescribed, reasonTooSmall, reasonTooLarge
    case reasonChangedMind, reasonArrivedLate, reasonOther
    case resolutionRefund, resolutionStoreCredit, resolutionExchange, resolutionKeepItem, resolutionReship
    case methodMail, methodInStore, methodReturnless
    case returnRequested, returnApproved, returnDeclined, returnCancelled
    case returnAwaitingParcel, returnParcelInTransit, returnReceived, returnLost, returnExpired
    case returnRefunded, returnCredited, returnExchanged, returnKept, returnReshipped
    // Reviews and the delivery rating.
    case reviewsHeading, reviewIntro, reviewTitleLabel, reviewBodyLabel, submitReviewButton, reviewThanks
    case helpFirst, deliveryRatingLabel, deliveryCommentLabel, rateDeliveryButton
    case starsOne, starsTwo, starsThree, starsFour, starsFive
    // Recommendations, actions' outcomes, and the footer.
    case recommendationsHeading, formExpired, refreshNotice, poweredBy
    // What the page says after an action, and when the rules refused it.
    case displayNameLabel, remedyChosenNotice, deliveryRatedNotice, remedyFailed, returnFailed, reviewFailed, deliveryRatingFailed
    // A failed delivery attempt and what the customer may choose.
    case deliveryFailedHeading, deliveryReasonCustomerUnavailable, deliveryReasonAddressProblem, deliveryReasonRefused
    case deliveryReasonPaymentOrID, deliveryReasonAccessProblem, deliveryReasonCarrierProblem
    case deliveryRespondBy, deliveryChooseLegend, deliveryKindReattempt, deliveryKindInstructions, deliveryKindAddressChange
    case deliveryKindPickupPoint, deliveryKindReturnToSender, deliveryDateLabel, deliveryInstructionsLabel, deliveryAddressLegend
    case addressLine1Label, addressLine2Label, addressCityLabel, deliveryPickupPointLabel, deliveryActionButton
    case deliveryActionRequested, deliveryActionConfirmed, deliveryCarrierCouldNot, deliveryActionSentNotice, deliveryActionFailedNotice
    case deliveryAddressIncomplete
    // A cash-on-delivery order waiting for its customer's confirmation.
    case confirmHeading, confirmIntro, confirmButton, orderConfirmedNotice, orderConfirmFailed

    /// The English wording: the reference every other language translates.
    public var english: String { PageTranslations.english[self] ?? rawValue }

    /// The text in `language`, with each `{name}` replaced by its value.
    public func text(_ language: CustomerLanguage, _ values: [String: String] = [:]) -> String {
        var text = PageTranslations.table(for: language)[self] ?? english
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The `{name}` placeholders of the English wording: every translation must have the same.
    public var placeholders: Set<String> { Self.placeholders(in: english) }

    public static func placeholders(in text: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}

extension OrderStatus {
    /// How the page's header (and a message) states the status.
    public var pageText: PageText {
        switch self {
        case .processing: .orderProcessing
        case .partiallyShipped: .orderPartiallyShipped
        case .shipped: .orderShipped
        case .inTransit: .orderInTransit
        case .outForDelivery: .orderOutForDelivery
        case .availableForPickup: .orderAvailableForPickup
        case .partiallyDelivered: .orderPartiallyDelivered
        case .delivered: .orderDelivered
        case .attemptedDelivery, .exception: .orderDeliveryProblem
        case .cancelled: .orderCancelled
        }
    }
}

extension RemedyKind {
    /// How the page (and a message) names the remedy.
    public var pageText: PageText {
        switch self {
        case .discountCode: .remedyDiscountCode
        case .discountPercent: .remedyDiscountPercent
        case .freeShipping: .remedyFreeShipping
        case .shippingRefund: .remedyShippingRefund
        case .reship: .remedyReship
        case .cancelAndRefund: .remedyCancelAndRefund
        }
    }
}
