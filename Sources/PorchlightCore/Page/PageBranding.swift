import Foundation

/// How a merchant's customer page looks and what it offers besides the order: its address, name,
/// logo, colours, contacts, one banner, recommendations and who may embed it.
public struct PageBranding: Sendable, Equatable, Codable {
    public struct Colors: Sendable, Equatable, Codable {
        public var primary: String?
        public var onPrimary: String?
        public var background: String?
        public var text: String?

        public init(primary: String? = nil, onPrimary: String? = nil, background: String? = nil, text: String? = nil) {
            (self.primary, self.onPrimary, self.background, self.text) = (primary, onPrimary, background, text)
        }

        enum CodingKeys: String, CodingKey { case primary, onPrimary = "on_primary", background, text }
    }

    public struct Support: Sendable, Equatable, Codable {
        public var email: String?
        public var phone: String?
        public var url: String?

        public init(email: String? = nil, phone: String? = nil, url: String? = nil) {
            (self.email, self.phone, self.url) = (email, phone, url)
        }
    }

    public struct Banner: Sendable, Equatable, Codable {
        public var text: String
        public var url: String?

        public init(text: String, url: String? = nil) { (self.text, self.url) = (text, url) }
    }

    public struct Recommendation: Sendable, Equatable, Codable {
        public var forSKU: String?
        public var forCategory: String?
        public var sku: String
        public var name: String
        public var url: String
        public var imageURL: String?

        public init(forSKU: String? = nil, forCategory: String? = nil, sku: String, name: String, url: String, imageURL: String? = nil) {
            (self.forSKU, self.forCategory, self.sku, self.name, self.url, self.imageURL) = (forSKU, forCategory, sku, name, url, imageURL)
        }

        enum CodingKeys: String, CodingKey {
            case forSKU = "for_sku", forCategory = "for_category", sku, name, url, imageURL = "image_url"
        }
    }

    public var slug: String
    public var storeName: String
    public var logoURL: String?
    public var storeURL: String?
    public var colors: Colors
    public var support: Support
    public var banner: Banner?
    public var recommendations: [Recommendation]
    public var frameAncestors: [String]

    public init(slug: String, storeName: String, logoURL: String? = nil, storeURL: String? = nil, colors: Colors = .init(),
                support: Support = .init(), banner: Banner? = nil, recommendations: [Recommendation] = [], frameAncestors: [String] = []) {
        (self.slug, self.storeName, self.logoURL, self.storeURL, self.colors) = (slug, storeName, logoURL, storeURL, colors)
        (self.support, self.banner, self.recommendations, self.frameAncestors) = (support, banner, recommendations, frameAncestors)
    }

    enum CodingKeys: String, CodingKey {
        case slug, storeName = "store_name", logoURL = "logo_url", storeURL = "store_url", colors, support, banner, recommendations
        case frameAncestors = "frame_ancestors"
    }

    /// Porchlight's own colours, used for any the merchant leaves unset; they pass AA.
    public static let defaultColors = (primary: "#1f4f8b", onPrimary: "#ffffff", background: "#ffffff", text: "#1d1d1f")

    /// The colours in force: the merchant's, else the defaults.
    public var primary: String { colors.primary ?? Self.defaultColors.primary }
    public var onPrimary: String { colors.onPrimary ?? Self.defaultColors.onPrimary }
    public var background: String { colors.background ?? Self.defaultColors.background }
    public var text: String { colors.text ?? Self.defaultColors.text }

    /// WCAG 2.1 AA for normal text.
    public static let minimumContrast = 4.5

    /// The contrast of the page's text on its background, and of button text on the primary colour.
    public var contrast: (textOnBackground: Double, onPrimaryOnPrimary: Double) {
        (Contrast.ratio(text, background) ?? 0, Contrast.ratio(onPrimary, primary) ?? 0)
    }

