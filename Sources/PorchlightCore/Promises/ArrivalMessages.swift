import Foundation
import Synchronization

/// The languages customer messages are written in; anything else gets English. Codable, as a
/// dictionary key too: a disruption's messages by language are stored as a JSON object.
public enum CustomerLanguage: String, Sendable, CaseIterable, Codable, CodingKeyRepresentable {
    case en, es, ro, id, ru
    case zhHans = "zh-Hans"
    /// Brazilian Portuguese, the only Portuguese the service writes: `pt`, `pt-PT` and every other
    /// Portuguese get it too, as the nearest there is.
    case ptBR = "pt-BR"
    case de, fr, it, pl, tr, nl

    /// The language to answer a customer in: the best match in the `Accept-Language` header
    /// (highest quality first; a regional variant matches its language, `es-MX` is `es`, `de-AT`
    /// is `de`; Simplified Chinese answers `zh`, `zh-CN` and `zh-SG`; any Portuguese is `pt-BR`),
    /// skipping the languages the service cannot speak; else the customer's stored locale (`es`,
    /// `es-ES` or `es_ES`), unless the header refuses it (`q=0`); else English.
    public static func negotiate(_ acceptLanguage: String?, storedLocale: String? = nil) -> CustomerLanguage {
        let ranges = (acceptLanguage ?? "").split(separator: ",").enumerated().compactMap { index, item -> (tag: String, quality: Double, index: Int)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, !tag.isEmpty else { return nil }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag.lowercased(), quality, index)
        }
        for range in ranges.sorted(by: { ($0.quality, -$0.index) > ($1.quality, -$1.index) }) where range.quality > 0 {
            if let language = match(range.tag) { return language }
        }
        let refused = Set(ranges.filter { $0.quality <= 0 }.compactMap { match($0.tag) })
        if let stored = storedLocale.flatMap({ match($0.lowercased().replacingOccurrences(of: "_", with: "-")) }), !refused.contains(stored) {
            return stored
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
        // European Portuguese reads Brazilian Portuguese easily; English would be further off.
        if primary == "pt" { return .ptBR }
        return CustomerLanguage(rawValue: primary)
    }

    /// Dates as the language writes them: "Thursday 26 November", "jueves, 26 de noviembre",
    /// "quinta-feira, 26 de novembro", "Donnerstag, 26. November", "jeudi 26 novembre",
    /// "giovedì 26 novembre", "donderdag 26 november", "26 Kasım Perşembe", "26 ноября" and
    /// "26 listopada" (Russian and Polish leave the weekday out: after a preposition it would need
    /// another case, the month's genitive does not), "11月26日星期四" (the formatter puts a space
    /// before the weekday that Chinese does not write).
    public func format(_ date: LocalDate) -> String {
        let day = FormattedDay(language: self, date: date)
        if let text = Self.formattedDays.withLock({ $0[day] }) { return text }
        let text = formatWithoutMemo(date)
        Self.formattedDays.withLock { days in
            if days.count >= Self.formattedDaysLimit { days.removeAll(keepingCapacity: true) }
            days[day] = text
        }
        return text
    }

    /// Formatting a date through ICU cost an arrival estimate more than the rest of its sentence,
    /// and the days in use are few (windows around today), so each language's text for a day is
    /// kept once formatted. The memo is emptied when it reaches its limit, which years of days in
    /// every language stay under. It is shared state, but not a dependency: it holds results of
    /// a pure function, so nothing can tell whether an answer came from it.
    private static let formattedDays = Mutex<[FormattedDay: String]>([:])
    private static let formattedDaysLimit = 20_000

    private struct FormattedDay: Hashable {
        var language: CustomerLanguage
        var date: LocalDate
    }

    /// The text straight from ICU, which the memo keeps.
    func formatWithoutMemo(_ date: LocalDate) -> String {
        let instant = Date(timeIntervalSince1970: Double(date.daysSinceEpoch * 86_400 + 43_200))  // noon UTC that day
        var style = Date.FormatStyle(timeZone: .gmt).day().month(.wide).locale(Locale(identifier: localeIdentifier))
        if self != .ru && self != .pl { style = style.weekday(.wide) }
        let text = instant.formatted(style)
        return self == .zhHans ? text.filter { !$0.isWhitespace } : text
    }

