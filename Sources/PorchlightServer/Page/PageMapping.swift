import Foundation
import OpenAPIRuntime
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension PageBranding {
    init(_ input: Components.Schemas.TrackingPageSettingsInput) {
        self.init(
            slug: input.slug, storeName: input.storeName, logoURL: input.logoUrl, storeURL: input.storeUrl,
            colors: Colors(primary: input.colors?.primary, onPrimary: input.colors?.onPrimary, background: input.colors?.background, text: input.colors?.text),
            support: Support(email: input.support?.email, phone: input.support?.phone, url: input.support?.url),
            banner: input.banner.map { Banner(text: $0.text, url: $0.url) },
            recommendations: (input.recommendations ?? []).map {
                Recommendation(forSKU: $0.forSku, forCategory: $0.forCategory, sku: $0.sku, name: $0.name, url: $0.url, imageURL: $0.imageUrl)
            },
            frameAncestors: input.frameAncestors ?? [])
    }
}

extension Components.Schemas.TrackingPageSettingsInput {
    init(_ branding: PageBranding) {
        let colors = branding.colors
        let support = branding.support
        self.init(
            slug: branding.slug, storeName: branding.storeName, logoUrl: branding.logoURL, storeUrl: branding.storeURL,
            colors: colors == .init() ? nil : .init(primary: colors.primary, onPrimary: colors.onPrimary, background: colors.background, text: colors.text),
            support: support == .init() ? nil : .init(email: support.email, phone: support.phone, url: support.url),
            banner: branding.banner.map { .init(text: $0.text, url: $0.url) },
            recommendations: branding.recommendations.map {
                .init(forSku: $0.forSKU, forCategory: $0.forCategory, sku: $0.sku, name: $0.name, url: $0.url, imageUrl: $0.imageURL)
            },
            frameAncestors: branding.frameAncestors)
    }
}

extension Components.Schemas.TrackingPageSettings {
    init(_ branding: PageBranding) {
        let contrast = branding.contrast
        self.init(settings: .init(branding), pagePath: PagePaths.lookup(branding.slug),
                  contrast: .init(textOnBackground: (contrast.textOnBackground * 100).rounded() / 100,
                                  onPrimaryOnPrimary: (contrast.onPrimaryOnPrimary * 100).rounded() / 100))
    }
}

extension Components.Schemas.TrackingPageAnalytics {
    init(_ counts: PageCounts, from: LocalDate, to: LocalDate) {
        func total(_ metric: PageMetric) -> Int { counts.totals[metric] ?? 0 }
        self.init(
            from: from.description, to: to.description, pageViews: total(.pageView), lookups: total(.lookup),
            actions: .init(remedyChosen: total(.remedyChosen), returnOpened: total(.returnOpened), reviewSent: total(.reviewSent),
                           deliveryRated: total(.deliveryRated), deliveryActionSent: total(.deliveryActionSent),
                           orderConfirmed: total(.orderConfirmed)),
            recommendationClicks: counts.clicks.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { .init(sku: $0.key, clicks: $0.value) })
    }
}

extension Components.Responses.PageHTML {
    init(_ page: PageRenderer.Page) {
        self.init(headers: .init(contentSecurityPolicy: page.contentSecurityPolicy), body: .html(HTTPBody(page.html)))
    }

    /// For a page address nobody has: plain, unbranded, and saying only that.
    static var missingPage: Self {
        .init(headers: .init(contentSecurityPolicy: PageRenderer.contentSecurityPolicy(nonce: "none", frameAncestors: [])),
              body: .html(HTTPBody(PageRenderer.missingPageHTML)))
    }
}

extension Components.Responses.PageNotFound {
    static var missingPage: Self { .init(body: .html(HTTPBody(PageRenderer.missingPageHTML))) }
}

/// The answers every page form declares (the same in each operation's generated output), so one
/// mapping serves them all: the enum cases witness these requirements.
protocol PageFormOutput {
    static func seeOther(_ redirect: Components.Responses.PageRedirect) -> Self
    static func notFound(_ page: Components.Responses.PageNotFound) -> Self
    static func unauthorized(_ page: Components.Responses.PageHTML) -> Self
    static func forbidden(_ page: Components.Responses.PageHTML) -> Self
    static func conflict(_ page: Components.Responses.PageHTML) -> Self
    static func unprocessableContent(_ page: Components.Responses.PageHTML) -> Self
}

extension PageFormOutput {
    /// The form's answer, from how its action ended.
    init(_ outcome: PageActionOutcome) {
        switch outcome {
        case .done(let location): self = .seeOther(.init(headers: .init(location: location)))
        case .missingPage: self = .notFound(.missingPage)
        case .unauthorized(let page): self = .unauthorized(.init(page))
        case .forbidden(let page): self = .forbidden(.init(page))
        case .conflict(let page): self = .conflict(.init(page))
        case .unprocessable(let page): self = .unprocessableContent(.init(page))
        }
    }
}

extension Operations.ChoosePageRemedy.Output: PageFormOutput {}
extension Operations.OpenPageReturn.Output: PageFormOutput {}
extension Operations.SubmitPageReview.Output: PageFormOutput {}
extension Operations.SubmitPageDeliveryRating.Output: PageFormOutput {}
extension Operations.RequestPageDeliveryAction.Output: PageFormOutput {}
extension Operations.ConfirmPageOrder.Output: PageFormOutput {}
