import Foundation

public enum ChannelType: String, Sendable, Codable, CaseIterable {
    case web, app, marketplace, social, pos, phone, other
}

public struct Channel: Sendable, Codable, Equatable {
    public var type: ChannelType
    /// The marketplace or social shop, e.g. `amazon`.
    public var name: String?

    public init(type: ChannelType, name: String?) {
        self.type = type
        self.name = name
    }
}

public struct Customer: Sendable, Codable, Equatable {
    public var email: String
    public var phone: String?
    public var name: String?
    public var locale: String?

    public init(email: String, phone: String?, name: String?, locale: String?) {
        self.email = email
        self.phone = phone
        self.name = name
        self.locale = locale
    }
}

public struct Address: Sendable, Codable, Equatable {
    public var name: String?
    public var line1: String
    public var line2: String?
    public var city: String
    public var region: String?
    public var postalCode: String?
    public var country: String

    public init(name: String?, line1: String, line2: String?, city: String, region: String?, postalCode: String?, country: String) {
        self.name = name
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.region = region
        self.postalCode = postalCode
        self.country = country
    }
}

public struct OrderLineDraft: Sendable, Equatable {
    public var sku: String
    public var name: String
    public var quantity: Int
    public var unitPrice: Int
    public var category: String?
    public var imageUrl: String?
    public var productUrl: String?
    public var finalSale: Bool

    public init(sku: String, name: String, quantity: Int, unitPrice: Int, category: String?, imageUrl: String?, productUrl: String?, finalSale: Bool) {
        self.sku = sku
        self.name = name
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.category = category
        self.imageUrl = imageUrl
        self.productUrl = productUrl
        self.finalSale = finalSale
    }
}

/// An order as the merchant sends it, to create or replace one by its order number.
public struct OrderDraft: Sendable, Equatable {
    public var orderNumber: String
    public var channel: Channel
    public var customer: Customer
    public var destination: Address
    public var placedAt: Date
    public var currency: String
    public var lines: [OrderLineDraft]
    /// Free-form merchant data as a JSON object's text.
    public var metadataJSON: String
    /// The quote option chosen at checkout; it becomes the order's promise.
    public var delivery: DeliverySelection?
    /// Paid at the door: the customer is asked to confirm before it ships (`OrderRecord.confirm`).
    public var cashOnDelivery: Bool

    public static let maxQuantity = 10_000
    public static let maxUnitPrice = 100_000_000_000
    public static let maxMetadataBytes = 16 * 1024
    /// As the contract's `Metadata` schema says (`maxProperties`).
    public static let maxMetadataKeys = 50

    public init(orderNumber: String, channel: Channel, customer: Customer, destination: Address, placedAt: Date, currency: String,
                lines: [OrderLineDraft], metadataJSON: String, delivery: DeliverySelection? = nil, cashOnDelivery: Bool = false) {
        self.delivery = delivery
        self.cashOnDelivery = cashOnDelivery
        self.orderNumber = orderNumber
        self.channel = channel
        self.customer = Customer(email: customer.email.lowercased(), phone: customer.phone, name: customer.name, locale: customer.locale)
        self.destination = destination
        self.placedAt = placedAt
        self.currency = currency
        self.lines = lines
        self.metadataJSON = metadataJSON
    }

