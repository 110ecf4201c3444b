import PorchlightCore
import Testing

/// ETags name the order's version (and, for the customer's view, what else shaped it);
/// If-None-Match and If-Match are read as RFC 9110 says.
@Suite struct EntityTagTests {
    @Test func tagsNameTheOrderVersionAndWhatElseShapedTheView() {
        #expect(EntityTag(orderVersion: 7).field == "\"7\"")
        let emailView = EntityTag(customerViewAt: 7, proof: .email, hidden: [])
        #expect(emailView.field == "\"7.email\"")
        #expect(EntityTag(customerViewAt: 7, proof: .postalCode, hidden: [.trackingNumbers, .images]).field == "\"7.postal_code.images+tracking_numbers\"")
        #expect(EntityTag(customerViewAt: 7, proof: .postalCode, hidden: []) != emailView, "another proof shows another view")
        #expect(EntityTag(customerViewAt: 7, proof: .email, hidden: [.images]) != emailView, "hiding a field changes the view")
        #expect(EntityTag(customerViewAt: 7, proof: .email, hidden: [.images, .trackingNumbers])
                == EntityTag(customerViewAt: 7, proof: .email, hidden: [.trackingNumbers, .images]))

        // A return: the merchant's has the order's tag; each customer's names what it leaves out.
        #expect(EntityTag(returnAt: 7, detail: .merchant) == EntityTag(orderVersion: 7))
        let buyer = EntityTag(returnAt: 7, detail: ReturnDetail(viewer: .customer(.email), gift: false))
        let recipient = EntityTag(returnAt: 7, detail: ReturnDetail(viewer: .customer(.email), gift: true))
        let postal = EntityTag(returnAt: 7, detail: ReturnDetail(viewer: .customer(.postalCode), gift: false))
        #expect(Set([buyer.field, recipient.field, postal.field, EntityTag(orderVersion: 7).field]).count == 4)
        #expect(buyer.orderVersion == 7 && postal.orderVersion == 7)
    }

    @Test func fieldsAreReadAsAStarOrAListOfQuotedTags() {
        #expect(EntityTagCondition(field: "*") == .any)
        #expect(EntityTagCondition(field: " \"7\" ") == .tags([.init(opaque: "7", weak: false)]))
        #expect(EntityTagCondition(field: "\"6\", W/\"7.email.0\",\"8\"")
                == .tags([.init(opaque: "6", weak: false), .init(opaque: "7.email.0", weak: true), .init(opaque: "8", weak: false)]))
        for malformed in ["", "7", "\"7", "\"7\" \"8\"", "\"a b\"", "W/7", "\"7\";", ",", "**", "\"7\",", "\"7\",,\"8\""] {
            #expect(EntityTagCondition(field: malformed) == nil, "\(malformed)")
        }
    }

    @Test func ifNoneMatchComparesWeaklyAndIfMatchStrongly() throws {
        let held = try #require(EntityTagCondition(field: "\"6\", W/\"7\""))
        #expect(held.holds(tagField: "\"7\""), "a weak tag compares as its strong twin")
        #expect(held.holds(tagField: "\"6\""))
        #expect(!held.holds(tagField: "\"8\""))
        #expect(EntityTagCondition.any.holds(tagField: "\"8\""))

        #expect(held.allowsChange(atOrderVersion: 6))
        #expect(!held.allowsChange(atOrderVersion: 7), "If-Match never matches a weak tag")
        #expect(!held.allowsChange(atOrderVersion: 8))
        let view = try #require(EntityTagCondition(field: "\"7.postal_code.images\""))
        #expect(view.allowsChange(atOrderVersion: 7), "a customer view's tag names its order's version")
        #expect(!view.allowsChange(atOrderVersion: 70))
        #expect(EntityTagCondition.any.allowsChange(atOrderVersion: 1))
    }
}