    var localeIdentifier: String {
        switch self {
        case .en: "en_GB"
        case .zhHans: "zh_Hans_CN"
        case .ptBR: "pt_BR"
        case .de: "de_DE"
        case .fr: "fr_FR"
        case .it: "it_IT"
        case .pl: "pl_PL"
        case .tr: "tr_TR"
        case .nl: "nl_NL"
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
    /// An open disruption alert: its reason, the declared disruption holding the order up when the
    /// reason is `.declaredDisruption` (nil otherwise), and the current estimate when known.
    case disrupted(AlertReason, DeclaredDelay?, DeliveryWindow?)
}

/// One plain-language sentence about an order's arrival, in the customer's language; for a
/// disruption, what is happening first, then when it should now arrive.
public enum ArrivalMessage {
    public static func sentence(_ situation: ArrivalSituation, in language: CustomerLanguage) -> String {
        let phrases = Phrases.of(language)
        func when(_ window: DeliveryWindow) -> String {
            window.earliest == window.latest
                ? phrases.onDay(language.format(window.latest))
                : phrases.between(window.earliest, window.latest)
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
        case .disrupted(let reason, let declared, let window):
            let arrival = window.map { phrases.nowArriving(when($0)) }
            let sentences: [String?] = switch reason {
            case .forgottenParcel: [phrases.forgottenParcel]
            case .noScan: [phrases.noScan, arrival]
            case .promiseAtRisk: [phrases.promiseAtRisk, arrival ?? phrases.willUpdate]
            case .promiseBreached: [phrases.promiseBreached, arrival]
            case .exception: [phrases.exception]
            case .failedAttempt: [phrases.failedAttempt]
            case .returnedToSender: [phrases.returnedToSender]
            case .declaredDisruption:
                // Without the disruption itself the cause is unknown: say it is unexpected.
                [phrases.delaying(phrases.cause(declared?.cause ?? .other),
                                  declared.flatMap { $0.extraDays > 0 ? phrases.days($0.extraDays) : nil }),
                 arrival ?? phrases.willUpdate,
                 // The merchant's own words, as written, only in the sentence's language: not translated.
                 declared?.customerMessage(in: language).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }]
            }
            // Chinese full stops carry their own spacing.
            return sentences.compactMap { $0 }.joined(separator: language == .zhHans ? "" : " ")
        }
    }

    /// Every sentence of one language; `when` is "on <date>" or "between <date> and <date>".
    struct Phrases {
        var onDay: (String) -> String
        /// Takes the dates themselves: a language may name a month shared by both once.
        var between: (LocalDate, LocalDate) -> String
        var delivered: (_ when: String) -> String
        var outForDelivery: (_ today: String) -> String
        var onItsWay: (_ when: String) -> String
        var onItsWayNoDate: String
        var runningLate: (_ when: String) -> String
        var beingPrepared: (_ when: String) -> String
        var beingPreparedNoDate: String
        var deliveryProblem: String
        var cancelled: String
        /// What an open alert is about, one per reason; a declared disruption says its cause instead.
        var forgottenParcel: String
        var noScan: String
        var promiseAtRisk: String
        var promiseBreached: String
        var exception: String
        var failedAttempt: String
        var returnedToSender: String
        /// A declared disruption's cause, in the form `delaying` puts it (Russian, Romanian,
        /// German and Polish need the genitive after "because of"; French and Italian begin it
        /// with the "de"/"di" that "because of" takes).
        var cause: (DisruptionCause) -> String
        /// How many extra days, the noun agreeing with the number.
        var days: (Int) -> String
        /// What a declared disruption does; `days` is nil when it adds none.
        var delaying: (_ cause: String, _ days: String?) -> String
        /// The sentence after what is happening, when the estimate is known.
        var nowArriving: (_ when: String) -> String
        /// Instead of `nowArriving` when there is no estimate, for alerts that do not already say we are on it.
        var willUpdate: String

        static func of(_ language: CustomerLanguage) -> Phrases {
            let date = language.format
            return switch language {
            case .en: Phrases(
                onDay: { "on \($0)" }, between: { "between \(date($0)) and \(date($1))" },
                delivered: { "Your order was delivered \($0)." },
                outForDelivery: { "Your order is out for delivery and should arrive today, \($0)." },
                onItsWay: { "Your order is on its way and should arrive \($0)." },
                onItsWayNoDate: "Your order is on its way; the carrier has not given a delivery date yet.",
                runningLate: { "Your order is running late and should now arrive \($0)." },
                beingPrepared: { "Your order is being prepared and should arrive \($0)." },
                beingPreparedNoDate: "Your order is being prepared; we will share a delivery date as soon as it ships.",
                deliveryProblem: "There is a problem with your delivery; we are looking into it and will update you soon.",
                cancelled: "Your order was cancelled.",
                forgottenParcel: "Your order is taking longer than expected to be handed to the carrier; we are on it.",
                noScan: "The carrier has not updated your tracking for a while; we are checking with them.",
                promiseAtRisk: "Your order is running later than we promised.",
                promiseBreached: "Your order is later than we promised, and we are sorry; we are chasing the carrier.",
                exception: "The carrier reported a problem with your delivery; we are looking into it and will update you soon.",
                failedAttempt: "The carrier could not deliver your order; they will try again, or you can arrange a redelivery with them.",
                returnedToSender: "Your order is on its way back to us; we will send you a replacement or a refund.",
                cause: {
                    switch $0 {
                    case .weather: "Severe weather"
                    case .carrierDelay: "A delay at the carrier"
                    case .warehouseBacklog: "A backlog at our warehouse"
                    case .customs: "A customs hold-up"
                    case .strike: "A strike"
                    case .other: "An unexpected disruption"
                    }
                },
                days: { $0 == 1 ? "1 day" : "\($0) days" },
                delaying: { cause, days in "\(cause) is delaying deliveries\(days.map { " by about \($0)" } ?? "")." },
                nowArriving: { "Your order should now arrive \($0)." },
                willUpdate: "We will update you as soon as we know more.")
            case .es: Phrases(
                onDay: { "el \($0)" }, between: { "entre el \(date($0)) y el \(date($1))" },
                delivered: { "Tu pedido se entregó \($0)." },
                outForDelivery: { "Tu pedido está en reparto y debería llegar hoy, \($0)." },
                onItsWay: { "Tu pedido está en camino y debería llegar \($0)." },
                onItsWayNoDate: "Tu pedido está en camino; el transportista aún no ha dado una fecha de entrega.",
                runningLate: { "Tu pedido lleva retraso y ahora debería llegar \($0)." },
                beingPrepared: { "Estamos preparando tu pedido, que debería llegar \($0)." },
                beingPreparedNoDate: "Estamos preparando tu pedido; te daremos una fecha de entrega en cuanto se envíe.",
                deliveryProblem: "Hay un problema con tu entrega; lo estamos revisando y te informaremos pronto.",
                cancelled: "Tu pedido se ha cancelado.",
                forgottenParcel: "Tu pedido está tardando más de lo previsto en entregarse al transportista; ya nos estamos ocupando.",
                noScan: "El transportista lleva un tiempo sin actualizar el seguimiento; lo estamos comprobando con él.",
                promiseAtRisk: "Tu pedido va a llegar más tarde de lo que te prometimos.",
                promiseBreached: "Tu pedido llega más tarde de lo que te prometimos, y lo sentimos; estamos reclamando al transportista.",
                exception: "El transportista ha informado de un problema con tu entrega; lo estamos revisando y te informaremos pronto.",
                failedAttempt: "El transportista no ha podido entregar tu pedido; volverá a intentarlo, o puedes acordar una nueva entrega con él.",
                returnedToSender: "Tu pedido está volviendo a nosotros; te enviaremos otro o te devolveremos el dinero.",
                cause: {
                    switch $0 {
                    case .weather: "El mal tiempo"
                    case .carrierDelay: "Una incidencia del transportista"
                    case .warehouseBacklog: "La acumulación de pedidos en nuestro almacén"
                    case .customs: "Una retención en aduanas"
                    case .strike: "Una huelga"
                    case .other: "Un imprevisto"
                    }
                },
                days: { $0 == 1 ? "1 día" : "\($0) días" },
                delaying: { cause, days in "\(cause) está retrasando las entregas\(days.map { " alrededor de \($0)" } ?? "")." },
                nowArriving: { "Tu pedido debería llegar ahora \($0)." },
                willUpdate: "Te informaremos en cuanto sepamos más.")
            case .ro: Phrases(
                onDay: { "\($0)" }, between: { "între \(date($0)) și \(date($1))" },
                delivered: { "Comanda ta a fost livrată \($0)." },
                outForDelivery: { "Comanda ta este în curs de livrare și ar trebui să ajungă astăzi, \($0)." },
                onItsWay: { "Comanda ta este pe drum și ar trebui să ajungă \($0)." },
                onItsWayNoDate: "Comanda ta este pe drum; curierul nu a comunicat încă data livrării.",
                runningLate: { "Comanda ta are întârziere și ar trebui să ajungă acum \($0)." },
                beingPrepared: { "Comanda ta este în pregătire și ar trebui să ajungă \($0)." },
                beingPreparedNoDate: "Comanda ta este în pregătire; îți vom spune data livrării imediat ce este expediată.",
                deliveryProblem: "Există o problemă cu livrarea ta; ne ocupăm de ea și revenim în curând.",
                cancelled: "Comanda ta a fost anulată.",
                forgottenParcel: "Predarea comenzii tale către curier durează mai mult decât ne așteptam; ne ocupăm de asta.",
                noScan: "Curierul nu a mai actualizat informațiile de urmărire de ceva timp; verificăm situația cu el.",
                promiseAtRisk: "Comanda ta va ajunge mai târziu decât ți-am promis.",
                promiseBreached: "Comanda ta întârzie față de ce ți-am promis și ne pare rău; insistăm pe lângă curier.",
                exception: "Curierul a raportat o problemă cu livrarea ta; ne ocupăm de ea și revenim în curând.",
                failedAttempt: "Curierul nu ți-a putut livra comanda; va încerca din nou, sau poți stabili cu el o nouă livrare.",
                returnedToSender: "Comanda ta se întoarce la noi; îți vom trimite alt produs sau îți vom returna banii.",
                cause: {
                    switch $0 {
                    case .weather: "vremii nefavorabile"
                    case .carrierDelay: "unei probleme la curier"
                    case .warehouseBacklog: "aglomerării din depozitul nostru"
                    case .customs: "unui blocaj la vamă"
                    case .strike: "unei greve"
                    case .other: "unei perturbări neprevăzute"
                    }
                },
                // "1 zi", "2 zile", but "20 de zile": from 20 on (and for 100, 200…) Romanian adds "de".
                days: { $0 == 1 ? "1 zi" : (1..<20).contains($0 % 100) ? "\($0) zile" : "\($0) de zile" },
                delaying: { cause, days in "Din cauza \(cause), livrările întârzie\(days.map { " cu aproximativ \($0)" } ?? "")." },
                nowArriving: { "Comanda ta ar trebui să ajungă acum \($0)." },
                willUpdate: "Te anunțăm imediat ce aflăm mai multe.")
            case .id: Phrases(
                onDay: { "pada \($0)" }, between: { "antara \(date($0)) dan \(date($1))" },
                delivered: { "Pesanan Anda telah diantar \($0)." },
                outForDelivery: { "Pesanan Anda sedang diantar dan akan tiba hari ini, \($0)." },
                onItsWay: { "Pesanan Anda sedang dalam perjalanan dan akan tiba \($0)." },
                onItsWayNoDate: "Pesanan Anda sedang dalam perjalanan; kurir belum memberikan tanggal pengiriman.",
                runningLate: { "Pesanan Anda terlambat dan kini diperkirakan tiba \($0)." },
                beingPrepared: { "Pesanan Anda sedang disiapkan dan akan tiba \($0)." },
                beingPreparedNoDate: "Pesanan Anda sedang disiapkan; kami akan memberi tahu tanggal pengiriman setelah pesanan dikirim.",
                deliveryProblem: "Ada masalah dengan pengiriman Anda; kami sedang menanganinya dan akan segera mengabari Anda.",
                cancelled: "Pesanan Anda telah dibatalkan.",
                forgottenParcel: "Pesanan Anda butuh waktu lebih lama dari perkiraan untuk diserahkan ke kurir; kami sedang menanganinya.",
                noScan: "Kurir belum memperbarui status pelacakan selama beberapa waktu; kami sedang menanyakannya ke kurir.",
                promiseAtRisk: "Pesanan Anda akan tiba lebih lambat dari yang kami janjikan.",
                promiseBreached: "Pesanan Anda terlambat dari yang kami janjikan, dan kami mohon maaf; kami sedang mendesak kurir.",
                exception: "Kurir melaporkan masalah pada pengiriman Anda; kami sedang menanganinya dan akan segera mengabari Anda.",
                failedAttempt: "Kurir tidak berhasil mengantarkan pesanan Anda; kurir akan mencoba lagi, atau Anda dapat mengatur pengiriman ulang dengan kurir.",
                returnedToSender: "Pesanan Anda sedang dikirim kembali kepada kami; kami akan mengirimkan penggantinya atau mengembalikan dana Anda.",
                cause: {
                    switch $0 {
                    case .weather: "cuaca buruk"
                    case .carrierDelay: "kendala di pihak kurir"
                    case .warehouseBacklog: "penumpukan pesanan di gudang kami"
                    case .customs: "penahanan di bea cukai"
                    case .strike: "aksi mogok"
                    case .other: "gangguan tak terduga"
                    }
                },
                days: { "\($0) hari" },
                delaying: { cause, days in "Karena \(cause), pengiriman tertunda\(days.map { " sekitar \($0)" } ?? "")." },
                nowArriving: { "Pesanan Anda kini diperkirakan tiba \($0)." },
                willUpdate: "Kami akan segera mengabari Anda begitu ada informasi baru.")
            case .ru: Phrases(
                onDay: { "\($0)" },
                // "с 10 по 16 декабря", "с 30 ноября по 2 декабря": a month both days share is named once.
                between: { first, last in
                    let (start, end) = (first.components, last.components)
                    let from = (start.year, start.month) == (end.year, end.month) ? "\(start.day)" : date(first)
                    return "с \(from) по \(date(last))"
                },
                delivered: { "Ваш заказ доставлен \($0)." },
                outForDelivery: { "Ваш заказ передан курьеру и будет доставлен сегодня, \($0)." },
                onItsWay: { "Ваш заказ в пути и будет доставлен \($0)." },
                onItsWayNoDate: "Ваш заказ в пути; перевозчик пока не сообщил дату доставки.",
                runningLate: { "Ваш заказ задерживается и теперь будет доставлен \($0)." },
                beingPrepared: { "Ваш заказ собирается и будет доставлен \($0)." },
                beingPreparedNoDate: "Ваш заказ собирается; мы сообщим дату доставки, как только он будет отправлен.",
                deliveryProblem: "С доставкой вашего заказа возникла проблема; мы уже разбираемся и скоро сообщим подробности.",
                cancelled: "Ваш заказ отменён.",
                forgottenParcel: "Передача вашего заказа перевозчику занимает больше времени, чем мы ожидали; мы уже занимаемся этим.",
                noScan: "Перевозчик давно не обновлял информацию об отслеживании; мы выясняем у него, в чём дело.",
                promiseAtRisk: "Ваш заказ будет доставлен позже обещанного срока.",
                promiseBreached: "Обещанный срок доставки вашего заказа прошёл, приносим извинения; мы торопим перевозчика.",
                exception: "Перевозчик сообщил о проблеме с доставкой вашего заказа; мы уже разбираемся и скоро сообщим подробности.",
                failedAttempt: "Перевозчику не удалось доставить ваш заказ; он попробует ещё раз, или вы можете договориться с ним о повторной доставке.",
                returnedToSender: "Ваш заказ возвращается к нам; мы отправим вам замену или вернём деньги.",
                cause: {
                    switch $0 {
                    case .weather: "непогоды"
                    case .carrierDelay: "задержки у перевозчика"
                    case .warehouseBacklog: "скопления заказов на нашем складе"
                    case .customs: "задержки на таможне"
                    case .strike: "забастовки"
                    case .other: "непредвиденного сбоя"
                    }
                },
                // 1, 21: день; 2–4, 22–24: дня; 5–20 (11–14 too), 25…: дней.
                days: { n in
                    switch (n % 10, n % 100) {
                    case (_, 11...14): "\(n) дней"
                    case (1, _): "\(n) день"
                    case (2...4, _): "\(n) дня"
                    default: "\(n) дней"
                    }
                },
                delaying: { cause, days in "Из-за \(cause) доставка задерживается\(days.map { " примерно на \($0)" } ?? "")." },
                nowArriving: { "Теперь ваш заказ будет доставлен \($0)." },
                willUpdate: "Мы сообщим, как только узнаем больше.")
            case .zhHans: Phrases(
                onDay: { "\($0)" }, between: { "\(date($0))至\(date($1))" },
                delivered: { "您的订单已于\($0)送达。" },
                outForDelivery: { "您的订单正在派送中，预计今天（\($0)）送达。" },
                onItsWay: { "您的订单正在运输途中，预计\($0)送达。" },
                onItsWayNoDate: "您的订单正在运输途中，承运商尚未提供送达日期。",
                runningLate: { "您的订单有所延误，现预计\($0)送达。" },
                beingPrepared: { "您的订单正在备货，预计\($0)送达。" },
                beingPreparedNoDate: "您的订单正在备货，发货后我们会告知送达日期。",
                deliveryProblem: "您的配送出现问题，我们正在处理，稍后会通知您。",
                cancelled: "您的订单已取消。",
                forgottenParcel: "您的订单交付承运商的时间比预期长，我们正在跟进。",
                noScan: "承运商已有一段时间未更新物流信息，我们正在与其核实。",
                promiseAtRisk: "您的订单将晚于我们承诺的时间送达。",
                promiseBreached: "很抱歉，您的订单已晚于我们承诺的时间，我们正在催促承运商。",
                exception: "承运商报告了配送问题，我们正在处理，稍后会通知您。",
                failedAttempt: "承运商未能送达您的订单，将再次尝试派送，您也可以联系承运商安排重新派送。",
                returnedToSender: "您的订单正在退回给我们，我们将为您补发或退款。",
                cause: {
                    switch $0 {
                    case .weather: "恶劣天气"
                    case .carrierDelay: "承运商延误"
                    case .warehouseBacklog: "我们仓库积压"
                    case .customs: "清关延误"
                    case .strike: "罢工"
                    case .other: "意外情况"
                    }
                },
                days: { "\($0)天" },
                delaying: { cause, days in "受\(cause)影响，配送\(days.map { "将延迟约\($0)" } ?? "有所延迟")。" },
                nowArriving: { "现预计\($0)送达。" },
                willUpdate: "一有新消息，我们会立即通知您。")
            case .ptBR: Phrases(
                // "na quinta-feira", but "no sábado", "no domingo": the weekday's gender picks the article.
                onDay: { ($0.hasPrefix("sábado") || $0.hasPrefix("domingo") ? "no " : "na ") + $0 },
                between: { "entre \(date($0)) e \(date($1))" },
                delivered: { "Seu pedido foi entregue \($0)." },
                outForDelivery: { "Seu pedido saiu para entrega e deve chegar hoje, \($0)." },
                onItsWay: { "Seu pedido está a caminho e deve chegar \($0)." },
                onItsWayNoDate: "Seu pedido está a caminho; a transportadora ainda não informou a data de entrega.",
                runningLate: { "Seu pedido está atrasado e agora deve chegar \($0)." },
                beingPrepared: { "Seu pedido está sendo preparado e deve chegar \($0)." },
                beingPreparedNoDate: "Seu pedido está sendo preparado; informaremos a data de entrega assim que ele for enviado.",
                deliveryProblem: "Houve um problema com a sua entrega; estamos verificando e daremos notícias em breve.",
                cancelled: "Seu pedido foi cancelado.",
                forgottenParcel: "Seu pedido está demorando mais do que o esperado para ser entregue à transportadora; já estamos cuidando disso.",
                noScan: "A transportadora não atualiza o rastreamento do seu pedido há algum tempo; estamos verificando com ela.",
                promiseAtRisk: "Seu pedido vai chegar depois do prazo que prometemos.",
                promiseBreached: "Seu pedido já passou do prazo que prometemos, e pedimos desculpas; estamos cobrando a transportadora.",
                exception: "A transportadora informou um problema com a sua entrega; estamos verificando e daremos notícias em breve.",
                failedAttempt: "A transportadora não conseguiu entregar seu pedido; ela vai tentar de novo, ou você pode combinar uma nova entrega com ela.",
                returnedToSender: "Seu pedido está voltando para nós; vamos enviar outro ou devolver o seu dinheiro.",
                cause: {
                    switch $0 {
                    case .weather: "O mau tempo"
                    case .carrierDelay: "Um problema na transportadora"
                    case .warehouseBacklog: "O acúmulo de pedidos no nosso armazém"
                    case .customs: "Uma retenção na alfândega"
                    case .strike: "Uma greve"
                    case .other: "Um imprevisto"
                    }
                },
                days: { $0 == 1 ? "1 dia" : "\($0) dias" },
                delaying: { cause, days in "\(cause) está atrasando as entregas\(days.map { " em cerca de \($0)" } ?? "")." },
                nowArriving: { "Agora seu pedido deve chegar \($0)." },
                willUpdate: "Avisaremos você assim que tivermos novidades.")
            case .de: Phrases(
                onDay: { "am \($0)" }, between: { "zwischen \(date($0)) und \(date($1))" },
                delivered: { "Ihre Bestellung wurde \($0) zugestellt." },
                outForDelivery: { "Ihre Bestellung ist in der Zustellung und kommt heute, \($0), bei Ihnen an." },
                onItsWay: { "Ihre Bestellung ist unterwegs und kommt voraussichtlich \($0) an." },
                onItsWayNoDate: "Ihre Bestellung ist unterwegs; der Paketdienst hat noch kein Zustelldatum genannt.",
                runningLate: { "Ihre Bestellung verspätet sich und kommt jetzt voraussichtlich \($0) an." },
                beingPrepared: { "Ihre Bestellung wird vorbereitet und kommt voraussichtlich \($0) an." },
                beingPreparedNoDate: "Ihre Bestellung wird vorbereitet; wir nennen Ihnen ein Zustelldatum, sobald sie versandt ist.",
                deliveryProblem: "Bei Ihrer Zustellung gibt es ein Problem; wir kümmern uns darum und melden uns bald bei Ihnen.",
                cancelled: "Ihre Bestellung wurde storniert.",
                forgottenParcel: "Die Übergabe Ihrer Bestellung an den Paketdienst dauert länger als erwartet; wir kümmern uns darum.",
                noScan: "Der Paketdienst hat die Sendungsverfolgung seit einer Weile nicht aktualisiert; wir fragen dort nach.",
                promiseAtRisk: "Ihre Bestellung kommt später als von uns zugesagt.",
                promiseBreached: "Ihre Bestellung hat den zugesagten Termin überschritten, und das tut uns leid; wir haken beim Paketdienst nach.",
                exception: "Der Paketdienst hat ein Problem bei Ihrer Zustellung gemeldet; wir kümmern uns darum und melden uns bald bei Ihnen.",
                failedAttempt: "Der Paketdienst konnte Ihre Bestellung nicht zustellen; er versucht es erneut, oder Sie vereinbaren mit ihm eine neue Zustellung.",
                returnedToSender: "Ihre Bestellung ist auf dem Rückweg zu uns; wir schicken Ihnen Ersatz oder erstatten Ihnen den Betrag.",
                cause: {
                    switch $0 {
                    case .weather: "eines Unwetters"
                    case .carrierDelay: "eines Engpasses beim Paketdienst"
                    case .warehouseBacklog: "eines Rückstaus in unserem Lager"
                    case .customs: "einer längeren Zollabfertigung"
                    case .strike: "eines Streiks"
                    case .other: "einer unerwarteten Störung"
                    }
                },
                days: { $0 == 1 ? "1 Tag" : "\($0) Tage" },
                delaying: { cause, days in "Wegen \(cause) verzögern sich die Lieferungen\(days.map { " um etwa \($0)" } ?? "")." },
                nowArriving: { "Ihre Bestellung kommt jetzt voraussichtlich \($0) an." },
                willUpdate: "Wir melden uns, sobald wir mehr wissen.")
            case .fr: Phrases(
                // French puts a no-break space before ";".
                onDay: { "le \($0)" }, between: { "entre le \(date($0)) et le \(date($1))" },
                delivered: { "Votre commande a été livrée \($0)." },
                outForDelivery: { "Votre commande est en cours de livraison et devrait arriver aujourd’hui, \($0)." },
                onItsWay: { "Votre commande est en route et devrait arriver \($0)." },
                onItsWayNoDate: "Votre commande est en route\u{A0}; le transporteur n’a pas encore indiqué de date de livraison.",
                runningLate: { "Votre commande a du retard et devrait maintenant arriver \($0)." },
                beingPrepared: { "Votre commande est en préparation et devrait arriver \($0)." },
                beingPreparedNoDate: "Votre commande est en préparation\u{A0}; nous vous indiquerons une date de livraison dès son expédition.",
                deliveryProblem: "Un problème est survenu avec votre livraison\u{A0}; nous nous en occupons et revenons vers vous très vite.",
                cancelled: "Votre commande a été annulée.",
                forgottenParcel: "La remise de votre commande au transporteur prend plus de temps que prévu\u{A0}; nous nous en occupons.",
                noScan: "Le transporteur n’a pas mis à jour le suivi de votre colis depuis un moment\u{A0}; nous vérifions auprès de lui.",
                promiseAtRisk: "Votre commande arrivera plus tard que ce que nous vous avions promis.",
                promiseBreached: "Votre commande a dépassé le délai que nous vous avions promis, et nous en sommes désolés\u{A0}; nous relançons le transporteur.",
                exception: "Le transporteur a signalé un problème avec votre livraison\u{A0}; nous nous en occupons et revenons vers vous très vite.",
                failedAttempt: "Le transporteur n’a pas pu livrer votre commande\u{A0}; il fera une nouvelle tentative, ou vous pouvez convenir avec lui d’une nouvelle livraison.",
                returnedToSender: "Votre commande nous est retournée\u{A0}; nous vous enverrons un article de remplacement ou vous rembourserons.",
                cause: {
                    switch $0 {
                    case .weather: "d’intempéries"
                    case .carrierDelay: "d’un retard chez le transporteur"
                    case .warehouseBacklog: "d’un afflux de commandes dans notre entrepôt"
                    case .customs: "d’un blocage en douane"
                    case .strike: "d’une grève"
                    case .other: "d’un imprévu"
                    }
                },
                days: { $0 == 1 ? "1 jour" : "\($0) jours" },
                delaying: { cause, days in "En raison \(cause), les livraisons ont \(days.map { "environ \($0) de retard" } ?? "du retard")." },
                nowArriving: { "Votre commande devrait maintenant arriver \($0)." },
                willUpdate: "Nous reviendrons vers vous dès que nous en saurons plus.")
            case .it: Phrases(
                onDay: { "\($0)" }, between: { "tra \(date($0)) e \(date($1))" },
                delivered: { "Il tuo ordine è stato consegnato \($0)." },
                outForDelivery: { "Il tuo ordine è in consegna e dovrebbe arrivare oggi, \($0)." },
                onItsWay: { "Il tuo ordine è in viaggio e dovrebbe arrivare \($0)." },
                onItsWayNoDate: "Il tuo ordine è in viaggio; il corriere non ha ancora indicato una data di consegna.",
                runningLate: { "Il tuo ordine è in ritardo e ora dovrebbe arrivare \($0)." },
                beingPrepared: { "Stiamo preparando il tuo ordine, che dovrebbe arrivare \($0)." },
                beingPreparedNoDate: "Stiamo preparando il tuo ordine; ti comunicheremo una data di consegna appena verrà spedito.",
                deliveryProblem: "C’è un problema con la tua consegna; ce ne stiamo occupando e ti aggiorneremo a breve.",
                cancelled: "Il tuo ordine è stato annullato.",
                forgottenParcel: "Ci vuole più tempo del previsto per affidare il tuo ordine al corriere; ce ne stiamo occupando.",
                noScan: "Il corriere non aggiorna il tracciamento del tuo ordine da un po’; stiamo verificando con lui.",
                promiseAtRisk: "Il tuo ordine arriverà più tardi di quanto ti avevamo promesso.",
                promiseBreached: "Il tuo ordine è in ritardo rispetto a quanto ti avevamo promesso, e ci dispiace; stiamo sollecitando il corriere.",
                exception: "Il corriere ha segnalato un problema con la tua consegna; ce ne stiamo occupando e ti aggiorneremo a breve.",
                failedAttempt: "Il corriere non è riuscito a consegnare il tuo ordine; riproverà, oppure puoi concordare con lui una nuova consegna.",
                returnedToSender: "Il tuo ordine sta tornando da noi; ti invieremo un articolo sostitutivo o ti rimborseremo.",
                cause: {
                    switch $0 {
                    case .weather: "del maltempo"
                    case .carrierDelay: "di rallentamenti del corriere"
                    case .warehouseBacklog: "di un accumulo di ordini nel nostro magazzino"
                    case .customs: "di un blocco in dogana"
                    case .strike: "di uno sciopero"
                    case .other: "di un imprevisto"
                    }
                },
                days: { $0 == 1 ? "1 giorno" : "\($0) giorni" },
                delaying: { cause, days in "A causa \(cause), le consegne sono in ritardo\(days.map { " di circa \($0)" } ?? "")." },
                nowArriving: { "Il tuo ordine ora dovrebbe arrivare \($0)." },
                willUpdate: "Ti aggiorneremo appena ne sapremo di più.")
            case .pl: Phrases(
                onDay: { "\($0)" },
                // "między 10 a 16 grudnia", "między 30 listopada a 2 grudnia": a month both days share is named once.
                between: { first, last in
                    let (start, end) = (first.components, last.components)
                    let from = (start.year, start.month) == (end.year, end.month) ? "\(start.day)" : date(first)
                    return "między \(from) a \(date(last))"
                },
                delivered: { "Twoje zamówienie zostało doręczone \($0)." },
                outForDelivery: { "Twoje zamówienie zostało wydane do doręczenia i powinno dotrzeć dziś, \($0)." },
                onItsWay: { "Twoje zamówienie jest w drodze i powinno dotrzeć \($0)." },
                onItsWayNoDate: "Twoje zamówienie jest w drodze; przewoźnik nie podał jeszcze daty doręczenia.",
                runningLate: { "Twoje zamówienie jest opóźnione i powinno teraz dotrzeć \($0)." },
                beingPrepared: { "Przygotowujemy Twoje zamówienie, które powinno dotrzeć \($0)." },
                beingPreparedNoDate: "Przygotowujemy Twoje zamówienie; podamy datę doręczenia, gdy tylko zostanie wysłane.",
                deliveryProblem: "Wystąpił problem z doręczeniem Twojego zamówienia; sprawdzamy to i wkrótce damy Ci znać.",
                cancelled: "Twoje zamówienie zostało anulowane.",
                forgottenParcel: "Przekazanie Twojego zamówienia przewoźnikowi trwa dłużej, niż się spodziewaliśmy; zajmujemy się tym.",
                noScan: "Przewoźnik od pewnego czasu nie aktualizuje informacji o przesyłce; wyjaśniamy to z nim.",
                promiseAtRisk: "Twoje zamówienie dotrze później, niż obiecaliśmy.",
                promiseBreached: "Twoje zamówienie spóźnia się względem obiecanego terminu, za co przepraszamy; ponaglamy przewoźnika.",
                exception: "Przewoźnik zgłosił problem z doręczeniem Twojego zamówienia; sprawdzamy to i wkrótce damy Ci znać.",
                failedAttempt: "Przewoźnikowi nie udało się doręczyć Twojego zamówienia; spróbuje ponownie, możesz też umówić z nim ponowne doręczenie.",
                returnedToSender: "Twoje zamówienie wraca do nas; wyślemy Ci nowy produkt lub zwrócimy pieniądze.",
                cause: {
                    switch $0 {
                    case .weather: "złej pogody"
                    case .carrierDelay: "problemów po stronie przewoźnika"
                    case .warehouseBacklog: "zaległości w naszym magazynie"
                    case .customs: "zatrzymania w urzędzie celnym"
                    case .strike: "strajku"
                    case .other: "nieprzewidzianych utrudnień"
                    }
                },
                // "1 dzień", then "dni" for every other number (2 dni, 5 dni, 22 dni).
                days: { $0 == 1 ? "1 dzień" : "\($0) dni" },
                delaying: { cause, days in "Z powodu \(cause) dostawy są opóźnione\(days.map { " o około \($0)" } ?? "")." },
                nowArriving: { "Twoje zamówienie powinno teraz dotrzeć \($0)." },
                willUpdate: "Damy Ci znać, gdy tylko dowiemy się więcej.")
            case .tr: Phrases(
                // "26 Kasım Perşembe günü": "günü" takes the case, so the date needs no suffix of its own.
                onDay: { "\($0) günü" }, between: { "\(date($0)) ile \(date($1)) arasında" },
                delivered: { "Siparişiniz \($0) teslim edildi." },
                outForDelivery: { "Siparişiniz dağıtıma çıktı ve bugün, \($0), teslim edilmesi bekleniyor." },
                onItsWay: { "Siparişiniz yolda ve \($0) teslim edilmesi bekleniyor." },
                onItsWayNoDate: "Siparişiniz yolda; kargo firması henüz bir teslimat tarihi bildirmedi.",
                runningLate: { "Siparişiniz gecikti ve artık \($0) teslim edilmesi bekleniyor." },
                beingPrepared: { "Siparişiniz hazırlanıyor ve \($0) teslim edilmesi bekleniyor." },
                beingPreparedNoDate: "Siparişiniz hazırlanıyor; kargoya verilir verilmez teslimat tarihini size bildireceğiz.",
                deliveryProblem: "Teslimatınızla ilgili bir sorun var; inceliyoruz ve en kısa sürede size bilgi vereceğiz.",
                cancelled: "Siparişiniz iptal edildi.",
                forgottenParcel: "Siparişinizin kargo firmasına teslim edilmesi beklenenden uzun sürüyor; konuyla ilgileniyoruz.",
                noScan: "Kargo firması bir süredir takip bilgilerini güncellemedi; durumu kendileriyle kontrol ediyoruz.",
                promiseAtRisk: "Siparişiniz size söz verdiğimizden daha geç ulaşacak.",
                promiseBreached: "Siparişiniz söz verdiğimiz tarihten daha geç kaldı, bunun için özür dileriz; kargo firmasının peşindeyiz.",
                exception: "Kargo firması teslimatınızla ilgili bir sorun bildirdi; inceliyoruz ve en kısa sürede size bilgi vereceğiz.",
                failedAttempt: "Kargo firması siparişinizi teslim edemedi; tekrar deneyecek, dilerseniz yeni bir teslimat için kargo firmasıyla da görüşebilirsiniz.",
                returnedToSender: "Siparişiniz bize geri dönüyor; size yenisini göndereceğiz ya da ücretini iade edeceğiz.",
                cause: {
                    switch $0 {
                    case .weather: "Kötü hava koşulları"
                    case .carrierDelay: "Kargo firmasından kaynaklanan bir sorun"
                    case .warehouseBacklog: "Depomuzdaki sipariş yoğunluğu"
                    case .customs: "Gümrükte yaşanan bir bekleme"
                    case .strike: "Bir grev"
                    case .other: "Beklenmedik bir aksaklık"
                    }
                },
                // A number takes the singular noun in Turkish: "1 gün", "3 gün".
                days: { "\($0) gün" },
                delaying: { cause, days in "\(cause) nedeniyle teslimatlar\(days.map { " yaklaşık \($0)" } ?? "") gecikiyor." },
                nowArriving: { "Siparişinizin artık \($0) teslim edilmesi bekleniyor." },
                willUpdate: "Yeni bir bilgi olur olmaz size haber vereceğiz.")
            case .nl: Phrases(
                onDay: { "op \($0)" }, between: { "tussen \(date($0)) en \(date($1))" },
                delivered: { "Je bestelling is \($0) bezorgd." },
                outForDelivery: { "Je bestelling is onderweg met de bezorger en komt vandaag, \($0), aan." },
                onItsWay: { "Je bestelling is onderweg en komt naar verwachting \($0) aan." },
                onItsWayNoDate: "Je bestelling is onderweg; de vervoerder heeft nog geen bezorgdatum doorgegeven.",
                runningLate: { "Je bestelling heeft vertraging en komt nu naar verwachting \($0) aan." },
                beingPrepared: { "Je bestelling wordt klaargemaakt en komt naar verwachting \($0) aan." },
                beingPreparedNoDate: "Je bestelling wordt klaargemaakt; zodra hij verzonden is, laten we je de bezorgdatum weten.",
                deliveryProblem: "Er is een probleem met je bezorging; we zoeken het uit en laten snel van ons horen.",
                cancelled: "Je bestelling is geannuleerd.",
                forgottenParcel: "Het duurt langer dan verwacht voordat je bestelling aan de vervoerder wordt overgedragen; we zijn ermee bezig.",
                noScan: "De vervoerder heeft je track & trace al een tijdje niet bijgewerkt; we vragen het bij hen na.",
                promiseAtRisk: "Je bestelling komt later dan we hebben beloofd.",
                promiseBreached: "Je bestelling is later dan we hebben beloofd, en dat spijt ons; we zitten achter de vervoerder aan.",
                exception: "De vervoerder heeft een probleem met je bezorging gemeld; we zoeken het uit en laten snel van ons horen.",
                failedAttempt: "De vervoerder kon je bestelling niet bezorgen; er volgt een nieuwe poging, of je spreekt zelf een nieuwe bezorging met de vervoerder af.",
                returnedToSender: "Je bestelling is onderweg terug naar ons; we sturen je een vervangend artikel of betalen je terug.",
                cause: {
                    switch $0 {
                    case .weather: "slecht weer"
                    case .carrierDelay: "een probleem bij de vervoerder"
                    case .warehouseBacklog: "een achterstand in ons magazijn"
                    case .customs: "oponthoud bij de douane"
                    case .strike: "een staking"
                    case .other: "een onverwachte verstoring"
                    }
                },
                days: { $0 == 1 ? "1 dag" : "\($0) dagen" },
                delaying: { cause, days in "Door \(cause) lopen bezorgingen\(days.map { " ongeveer \($0)" } ?? "") vertraging op." },
                nowArriving: { "Je bestelling komt nu naar verwachting \($0) aan." },
                willUpdate: "Zodra we meer weten, hoor je van ons.")
            }
        }
    }
}
