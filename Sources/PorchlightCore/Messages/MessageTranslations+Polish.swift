extension MessageTranslations {
    /// Polish, addressing the customer with "Ty", capitalised as Polish courtesy writes it (same
    /// choice as the page's translation). The shop's name follows "sklep" ("w sklepie {shop}"), so
    /// it needs no case ending; topics are genitive plurals, the case all three unsubscribe
    /// sentences ask for ("Zrezygnuj z {topic}", "Nie chcesz już otrzymywać {topic}...").
    static let polish: [MessageText: String] = [
        .subjectOrderConfirmed: "Zamówienie {number} jest potwierdzone",
        .introOrderConfirmed: "Dziękujemy za zamówienie w sklepie {shop}. Damy Ci znać, gdy będzie w drodze.",
        .subjectShipped: "Zamówienie {number} jest w drodze",
        .introShipped: "Sklep {shop} wysłał Twoje zamówienie – jest już w drodze do Ciebie.",
        .subjectOutForDelivery: "Zamówienie {number} dotrze dziś",
        .introOutForDelivery: "Twoja paczka została wydana do doręczenia i powinna dotrzeć dziś.",
        .subjectDelivered: "Zamówienie {number} zostało doręczone",
        .introDelivered: "Twoje zamówienie zostało doręczone. Jeśli coś jest nie tak, daj nam znać na stronie zamówienia.",
        .subjectReviewRequested: "Jak oceniasz zamówienie {number}?",
        .introReviewRequested: "Powiedz innym klientom, co myślisz o swoich zakupach. Jeśli coś jest nie tak, najpierw poproś nas o pomoc: wszystko naprawimy.",
        .subjectRunningLate: "Zamówienie {number} jest opóźnione",
        .introRunningLate: "Dostawa Twojej paczki trwa dłużej, niż obiecaliśmy. Przepraszamy za oczekiwanie.",
        .subjectDeliveryFailed: "Nie udało się doręczyć zamówienia {number}",
        .introDeliveryFailed: "Przewoźnik nie mógł doręczyć Twojej paczki. Wybierz, co dalej, do {deadline}.",
        .subjectReturnApproved: "Zwrot do zamówienia {number} został zaakceptowany",
        .introReturnApproved: "Twój zwrot został zaakceptowany. Na stronie zamówienia zobaczysz, jak odesłać produkty.",
        .subjectReturnReceived: "Otrzymaliśmy Twój zwrot do zamówienia {number}",
        .introReturnReceived: "Odesłane przez Ciebie produkty dotarły do nas. Damy Ci znać, gdy zwrot zostanie rozliczony.",
        .subjectReturnSettled: "Zwrot do zamówienia {number} został rozliczony",
        .introReturnSettled: "Twój zwrot został rozliczony: zwracamy Ci {amount}.",
        .subjectStoreCreditIssued: "Masz {amount} do wykorzystania w sklepie {shop}",
        .introStoreCreditIssued: "Twój zwrot został rozliczony: otrzymujesz {amount} do wykorzystania w sklepie {shop}.",

        .topicOrderConfirmed: "potwierdzeń zamówienia",
        .topicShipped: "informacji o wysyłce",
        .topicOutForDelivery: "powiadomień o wydaniu do doręczenia",
        .topicDelivered: "potwierdzeń doręczenia",
        .topicReviewRequested: "próśb o opinię",
        .topicRunningLate: "powiadomień o opóźnieniach",
        .topicDeliveryFailed: "powiadomień o nieudanym doręczeniu",
        .topicReturnApproved: "powiadomień o zaakceptowanych zwrotach",
        .topicReturnReceived: "potwierdzeń otrzymania zwrotu",
        .topicReturnSettled: "powiadomień o rozliczonych zwrotach",
        .topicStoreCreditIssued: "powiadomień o środkach w sklepie",

        .greetingNamed: "Cześć, {name}!",
        .greeting: "Cześć!",
        .actionTrack: "Śledź zamówienie",
        .actionChoose: "Wybierz, co dalej",
        .actionReview: "Napisz opinię",
        .actionReturn: "Zobacz swój zwrot",
        .footerReason: "Otrzymujesz tę wiadomość, ponieważ masz zamówienie w sklepie {shop}.",
        .unsubscribeLink: "Zrezygnuj z {topic}",

        .unsubscribeTitle: "Rezygnacja z wiadomości",
        .unsubscribeQuestion: "Nie chcesz już otrzymywać {topic} od sklepu {shop}?",
        .unsubscribeButton: "Rezygnuję",
        .unsubscribedNotice: "Gotowe: sklep {shop} nie będzie już wysyłać Ci {topic}.",
        .unsubscribeUnknown: "Ten link do rezygnacji jest nieprawidłowy.",
    ]
}
