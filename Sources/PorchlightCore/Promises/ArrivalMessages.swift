import Foundation

/// The languages customer messages are written in; anything else gets English.
public enum CustomerLanguage: String, Sendable, CaseIterable {
    case en, es, ro, id, ru
    case zhHans = "zh-Hans"

    /// The best match for an `Accept-Language` header: highest quality first, a regional variant
    /// matches its language (`es-MX` is `es`), Simplified Chinese answers `zh`, `zh-CN` and `zh-SG`.
    public static func negotiate(_ acceptLanguage: String?) -> CustomerLanguage {
        guard let acceptLanguage else { return .en }
        let ranges = acceptLanguage.split(separator: ",").enumerated().compactMap { index, item -> (tag: String, quality: Double, index: Int)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, !tag.isEmpty else { return nil }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag.lowercased(), quality, index)
        }
        for range in ranges.sorted(by: { ($0.quality, -$0.index) > ($1.quality, -$1.index) }) where range.quality > 0 {
            if let language = match(range.tag) { return language }
        }
        return .en
    }

    static func match(_ tag: String) -> CustomerLanguage? {
        let subtags = tag.split(separator: "-").map(String.init)
        guard let primary = subtags.first else { return nil }
        if primary == "zh" {
            let rest = Set(subtags.dropFirst())
            return rest.isDisjoint(with: ["hant", "tw", "hk", "mo"]) ? .zhHans : nil
        }
        return CustomerLanguage(rawValue: primary)
    }

    /// Dates as the language writes them: "Thursday, 26 November", "jueves, 26 de noviembre",
    /// "26 ноября" (Russian leaves the weekday out: it would need the accusative after a preposition).
    public func format(_ date: LocalDate) -> String {
        let (year, month, day) = date.components
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let instant = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) ?? Date()
        var style = Date.FormatStyle(timeZone: .gmt).day().month(.wide).locale(Locale(identifier: localeIdentifier))
        if self != .ru { style = style.weekday(.wide) }
        return instant.formatted(style)
    }

    var localeIdentifier: String {
        switch self {
        case .en: "en_GB"
        case .zhHans: "zh_Hans_CN"
        default: rawValue
        }
    }
}

/// Where an order stands, as a customer message tells it.
public enum ArrivalSituation: Sendable, Equatable {
    case delivered(on: LocalDate)
    case outForDelivery(today: LocalDate)
    case onItsWay(DeliveryWindow?)
    case runningLate(DeliveryWindow)
    case beingPrepared(DeliveryWindow?)
    case deliveryProblem
    case cancelled
}

/// One plain-language sentence about an order's arrival, in the customer's language.
public enum ArrivalMessage {
    public static func sentence(_ situation: ArrivalSituation, in language: CustomerLanguage) -> String {
        let phrases = Phrases.of(language)
        func when(_ window: DeliveryWindow) -> String {
            window.earliest == window.latest
                ? phrases.onDay(language.format(window.latest))
                : phrases.between(language.format(window.earliest), language.format(window.latest))
        }
        switch situation {
        case .delivered(let day): return phrases.delivered(phrases.onDay(language.format(day)))
        case .outForDelivery(let day): return phrases.outForDelivery(language.format(day))
        case .onItsWay(let window?): return phrases.onItsWay(when(window))
        case .onItsWay(nil): return phrases.onItsWayNoDate
        case .runningLate(let window): return phrases.runningLate(when(window))
        case .beingPrepared(let window?): return phrases.beingPrepared(when(window))
        case .beingPrepared(nil): return phrases.beingPreparedNoDate
        case .deliveryProblem: return phrases.deliveryProblem
        case .cancelled: return phrases.cancelled
        }
    }

    /// Every sentence of one language; `when` is "on <date>" or "between <date> and <date>".
    struct Phrases {
        var onDay: (String) -> String
        var between: (String, String) -> String
        var delivered: (_ when: String) -> String
        var outForDelivery: (_ today: String) -> String
        var onItsWay: (_ when: String) -> String
        var onItsWayNoDate: String
        var runningLate: (_ when: String) -> String
        var beingPrepared: (_ when: String) -> String
        var beingPreparedNoDate: String
        var deliveryProblem: String
        var cancelled: String

