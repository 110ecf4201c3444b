import Foundation

/// What a message's templates are rendered with: the values Core reads from the order for one
/// kind, in the customer's language. Built when the message is planned (and again whenever the
/// next event replaces it), stored with it, and completed when it goes out with the two links,
/// which are made only then (`withLinks`).
public struct MessageContent: Sendable, Equatable {
    /// Variables by name (`MessageTemplates.variables`); absent when the order has no such value.
    public var values: [String: String]
    /// The order's lines: `name` and `quantity`.
    public var items: [[String: String]]
    /// The remedies offered, for a late parcel: `label`.
    public var remedies: [[String: String]]

    public init(values: [String: String], items: [[String: String]], remedies: [[String: String]]) {
        (self.values, self.items, self.remedies) = (values, items, remedies)
    }

    /// What the merchant's page says about the shop, for the frame of every message.
    public struct Shop: Sendable, Equatable {
        public var name: String
        public var brandColor: String
        public var logoURL: String?
        public init(name: String, brandColor: String, logoURL: String?) { (self.name, self.brandColor, self.logoURL) = (name, brandColor, logoURL) }

        public init(_ branding: PageBranding) { self.init(name: branding.storeName, brandColor: branding.primary, logoURL: branding.logoURL) }
    }

    /// The content of a message of `kind` about `order` now.
    public static func build(_ kind: MessageKind, topic: String, order: OrderRecord, context: MerchantContext, language: CustomerLanguage,
                             shop: Shop) -> MessageContent {
        let zone = Countries.timeZone(of: order.destination.country)
        let number = order.orderNumber.hasPrefix("#") ? order.orderNumber : "#" + order.orderNumber
        var values = frame(kind, language: language, shop: shop, number: number,
                           customerName: order.customer.name?.split(whereSeparator: \.isWhitespace).first.map(String.init))
        values["status"] = order.status.pageText.text(language)
        if let window = order.estimate(context: context)?.window {
            values["arrival"] = PageText.arrivalWindow.text(language, ["earliest": language.format(window.earliest), "latest": language.format(window.latest)])
        } else if let delivered = order.shipments.compactMap(\.deliveredAt).max(), order.status == .delivered {
            values["arrival"] = PageText.deliveredOn.text(language, ["date": language.formatInstant(delivered, in: zone)])
        }
        if let shipment = order.shipments.last(where: { $0.shippedAt != nil }) ?? order.shipments.last {
            (values["carrier"], values["tracking_number"]) = (shipment.carrier, shipment.trackingNumber)
        }
        let about = topic.split(separator: ":").dropFirst().first.flatMap { UUID(uuidString: String($0)) }
        if kind == .deliveryFailed, let exception = order.deliveryExceptions.first(where: { $0.id == about }) {
            values["deadline"] = language.formatInstant(exception.respondBy, in: zone)
        }
        if let record = order.returns.first(where: { $0.id == about }) {
            let amount = kind == .storeCreditIssued ? record.quote.storeCredit : record.quote.refundTotal
            values["amount"] = amount.map { Self.money($0, currency: record.quote.currency, language: language) }
        }
        sayWhatHappened(kind, language: language, in: &values)
        let items = order.lines.filter { $0.quantity > $0.cancelledQuantity }.map { line in
            ["name": line.name, "quantity": String(line.quantity - line.cancelledQuantity)]
        }
        let remedies = kind == .runningLate
            ? (order.remedies.last { $0.choice == nil && order.alert?.id == $0.alertID }?.options ?? []).map { ["label": $0.kind.pageText.text(language)] }
            : []
        return MessageContent(values: values, items: items, remedies: remedies)
    }

