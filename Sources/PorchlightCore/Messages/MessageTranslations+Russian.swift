extension MessageTranslations {
    /// Russian, addressing the customer as "вы" (same choice as the page's translation). The
    /// shop's name follows "магазин" ("в магазине {shop}"), so it needs no case ending; topics are
    /// genitive plurals, which fit "Отписаться от {topic}" and the negated "больше не получать" /
    /// "больше не будет присылать".
    static let russian: [MessageText: String] = [
        .subjectOrderConfirmed: "Заказ {number} подтверждён",
        .introOrderConfirmed: "Спасибо за заказ в магазине {shop}. Мы сообщим вам, когда он будет в пути.",
        .subjectShipped: "Заказ {number} в пути",
        .introShipped: "Ваш заказ отправлен из магазина {shop} и уже едет к вам.",
        .subjectOutForDelivery: "Заказ {number} доставят сегодня",
        .introOutForDelivery: "Ваша посылка передана курьеру и должна прибыть сегодня.",
        .subjectDelivered: "Заказ {number} доставлен",
        .introDelivered: "Ваш заказ доставлен. Если что-то не так, сообщите нам на странице заказа.",
        .subjectReviewRequested: "Как вам заказ {number}?",
        .introReviewRequested: "Расскажите другим покупателям, что вы думаете о своей покупке. Если что-то не так, сначала обратитесь к нам за помощью: мы всё исправим.",
        .subjectRunningLate: "Заказ {number} задерживается",
        .introRunningLate: "Ваша посылка идёт дольше, чем мы обещали. Приносим извинения за ожидание.",
        .subjectDeliveryFailed: "Не удалось доставить заказ {number}",
        .introDeliveryFailed: "Перевозчик не смог доставить вашу посылку. Выберите, что делать дальше, до {deadline}.",
        .subjectReturnApproved: "Возврат по заказу {number} одобрен",
        .introReturnApproved: "Ваш возврат одобрен. На странице заказа указано, как отправить товары обратно.",
        .subjectReturnReceived: "Мы получили ваш возврат по заказу {number}",
        .introReturnReceived: "Товары, которые вы отправили обратно, пришли к нам. Мы сообщим вам, когда возврат будет завершён.",
        .subjectReturnSettled: "Возврат по заказу {number} завершён",
        .introReturnSettled: "Ваш возврат завершён: мы возвращаем вам {amount}.",
        .subjectStoreCreditIssued: "Вам зачислено {amount} на баланс в магазине {shop}",
        .introStoreCreditIssued: "Ваш возврат завершён: мы зачислили {amount} на ваш баланс в магазине {shop} — эту сумму можно потратить на покупки.",

        .topicOrderConfirmed: "подтверждений заказа",
        .topicShipped: "уведомлений об отправке",
        .topicOutForDelivery: "уведомлений о передаче курьеру",
        .topicDelivered: "уведомлений о доставке",
        .topicReviewRequested: "просьб оставить отзыв",
        .topicRunningLate: "уведомлений о задержке",
        .topicDeliveryFailed: "уведомлений о неудачной доставке",
        .topicReturnApproved: "уведомлений об одобрении возврата",
        .topicReturnReceived: "уведомлений о получении возврата",
        .topicReturnSettled: "уведомлений о завершении возврата",
        .topicStoreCreditIssued: "уведомлений о балансе в магазине",

        .greetingNamed: "Здравствуйте, {name}!",
        .greeting: "Здравствуйте!",
        .actionTrack: "Отследить заказ",
        .actionChoose: "Выбрать, что делать дальше",
        .actionReview: "Написать отзыв",
        .actionReturn: "Посмотреть возврат",
        .footerReason: "Вы получили это письмо, потому что сделали заказ в магазине {shop}.",
        .unsubscribeLink: "Отписаться от {topic}",

        .unsubscribeTitle: "Отписка",
        .unsubscribeQuestion: "Больше не получать {topic} от магазина {shop}?",
        .unsubscribeButton: "Отписаться",
        .unsubscribedNotice: "Готово: магазин {shop} больше не будет присылать вам {topic}.",
        .unsubscribeUnknown: "Эта ссылка для отписки недействительна.",
    ]
}
