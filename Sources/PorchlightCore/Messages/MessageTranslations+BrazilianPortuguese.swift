extension MessageTranslations {
    /// Brazilian Portuguese, addressing the customer as "você" (same choice as the page's
    /// translation). The shop's name follows "loja" ("na loja {shop}"), so no article has to agree
    /// with it; topics are bare plurals ("avisos de atraso") that fit "Parar de receber {topic}"
    /// and "não vai mais enviar {topic}".
    static let brazilianPortuguese: [MessageText: String] = [
        .subjectOrderConfirmed: "Seu pedido {number} foi confirmado",
        .introOrderConfirmed: "Obrigado por comprar na loja {shop}. Vamos avisar você quando o pedido estiver a caminho.",
        .subjectShipped: "Seu pedido {number} está a caminho",
        .introShipped: "Seu pedido foi enviado pela loja {shop} e está a caminho de você.",
        .subjectOutForDelivery: "Seu pedido {number} chega hoje",
        .introOutForDelivery: "Seu pacote saiu para entrega e deve chegar hoje.",
        .subjectDelivered: "Seu pedido {number} foi entregue",
        .introDelivered: "Seu pedido foi entregue. Se algo não estiver certo, avise a gente na página do pedido.",
        .subjectReviewRequested: "O que você achou do pedido {number}?",
        .introReviewRequested: "Conte a outros clientes o que você achou da sua compra. Se algo deu errado, peça ajuda para a gente primeiro: vamos resolver.",
        .subjectRunningLate: "Seu pedido {number} está atrasado",
        .introRunningLate: "Seu pacote está demorando mais do que prometemos. Desculpe a espera.",
        .subjectDeliveryFailed: "Não conseguimos entregar o pedido {number}",
        .introDeliveryFailed: "A transportadora não conseguiu entregar seu pacote. Escolha o que fazer até {deadline}.",
        .subjectReturnApproved: "Sua devolução do pedido {number} foi aprovada",
        .introReturnApproved: "Sua devolução foi aprovada. Na página do pedido você vê como enviar os itens de volta.",
        .subjectReturnReceived: "Recebemos sua devolução do pedido {number}",
        .introReturnReceived: "Os itens que você devolveu chegaram. Vamos avisar você quando a devolução for concluída.",
        .subjectReturnSettled: "Sua devolução do pedido {number} foi concluída",
        .introReturnSettled: "Sua devolução foi concluída: o reembolso de {amount} está a caminho.",
        .subjectStoreCreditIssued: "Você tem {amount} de crédito na loja {shop}",
        .introStoreCreditIssued: "Sua devolução foi concluída com {amount} de crédito para usar na loja {shop}.",

        .topicOrderConfirmed: "confirmações de pedido",
        .topicShipped: "atualizações de envio",
        .topicOutForDelivery: "avisos de saída para entrega",
        .topicDelivered: "avisos de entrega",
        .topicReviewRequested: "pedidos de avaliação",
        .topicRunningLate: "avisos de atraso",
        .topicDeliveryFailed: "avisos de entrega não realizada",
        .topicReturnApproved: "avisos de devolução aprovada",
        .topicReturnReceived: "avisos de devolução recebida",
        .topicReturnSettled: "avisos de devolução concluída",
        .topicStoreCreditIssued: "avisos de crédito na loja",

        .greetingNamed: "Olá, {name}!",
        .greeting: "Olá!",
        .actionTrack: "Acompanhe seu pedido",
        .actionChoose: "Escolha o que fazer",
        .actionReview: "Escreva uma avaliação",
        .actionReturn: "Veja sua devolução",
        .footerReason: "Você recebeu este e-mail porque fez um pedido na loja {shop}.",
        .unsubscribeLink: "Parar de receber {topic}",

        .unsubscribeTitle: "Cancelar inscrição",
        .unsubscribeQuestion: "Parar de receber {topic} da loja {shop}?",
        .unsubscribeButton: "Cancelar inscrição",
        .unsubscribedNotice: "Pronto: a loja {shop} não vai mais enviar {topic} para você.",
        .unsubscribeUnknown: "Este link de cancelamento de inscrição não é válido.",
    ]
}