    /// What a preview renders: a sample order of two lines, arriving in a week, with the links
    /// of an example page.
    public static func sample(_ kind: MessageKind, language: CustomerLanguage, shop: Shop, now: Date) -> MessageContent {
        let today = LocalDate(now, in: .gmt)
        var values = frame(kind, language: language, shop: shop, number: "#1001", customerName: "Ana")
        values["status"] = OrderStatus.inTransit.pageText.text(language)
        values["arrival"] = PageText.arrivalWindow.text(language, ["earliest": language.format(today.adding(days: 5)),
                                                                   "latest": language.format(today.adding(days: 7))])
        (values["carrier"], values["tracking_number"]) = ("fan_courier", "2150000123")
        values["deadline"] = language.formatInstant(now.addingTimeInterval(2 * 86_400), in: .gmt)
        values["amount"] = money(4990, currency: "EUR", language: language)
        sayWhatHappened(kind, language: language, in: &values)
        let remedies = kind == .runningLate ? [RemedyKind.freeShipping, .shippingRefund].map { ["label": $0.pageText.text(language)] } : []
        return MessageContent(values: values, items: [["name": "Linen shirt", "quantity": "1"], ["name": "Ceramic mug", "quantity": "2"]],
                              remedies: remedies)
    }

    /// The values every message of the kind has, whatever the order: the shop, the greeting,
    /// the button and the footer.
    static func frame(_ kind: MessageKind, language: CustomerLanguage, shop: Shop, number: String, customerName: String?) -> [String: String] {
        var values: [String: String] = [
            "shop_name": shop.name, "order_number": number, "language": language.rawValue, "brand_color": shop.brandColor,
            "action_label": kind.action.text(language),
            "greeting": customerName.map { MessageText.greetingNamed.text(language, ["name": $0]) } ?? MessageText.greeting.text(language),
            "footer": MessageText.footerReason.text(language, ["shop": shop.name]),
            "unsubscribe_label": MessageText.unsubscribeLink.text(language, ["topic": kind.topic(language)]),
        ]
        values["logo_url"] = shop.logoURL
        values["customer_name"] = customerName
        return values
    }

    /// The subject and the opening sentence, which name the order, the deadline or the amount.
    static func sayWhatHappened(_ kind: MessageKind, language: CustomerLanguage, in values: inout [String: String]) {
        let fill = ["number": values["order_number"] ?? "", "shop": values["shop_name"] ?? "", "deadline": values["deadline"] ?? "",
                    "amount": values["amount"] ?? ""]
        values["subject"] = kind.texts.subject.text(language, fill)
        values["intro"] = kind.texts.intro.text(language, fill)
    }

    /// With the links made as it goes out.
    public func withLinks(page: String, unsubscribe: String) -> MessageContent {
        var content = self
        (content.values["page_url"], content.values["unsubscribe_url"]) = (page, unsubscribe)
        return content
    }

    /// An amount in minor units, the language's way ("€12.50", "12,50 €").
    public static func money(_ minorUnits: Int, currency: String, language: CustomerLanguage) -> String {
        let style = Decimal.FormatStyle.Currency(code: currency, locale: Locale(identifier: language.localeIdentifier))
        var value = Decimal(minorUnits)
        for _ in 0..<minorDigits(currency) { value /= 10 }
        return value.formatted(style)
    }

    /// ISO 4217's minor units: two but for the few currencies with none or three.
    static func minorDigits(_ currency: String) -> Int {
        switch currency.uppercased() {
        case "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG", "RWF": 0
        case "BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD": 3
        default: 2
        }
    }

    // MARK: Stored as JSON

    public var json: JSONValue {
        .object([
            "values": .object(values.mapValues(JSONValue.string)),
            "items": .array(items.map { .object($0.mapValues(JSONValue.string)) }),
            "remedies": .array(remedies.map { .object($0.mapValues(JSONValue.string)) }),
        ])
    }

    public init?(json: JSONValue) {
        func strings(_ value: JSONValue?) -> [String: String]? {
            guard case .object(let object)? = value else { return nil }
            return object.compactMapValues { if case .string(let text) = $0 { text } else { nil } }
        }
        func list(_ value: JSONValue?) -> [[String: String]] {
            guard case .array(let array)? = value else { return [] }
            return array.compactMap { strings($0) }
        }
        guard case .object(let object) = json, let values = strings(object["values"]) else { return nil }
        self.init(values: values, items: list(object["items"]), remedies: list(object["remedies"]))
    }
}