    /// Checks every rule, reporting all invalid fields at once. `now` bounds `placed_at`:
    /// an order cannot be placed more than a day in the future or before the year 2000.
    public func validate(now: Date) throws(DomainError) {
        var v = Validator()
        v.text(orderNumber, "order_number", min: 1, max: 64)
        v.check(!orderNumber.unicodeScalars.contains { CharacterSet.whitespacesAndNewlines.contains($0) },
                "order_number", "must not contain spaces")
        v.text(channel.name, "channel.name", max: 64)
        v.text(customer.email, "customer.email", max: 320)
        v.check(Formats.isEmail(customer.email), "customer.email", "must be an email address such as ana@example.com")
        if let phone = customer.phone {
            v.check(Formats.isPhoneNumber(phone), "customer.phone", "must be an E.164 number such as +40712345678")
        }
        v.text(customer.name, "customer.name", max: 200)
        if let locale = customer.locale {
            v.check(locale.count <= 35 && Formats.isLanguageTag(locale), "customer.locale", "must be a language tag such as en or pt-BR")
        }
        validate(address: destination, "destination", &v)
        let earliest = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01
        v.check(placedAt >= earliest && placedAt <= now.addingTimeInterval(86_400), "placed_at",
                "must be a time between 2000-01-01 and tomorrow")
        v.check(Formats.currencyCodes.contains(currency), "currency", "must be an ISO 4217 currency code such as EUR")
        v.count(lines.count, "lines", 1...500)
        var seenSKUs = Set<String>()
        for (index, line) in lines.enumerated() {
            let field = "lines[\(index)]"
            v.text(line.sku, "\(field).sku", min: 1, max: 64)
            v.check(seenSKUs.insert(line.sku).inserted, "\(field).sku", "must be unique within the order")
            v.text(line.name, "\(field).name", min: 1, max: 300)
            v.range(line.quantity, "\(field).quantity", 1...Self.maxQuantity)
            v.range(line.unitPrice, "\(field).unit_price", 0...Self.maxUnitPrice)
            v.text(line.category, "\(field).category", max: 100)
            for (name, url) in [("image_url", line.imageUrl), ("product_url", line.productUrl)] {
                guard let url else { continue }
                v.text(url, "\(field).\(name)", max: 2048)
                v.check(Formats.isHTTPURL(url), "\(field).\(name)", "must be an http or https URL")
            }
        }
        v.check(metadataJSON.utf8.count <= Self.maxMetadataBytes, "metadata", "must be at most \(Self.maxMetadataBytes) bytes of JSON")
        // Each key takes at least five bytes (`"":0,`), so only a longer text can hold too many.
        if metadataJSON.utf8.count > Self.maxMetadataKeys * 5,
           let keys = (try? JSONSerialization.jsonObject(with: Data(metadataJSON.utf8)) as? [String: Any])?.count {
            v.check(keys <= Self.maxMetadataKeys, "metadata", "must have at most \(Self.maxMetadataKeys) keys")
        }
        // PostgreSQL's jsonb cannot hold the NUL character.
        v.check(!metadataJSON.contains("\\u0000"), "metadata", "must not contain NUL characters")
        try v.finish()
    }

    private func validate(address: Address, _ prefix: String, _ v: inout Validator) {
        v.text(address.name, "\(prefix).name", max: 200)
        v.text(address.line1, "\(prefix).line1", min: 1, max: 200)
        v.text(address.line2, "\(prefix).line2", max: 200)
        v.text(address.city, "\(prefix).city", min: 1, max: 100)
        v.text(address.region, "\(prefix).region", max: 100)
        v.text(address.postalCode, "\(prefix).postal_code", max: 20)
        v.check(Formats.countryCodes.contains(address.country), "\(prefix).country",
                "must be an ISO 3166-1 alpha-2 country code such as RO")
    }
}

/// A quantity of one order line, as shipped or cancelled.
public struct LineQuantity: Sendable, Codable, Equatable {
    public var sku: String
    public var quantity: Int

    public init(sku: String, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }

    static func validate(_ lines: [LineQuantity], _ v: inout Validator) {
        v.count(lines.count, "lines", 1...500)
        var seen = Set<String>()
        for (index, line) in lines.enumerated() {
            v.text(line.sku, "lines[\(index)].sku", min: 1, max: 64)
            v.check(seen.insert(line.sku).inserted, "lines[\(index)].sku", "must appear once")
            v.range(line.quantity, "lines[\(index)].quantity", 1...OrderDraft.maxQuantity)
        }
    }
}

public enum CancellationReason: String, Sendable, Codable, CaseIterable {
    case customerRequest = "customer_request"
    case outOfStock = "out_of_stock"
    case fraud
    case paymentDeclined = "payment_declined"
    case other
}

public struct CancellationDraft: Sendable, Equatable {
    public var reason: CancellationReason
    /// The quantities to cancel; nil cancels everything not yet shipped.
    public var lines: [LineQuantity]?

    public init(reason: CancellationReason, lines: [LineQuantity]?) {
        self.reason = reason
        self.lines = lines
    }

    public func validate() throws(DomainError) {
        var v = Validator()
        if let lines { LineQuantity.validate(lines, &v) }
        try v.finish()
    }
}