    /// Names every field to fix at once: the slug's form, lengths, https addresses, colours as
    /// `#rrggbb` reaching AA contrast, each recommendation for exactly one SKU or category.
    public func validate() throws(DomainError) {
        var v = Validator()
        v.check(Self.isSlug(slug), "slug", "must be 1 to 40 lowercase letters, digits and '-', not starting or ending with '-'")
        v.text(storeName, "store_name", min: 1, max: 100)
        Self.checkHTTPS(logoURL, "logo_url", &v)
        Self.checkHTTPS(storeURL, "store_url", &v)
        Self.checkHTTPS(support.url, "support.url", &v)
        if let email = support.email, v.text(email, "support.email", min: 3, max: 320) {
            v.check(Formats.isEmail(email), "support.email", "must be an email address")
        }
        if let phone = support.phone, v.text(phone, "support.phone", min: 3, max: 40) {
            v.check(phone.allSatisfy { $0.isNumber || " +-().".contains($0) }, "support.phone", "must be digits, spaces and + - ( ) . only")
        }
        if let banner {
            v.text(banner.text, "banner.text", min: 1, max: 200)
            Self.checkHTTPS(banner.url, "banner.url", &v)
        }
        let named = [("primary", colors.primary), ("on_primary", colors.onPrimary), ("background", colors.background), ("text", colors.text)]
        let malformed = named.filter { $0.1.map { Contrast.rgb($0) == nil } ?? false }
        for (name, _) in malformed { v.fail("colors.\(name)", "must be a colour written #rrggbb") }
        if malformed.isEmpty {
            let (body, buttons) = contrast
            v.check(body >= Self.minimumContrast, "colors.text",
                    "has a contrast of \(Self.rounded(body)):1 on the background; WCAG AA needs \(Self.minimumContrast):1")
            v.check(buttons >= Self.minimumContrast, "colors.on_primary",
                    "has a contrast of \(Self.rounded(buttons)):1 on the primary colour; WCAG AA needs \(Self.minimumContrast):1")
        }
        v.count(recommendations.count, "recommendations", 0...100)
        for (index, item) in recommendations.enumerated() {
            let field = "recommendations[\(index)]"
            v.check((item.forSKU == nil) != (item.forCategory == nil), field, "must name exactly one of for_sku and for_category")
            v.text(item.forSKU, "\(field).for_sku", min: 1, max: 100)
            v.text(item.forCategory, "\(field).for_category", min: 1, max: 100)
            v.text(item.sku, "\(field).sku", min: 1, max: 100)
            v.text(item.name, "\(field).name", min: 1, max: 200)
            Self.checkHTTPS(item.url, "\(field).url", &v)
            Self.checkHTTPS(item.imageURL, "\(field).image_url", &v)
        }
        v.count(frameAncestors.count, "frame_ancestors", 0...10)
        for (index, origin) in frameAncestors.enumerated() {
            v.check(Self.isOrigin(origin), "frame_ancestors[\(index)]", "must be an https origin such as https://shop.example (no path)")
        }
        try v.finish()
    }

    /// At most three products to show beside an order: those set for one of its SKUs first, then
    /// for one of its categories, never one the order already holds.
    public func recommendations(forSKUs skus: [String], categories: [String]) -> [Recommendation] {
        let held = Set(skus), heldCategories = Set(categories)
        let bySKU = recommendations.filter { $0.forSKU.map(held.contains) ?? false }
        let byCategory = recommendations.filter { $0.forCategory.map(heldCategories.contains) ?? false }
        var seen = held
        return (bySKU + byCategory).filter { seen.insert($0.sku).inserted }.prefix(3).map { $0 }
    }

    public static func isSlug(_ value: String) -> Bool {
        let allowed = value.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d }
        return (1...40).contains(value.utf8.count) && allowed && !value.hasPrefix("-") && !value.hasSuffix("-")
    }

    /// `https://host[:port]`, nothing after: what CSP's `frame-ancestors` takes as an origin.
    static func isOrigin(_ value: String) -> Bool {
        guard value.hasPrefix("https://"), let url = URL(string: value), let host = url.host, !host.isEmpty else { return false }
        return url.path.isEmpty && url.query == nil && url.fragment == nil && url.user == nil
            && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != 0x3b && $0 != 0x27 && $0 != 0x2c }
    }

    private static func checkHTTPS(_ value: String?, _ field: String, _ v: inout Validator) {
        guard let value, v.text(value, field, min: 1, max: 2000) else { return }
        v.check(value.hasPrefix("https://") && Formats.isHTTPURL(value), field, "must be an https URL")
    }

    private static func rounded(_ ratio: Double) -> String { String(format: "%.2f", ratio) }
}

/// WCAG 2.1 contrast between two sRGB colours: (L1 + 0.05) / (L2 + 0.05), from 1 to 21.
public enum Contrast {
    public static func ratio(_ first: String, _ second: String) -> Double? {
        guard let a = rgb(first).map(luminance), let b = rgb(second).map(luminance) else { return nil }
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }

    /// `#rrggbb` as three channels from 0 to 1.
    public static func rgb(_ hex: String) -> (Double, Double, Double)? {
        // Six hex digits exactly (`UInt32(radix:)` alone would take a sign).
        let digits = hex.utf8.dropFirst()
        let isHex = digits.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
        guard hex.utf8.count == 7, hex.hasPrefix("#"), isHex, let value = UInt32(hex.dropFirst(), radix: 16) else { return nil }
        return (Double(value >> 16 & 0xff) / 255, Double(value >> 8 & 0xff) / 255, Double(value & 0xff) / 255)
    }

    /// Relative luminance: each channel linearised, weighted 0.2126, 0.7152, 0.0722.
    static func luminance(_ color: (Double, Double, Double)) -> Double {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(color.0) + 0.7152 * linear(color.1) + 0.0722 * linear(color.2)
    }
}
