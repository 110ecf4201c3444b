/// The customer page's wording, one table per language. English is the reference; the others
/// translate it key by key and keep its `{placeholders}`, each in its own file
/// (`PageTranslations+Spanish.swift`, ...). Translations not yet checked by a native
/// speaker are listed in `PageTranslations.unreviewed`.
enum PageTranslations {
    static func table(for language: CustomerLanguage) -> [PageText: String] {
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

    /// Languages whose page wording no native speaker has checked yet.
    static let unreviewed: Set<CustomerLanguage> = [.es, .ro, .id, .ru, .zhHans, .ptBR, .de, .fr, .it, .pl, .tr, .nl]

    static let english: [PageText: String] = [
        .lookupTitle: "Track your order",
        .lookupIntro: "Enter your order number with the email address or the postal code of the delivery address.",
        .orderNumberLabel: "Order number",
        .emailLabel: "Email address",
        .postalCodeLabel: "Postal code",
        .proofHint: "Fill in one of the two: the email address shows the whole order, the postal code shows its progress.",
        .findOrderButton: "Find my order",
        .lookupNotFound: "No order matches those details. Check the order number and try again.",
        .lookupThrottled: "Too many attempts. Wait a few minutes, then try again.",
        .lookupInvalid: "Enter the order number and either the email address or the postal code.",
        .sessionEnded: "Your session has ended. Look up your order again.",

        .orderHeading: "Order {number}",
        .placedOn: "Placed on {date}",
        .languageLabel: "Language",
        .supportHeading: "Need help?",
        .visitStore: "Back to the store",
        .skipToContent: "Skip to content",

        .orderProcessing: "Being prepared",
        .orderPartiallyShipped: "Partly shipped",
        .orderShipped: "Shipped",
        .orderInTransit: "On its way",
        .orderOutForDelivery: "Out for delivery",
        .orderAvailableForPickup: "Ready for pick-up",
        .orderPartiallyDelivered: "Partly delivered",
        .orderDelivered: "Delivered",
        .orderDeliveryProblem: "Delivery problem",
        .orderCancelled: "Cancelled",

        .arrivalHeading: "Arrival",
        .arrivalWindow: "Expected between {earliest} and {latest}",
        .arrivalConfidence: "{percent}% likely within this window",
        .runningLate: "Running late: it will arrive after the date we promised.",
        .promisedWindow: "Promised between {earliest} and {latest}",
        .deliveredOn: "Delivered on {date}",

        .parcelsHeading: "Parcels",
        .parcelHeading: "Parcel {number} of {count}",
        .trackingNumberLabel: "Tracking number",
        .noParcelsYet: "Your order has not been handed to a carrier yet.",
        .checkpointsHeading: "Checkpoints",
        .showAllCheckpoints: "Show all {count} checkpoints",
        .scanInfoReceived: "Label created",
        .scanInTransit: "In transit",
        .scanOutForDelivery: "Out for delivery",
        .scanAttemptedDelivery: "Delivery attempted",
        .scanAvailableForPickup: "Ready for pick-up",
        .scanDelivered: "Delivered",
        .scanException: "Problem reported",
        .scanReturnedToSender: "Returned to sender",
        .parcelPending: "Waiting for the carrier",
        .quantityOf: "{quantity} × {name}",

        .alertHeading: "About your delivery",
        .alertDelay: "Your order is delayed.",
        .alertLongDelay: "Your order is seriously delayed.",
        .alertCritical: "There is a problem with your order.",
        .remediesIntro: "We are sorry. Choose what we can do for you:",
        .remedyChosen: "You chose: {choice}",
        .remedyExpires: "Choose before {date}",
        .remedyDiscountCode: "A discount code for your next order",
        .remedyDiscountPercent: "A discount on this order",
        .remedyFreeShipping: "Free shipping on your next order",
        .remedyShippingRefund: "A refund of the shipping cost",
        .remedyReship: "Send the order again",
        .remedyCancelAndRefund: "Cancel the order and refund me",
        .remedyCode: "Your code: {code}",

        .returnsHeading: "Returns",
        .returnQuantityLabel: "How many to return",
        .returnReasonLabel: "Reason",
        .returnResolutionLabel: "What you would like",
        .returnMethodLabel: "How you send it back",
        .openReturnButton: "Start the return",
        .returnOpened: "Your return has been started.",
        .returnNothingSelected: "Choose at least one item to return.",
        .returnProgressHeading: "Your returns",
        .reasonDamaged: "Arrived damaged",
        .reasonDefective: "Does not work",
        .reasonWrongItem: "Wrong item",
        .reasonNotAsDescribed: "Not as described",
        .reasonTooSmall: "Too small",
        .reasonTooLarge: "Too large",
        .reasonChangedMind: "Changed my mind",
        .reasonArrivedLate: "Arrived too late",
        .reasonOther: "Another reason",
        .resolutionRefund: "A refund",
        .resolutionStoreCredit: "Store credit",
        .resolutionExchange: "An exchange",
        .resolutionKeepItem: "Keep the item",
        .resolutionReship: "Send a new one",
        .methodMail: "By post",
        .methodInStore: "In a store",
        .methodReturnless: "No need to send it back",
        .returnRequested: "Requested",
        .returnApproved: "Approved",
        .returnDeclined: "Declined",
        .returnCancelled: "Cancelled",
        .returnAwaitingParcel: "Waiting for your parcel",
        .returnParcelInTransit: "Your parcel is on its way back",
        .returnReceived: "Received",
        .returnLost: "Parcel lost",
        .returnExpired: "Expired",
        .returnRefunded: "Refunded",
        .returnCredited: "Store credit issued",
        .returnExchanged: "Exchange sent",
        .returnKept: "Keep the item",
        .returnReshipped: "A new one is on its way",

        .reviewsHeading: "Reviews",
        .reviewIntro: "How do you like {name}?",
        .reviewTitleLabel: "Title",
        .reviewBodyLabel: "Your review",
        .submitReviewButton: "Send the review",
        .reviewThanks: "Thank you for your review.",
        .helpFirst: "Something wrong? Contact us first and we will put it right.",
        .deliveryRatingLabel: "How was the delivery?",
        .deliveryCommentLabel: "Comment (optional)",
        .rateDeliveryButton: "Rate the delivery",
        .starsOne: "1 star: very poor",
        .starsTwo: "2 stars: poor",
        .starsThree: "3 stars: fair",
        .starsFour: "4 stars: good",
        .starsFive: "5 stars: excellent",

        .recommendationsHeading: "You might also like",
        .formExpired: "This form has expired. Please try again.",
        .refreshNotice: "This page has been updated.",
        .poweredBy: "Tracking by Porchlight",
        .displayNameLabel: "Name shown with your review",
        .remedyChosenNotice: "Thank you: we have noted your choice.",
        .deliveryRatedNotice: "Thank you for rating the delivery.",
        .remedyFailed: "That choice is no longer available. Reload the page to see what you can choose.",
        .returnFailed: "The return could not be started. Check the quantities and try again, or contact us.",
        .reviewFailed: "The review could not be sent. This item may already have a review from you.",
        .deliveryRatingFailed: "The delivery could not be rated. It may already have your rating.",
    ]
}
