import Foundation
import PorchlightCore
import Testing

@Suite struct PageBrandingTests {
    @Test func contrastFollowsWCAG() throws {
        #expect(try #require(Contrast.ratio("#000000", "#ffffff")) == 21)
        #expect(try #require(Contrast.ratio("#ffffff", "#ffffff")) == 1)
        // #767676 on white is the lightest grey that passes AA (4.54:1); #777777 fails (4.48:1).
        #expect(abs(try #require(Contrast.ratio("#767676", "#ffffff")) - 4.54) < 0.01)
        #expect(abs(try #require(Contrast.ratio("#777777", "#ffffff")) - 4.48) < 0.01)
        #expect(Contrast.ratio("#fff", "#000000") == nil && Contrast.ratio("red", "#000000") == nil && Contrast.ratio("#-00000", "#ffffff") == nil)
    }

    @Test func theDefaultColoursPassAA() throws {
        let branding = PageBranding(slug: "shop", storeName: "Shop")
        try branding.validate()
        #expect(branding.contrast.textOnBackground >= PageBranding.minimumContrast)
        #expect(branding.contrast.onPrimaryOnPrimary >= PageBranding.minimumContrast)
    }

    @Test func validationNamesEveryFieldToFixAtOnce() {
        let branding = PageBranding(
            slug: "-Shop", storeName: "", logoURL: "http://cdn.example/logo.png", colors: .init(primary: "#ffff00", onPrimary: "#ffffff"),
            support: .init(email: "not-an-email"),
            recommendations: [.init(forSKU: "A", forCategory: "B", sku: "C", name: "C", url: "https://shop.example/c")],
            frameAncestors: ["https://shop.example/", "https://shop.example"])
        #expect(throws: DomainError.self) { try branding.validate() }
        do {
            try branding.validate()
        } catch {
            guard case .validation(let errors) = error else { Issue.record("\(error)"); return }
            #expect(Set(errors.map(\.field)) == ["slug", "store_name", "logo_url", "support.email", "colors.on_primary", "recommendations[0]",
                                                 "frame_ancestors[0]"], "\(errors)")
        }
    }

    @Test func atMostThreeRecommendationsBySKUThenCategoryNeverOneTheOrderHolds() {
        func item(_ sku: String, forSKU: String? = nil, forCategory: String? = nil) -> PageBranding.Recommendation {
            .init(forSKU: forSKU, forCategory: forCategory, sku: sku, name: sku, url: "https://shop.example/\(sku)")
        }
        let branding = PageBranding(slug: "shop", storeName: "Shop", recommendations: [
            item("CAT-1", forCategory: "mugs"), item("SKU-1", forSKU: "MUG"), item("MUG", forSKU: "TEE"), item("SKU-2", forSKU: "MUG"),
            item("CAT-2", forCategory: "mugs"), item("SKU-1", forCategory: "mugs"), item("ELSE", forSKU: "LAMP"),
        ])
        #expect(branding.recommendations(forSKUs: ["MUG", "TEE"], categories: ["mugs"]).map(\.sku) == ["SKU-1", "SKU-2", "CAT-1"])
        #expect(branding.recommendations(forSKUs: ["LAMP"], categories: []).map(\.sku) == ["ELSE"])
        #expect(branding.recommendations(forSKUs: ["NONE"], categories: []).isEmpty)
    }

    @Test func analyticsCoverTheLast30DaysUnlessToldAndAtMostAYear() throws {
        let today = try #require(LocalDate("2026-12-06"))
        let period = try PageAnalyticsPeriod.days(from: nil, to: nil, today: today)
        #expect(period.from.description == "2026-11-07" && period.to == today)
        #expect(throws: DomainError.self) { try PageAnalyticsPeriod.days(from: "2026-12-07", to: "2026-12-06", today: today) }
        #expect(throws: DomainError.self) { try PageAnalyticsPeriod.days(from: "2025-01-01", to: "2026-12-06", today: today) }
        #expect(throws: DomainError.self) { try PageAnalyticsPeriod.days(from: "2026-13-01", to: nil, today: today) }
    }
}