        static func of(_ language: CustomerLanguage) -> Phrases {
            switch language {
            case .en: Phrases(
                onDay: { "on \($0)" }, between: { "between \($0) and \($1)" },
                delivered: { "Your order was delivered \($0)." },
                outForDelivery: { "Your order is out for delivery and should arrive today, \($0)." },
                onItsWay: { "Your order is on its way and should arrive \($0)." },
                onItsWayNoDate: "Your order is on its way; the carrier has not given a delivery date yet.",
                runningLate: { "Your order is running late and should now arrive \($0)." },
                beingPrepared: { "Your order is being prepared and should arrive \($0)." },
                beingPreparedNoDate: "Your order is being prepared; we will share a delivery date as soon as it ships.",
                deliveryProblem: "There is a problem with your delivery; we are looking into it and will update you soon.",
                cancelled: "Your order was cancelled.")
            case .es: Phrases(
                onDay: { "el \($0)" }, between: { "entre el \($0) y el \($1)" },
                delivered: { "Tu pedido se entregó \($0)." },
                outForDelivery: { "Tu pedido está en reparto y debería llegar hoy, \($0)." },
                onItsWay: { "Tu pedido está en camino y debería llegar \($0)." },
                onItsWayNoDate: "Tu pedido está en camino; el transportista aún no ha dado una fecha de entrega.",
                runningLate: { "Tu pedido lleva retraso y ahora debería llegar \($0)." },
                beingPrepared: { "Estamos preparando tu pedido, que debería llegar \($0)." },
                beingPreparedNoDate: "Estamos preparando tu pedido; te daremos una fecha de entrega en cuanto se envíe.",
                deliveryProblem: "Hay un problema con tu entrega; lo estamos revisando y te informaremos pronto.",
                cancelled: "Tu pedido se ha cancelado.")
            case .ro: Phrases(
                onDay: { "\($0)" }, between: { "între \($0) și \($1)" },
                delivered: { "Comanda ta a fost livrată \($0)." },
                outForDelivery: { "Comanda ta este în curs de livrare și ar trebui să ajungă astăzi, \($0)." },
                onItsWay: { "Comanda ta este pe drum și ar trebui să ajungă \($0)." },
                onItsWayNoDate: "Comanda ta este pe drum; curierul nu a comunicat încă data livrării.",
                runningLate: { "Comanda ta are întârziere și ar trebui să ajungă acum \($0)." },
                beingPrepared: { "Comanda ta este în pregătire și ar trebui să ajungă \($0)." },
                beingPreparedNoDate: "Comanda ta este în pregătire; îți vom spune data livrării imediat ce este expediată.",
                deliveryProblem: "Există o problemă cu livrarea ta; ne ocupăm de ea și revenim în curând.",
                cancelled: "Comanda ta a fost anulată.")
            case .id: Phrases(
                onDay: { "pada \($0)" }, between: { "antara \($0) dan \($1)" },
                delivered: { "Pesanan Anda telah diantar \($0)." },
                outForDelivery: { "Pesanan Anda sedang diantar dan akan tiba hari ini, \($0)." },
                onItsWay: { "Pesanan Anda sedang dalam perjalanan dan akan tiba \($0)." },
                onItsWayNoDate: "Pesanan Anda sedang dalam perjalanan; kurir belum memberikan tanggal pengiriman.",
                runningLate: { "Pesanan Anda terlambat dan kini diperkirakan tiba \($0)." },
                beingPrepared: { "Pesanan Anda sedang disiapkan dan akan tiba \($0)." },
                beingPreparedNoDate: "Pesanan Anda sedang disiapkan; kami akan memberi tahu tanggal pengiriman setelah pesanan dikirim.",
                deliveryProblem: "Ada masalah dengan pengiriman Anda; kami sedang menanganinya dan akan segera mengabari Anda.",
                cancelled: "Pesanan Anda telah dibatalkan.")
            case .ru: Phrases(
                onDay: { "\($0)" }, between: { "между \($0) и \($1)" },
                delivered: { "Ваш заказ доставлен \($0)." },
                outForDelivery: { "Ваш заказ передан курьеру и будет доставлен сегодня, \($0)." },
                onItsWay: { "Ваш заказ в пути и будет доставлен \($0)." },
                onItsWayNoDate: "Ваш заказ в пути; перевозчик пока не сообщил дату доставки.",
                runningLate: { "Ваш заказ задерживается и теперь будет доставлен \($0)." },
                beingPrepared: { "Ваш заказ собирается и будет доставлен \($0)." },
                beingPreparedNoDate: "Ваш заказ собирается; мы сообщим дату доставки, как только он будет отправлен.",
                deliveryProblem: "С доставкой вашего заказа возникла проблема; мы уже разбираемся и скоро сообщим подробности.",
                cancelled: "Ваш заказ отменён.")
            case .zhHans: Phrases(
                onDay: { "\($0)" }, between: { "\($0)至\($1)" },
                delivered: { "您的订单已于\($0)送达。" },
                outForDelivery: { "您的订单正在派送中，预计今天（\($0)）送达。" },
                onItsWay: { "您的订单正在运输途中，预计\($0)送达。" },
                onItsWayNoDate: "您的订单正在运输途中，承运商尚未提供送达日期。",
                runningLate: { "您的订单有所延误，现预计\($0)送达。" },
                beingPrepared: { "您的订单正在备货，预计\($0)送达。" },
                beingPreparedNoDate: "您的订单正在备货，发货后我们会告知送达日期。",
                deliveryProblem: "您的配送出现问题，我们正在处理，稍后会通知您。",
                cancelled: "您的订单已取消。")
            }
        }
    }
}
