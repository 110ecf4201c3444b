import Crypto
import Foundation
import Mustache
import OpenAPIRuntime
import PorchlightAPI
import PorchlightCore

/// Renders the customer page: a body template inside the layout, with the merchant's branding,
/// the language's texts, and a content security policy whose nonce admits only the page's own
/// style block and script. Templates are compiled into the binary (`Page/Assets`).
struct PageRenderer: Sendable {
    enum Template { case lookup, order, unsubscribe }

    private let layout: MustacheTemplate
    private let lookup: MustacheTemplate
    private let order: MustacheTemplate
    private let unsubscribe: MustacheTemplate

    init() throws {
        func template(_ bytes: [UInt8]) throws -> MustacheTemplate { try MustacheTemplate(string: String(decoding: bytes, as: UTF8.self)) }
        (layout, lookup, order) = (try template(PackageResources.layout_mustache), try template(PackageResources.lookup_mustache),
                                   try template(PackageResources.order_mustache))
        unsubscribe = try template(PackageResources.unsubscribe_mustache)
    }

    /// What an address no merchant has shows: nothing about any merchant.
    static let missingPageHTML = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">\
        <title>Not found</title></head><body><h1>Not found</h1><p>No page has this address.</p></body></html>
        """

    static let stylesheet = Data(PackageResources.page_css)
    static let script = Data(PackageResources.page_js)
    /// Changes whenever the stylesheet or script does, so browsers may cache them for a day.
    static let assetVersion = Base64URL.encode(Data(SHA256.hash(data: stylesheet + script)).prefix(6))

    /// A rendered page and the headers it must be sent with.
    struct Page {
        var html: String
        var contentSecurityPolicy: String
    }

    func render(_ template: Template, _ model: Any, title: String, language: CustomerLanguage, branding: PageBranding,
                selfPath: String) -> Page {
        let nonce = Base64URL.encode(Data((0..<16).map { _ in UInt8.random(in: .min ... .max) }))
        let body = switch template {
        case .lookup: lookup.render(model)
        case .order: order.render(model)
        case .unsubscribe: unsubscribe.render(model)
        }
        let frame = PageFrame(language: language, branding: branding, title: title, selfPath: selfPath, nonce: nonce, body: body)
        let html = layout.render(frame)
        return Page(html: html, contentSecurityPolicy: Self.contentSecurityPolicy(nonce: nonce, frameAncestors: branding.frameAncestors))
    }

    /// No origin but the service's own (images may come from any https address: logos and product
    /// photos live on the merchant's CDN); inline style and script only with this response's nonce.
    static func contentSecurityPolicy(nonce: String, frameAncestors: [String]) -> String {
        ["default-src 'none'", "script-src 'self' 'nonce-\(nonce)'", "style-src 'self' 'nonce-\(nonce)'", "img-src 'self' https: data:",
         "connect-src 'self'", "form-action 'self'", "base-uri 'none'",
         "frame-ancestors " + (["'self'"] + frameAncestors).joined(separator: " ")].joined(separator: "; ")
    }
}

/// What the layout shows around every page.
struct PageFrame {
    struct Language { var code: String; var name: String; var selected: Bool }

    var lang: String
    /// Every language of the page is written left to right.
    var dir = "ltr"
    var title: String
    var storeName: String
    var logoURL: String?
    var storeURL: String?
    var colors: [String: String]
    var banner: PageBranding.Banner?
    var support: PageBranding.Support
    var hasSupport: Bool
    var t: [String: String]
    var languages: [Language]
    var selfPath: String
    var nonce: String
    var assetVersion = PageRenderer.assetVersion
    var body: String

    init(language: CustomerLanguage, branding: PageBranding, title: String, selfPath: String, nonce: String, body: String) {
        lang = language.rawValue
        self.title = title
        storeName = branding.storeName
        (logoURL, storeURL) = (branding.logoURL, branding.storeURL)
        colors = ["primary": branding.primary, "onPrimary": branding.onPrimary, "background": branding.background, "text": branding.text]
        banner = branding.banner
        support = branding.support
        hasSupport = branding.support.email != nil || branding.support.phone != nil || branding.support.url != nil
        t = PageTexts.all(language)
        languages = CustomerLanguage.allCases.map { Language(code: $0.rawValue, name: $0.nativeName, selected: $0 == language) }
        (self.selfPath, self.nonce, self.body) = (selfPath, nonce, body)
    }
}

/// Every page text of a language by key, for templates (`{{t.lookupTitle}}`).
enum PageTexts {
    static func all(_ language: CustomerLanguage) -> [String: String] {
        Dictionary(uniqueKeysWithValues: PageText.allCases.map { ($0.rawValue, $0.text(language)) })
    }
}
