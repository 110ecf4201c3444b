extension MessageTranslations {
    /// German, addressing the customer as "Sie" (same choice as the page's translation). Every
    /// intro opens with "Sie" or "Ihr…", so it reads right after "Hallo {name}," whichever way the
    /// line after a German salutation is capitalised; topics are plural nouns that fit
    /// "{topic} abbestellen" and "keine {topic} mehr".
    static let german: [MessageText: String] = [
        .subjectOrderConfirmed: "Ihre Bestellung {number} ist bestätigt",
        .introOrderConfirmed: "Sie haben bei {shop} bestellt – vielen Dank! Wir sagen Ihnen Bescheid, sobald Ihre Bestellung unterwegs ist.",
        .subjectShipped: "Ihre Bestellung {number} ist unterwegs",
        .introShipped: "Ihre Bestellung hat {shop} verlassen und ist auf dem Weg zu Ihnen.",
        .subjectOutForDelivery: "Ihre Bestellung {number} kommt heute",
        .introOutForDelivery: "Ihr Paket ist in Zustellung und sollte heute bei Ihnen ankommen.",
        .subjectDelivered: "Ihre Bestellung {number} wurde zugestellt",
        .introDelivered: "Ihre Bestellung wurde zugestellt. Falls etwas nicht stimmt, sagen Sie es uns auf Ihrer Bestellseite.",
        .subjectReviewRequested: "Wie gefällt Ihnen Ihre Bestellung {number}?",
        .introReviewRequested: "Ihre Meinung hilft anderen Kunden: Erzählen Sie, wie Ihnen Ihr Kauf gefällt. Falls etwas nicht stimmt, melden Sie sich bitte zuerst bei uns: Wir bringen es in Ordnung.",
        .subjectRunningLate: "Ihre Bestellung {number} verspätet sich",
        .introRunningLate: "Ihr Paket braucht länger als zugesagt. Bitte entschuldigen Sie die Wartezeit.",
        .subjectDeliveryFailed: "Wir haben Sie nicht angetroffen: Bestellung {number}",
        .introDeliveryFailed: "Ihr Paket konnte leider nicht zugestellt werden. Wählen Sie bis {deadline}, wie es weitergehen soll.",
        .subjectReturnApproved: "Ihre Rücksendung zu Bestellung {number} ist genehmigt",
        .introReturnApproved: "Ihre Rücksendung ist genehmigt. Auf Ihrer Bestellseite sehen Sie, wie Sie die Artikel zurückschicken.",
        .subjectReturnReceived: "Wir haben Ihre Rücksendung zu Bestellung {number} erhalten",
        .introReturnReceived: "Ihre zurückgeschickten Artikel sind bei uns angekommen. Wir melden uns, sobald Ihre Rücksendung abgeschlossen ist.",
        .subjectReturnSettled: "Ihre Rücksendung zu Bestellung {number} ist abgeschlossen",
        .introReturnSettled: "Ihre Rücksendung ist abgeschlossen: Wir erstatten Ihnen {amount}.",
        .subjectStoreCreditIssued: "Sie haben {amount} Guthaben bei {shop}",
        .introStoreCreditIssued: "Ihre Rücksendung ist abgeschlossen: Sie erhalten {amount} Guthaben, das Sie bei {shop} einlösen können.",

        .topicOrderConfirmed: "Bestellbestätigungen",
        .topicShipped: "Versandbenachrichtigungen",
        .topicOutForDelivery: "Benachrichtigungen am Zustelltag",
        .topicDelivered: "Zustellbestätigungen",
        .topicReviewRequested: "Bewertungsanfragen",
        .topicRunningLate: "Verspätungshinweise",
        .topicDeliveryFailed: "Hinweise zu verpassten Zustellungen",
        .topicReturnApproved: "Benachrichtigungen zu genehmigten Rücksendungen",
        .topicReturnReceived: "Eingangsbestätigungen für Rücksendungen",
        .topicReturnSettled: "Benachrichtigungen zu abgeschlossenen Rücksendungen",
        .topicStoreCreditIssued: "Benachrichtigungen zu Ihrem Guthaben",

        .greetingNamed: "Hallo {name},",
        .greeting: "Hallo,",
        .actionTrack: "Bestellung verfolgen",
        .actionChoose: "Weiteres Vorgehen wählen",
        .actionReview: "Bewertung schreiben",
        .actionReturn: "Rücksendung ansehen",
        .footerReason: "Sie erhalten diese E-Mail, weil Sie bei {shop} bestellt haben.",
        .unsubscribeLink: "{topic} abbestellen",

        .unsubscribeTitle: "Abmelden",
        .unsubscribeQuestion: "Keine {topic} mehr von {shop} erhalten?",
        .unsubscribeButton: "Abbestellen",
        .unsubscribedNotice: "Erledigt: {shop} schickt Ihnen keine {topic} mehr.",
        .unsubscribeUnknown: "Dieser Abmeldelink ist ungültig.",
    ]
}
