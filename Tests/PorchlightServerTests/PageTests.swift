import Foundation
import HTTPTypes
import PorchlightCore
@testable import PorchlightServer
import Testing

extension Service {
    /// Sets up the merchant's page at a new address and returns it.
    func brandPage(_ merchant: TestMerchant, _ extra: [String: Any] = [:]) async throws -> String {
        let slug = "shop-\(UUID().uuidString.prefix(8).lowercased())"
        let reply = try await call(.put, "/v1/tracking-page", key: merchant.apiKey,
                                   json: ["slug": slug, "store_name": "Casa Verde"].merging(extra) { $1 })
        try #require(reply.status == .ok, "\(reply.text)")
        return slug
    }

    /// Sends an HTML form, as a browser does.
    func submit(_ path: String, _ fields: [(String, String)], cookie: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return try await call(.post, path, raw: body, headers: headers)
    }

    func page(_ path: String, cookie: String? = nil, headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let cookie { headers[.cookie] = cookie }
        return try await call(.get, path, headers: headers)
    }
}

extension Reply {
    /// The session cookie this answer sets, as a browser sends it back.
    var sessionCookie: String? {
        headers[.setCookie].flatMap { $0.split(separator: ";").first.map(String.init) }
    }

    /// The value of the first hidden `form_token` field.
    var formToken: String? {
        guard let range = text.range(of: "name=\"form_token\" value=\"") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }
}

@Suite struct PageTests {
    @Test func brandingIsRefusedBelowAAContrastNamingTheColourAndTheRatioAndASlugIsOneMerchants() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let slug = try await service.brandPage(merchant, ["colors": ["primary": "#1f4f8b", "on_primary": "#ffffff"]])
            let read = try await service.call(.get, "/v1/tracking-page", key: merchant.apiKey)
            #expect((read["settings"] as? [String: Any])?["slug"] as? String == slug && read["page_path"] as? String == "/pages/\(slug)",
                    "\(read.text)")
            let contrast = try #require(read["contrast"] as? [String: Any], "\(read.text)")
            #expect((contrast["on_primary_on_primary"] as? Double ?? 0) > 8, "\(read.text)")

            let faint = try await service.call(.put, "/v1/tracking-page", key: merchant.apiKey, json: [
                "slug": slug, "store_name": "Casa Verde", "colors": ["text": "#999999", "background": "#ffffff"],
            ])
            #expect(faint.status == .unprocessableContent, "\(faint.text)")
            let errors = try fieldErrors(faint)
            #expect(errors["colors.text"]?.contains("2.85:1") == true, "\(faint.text)")

            let other = try await service.newMerchant()
            let taken = try await service.call(.put, "/v1/tracking-page", key: other.apiKey, json: ["slug": slug, "store_name": "Other"])
            #expect(taken.status == .conflict && taken.isProblem, "\(taken.text)")
            let unsafe = try await service.call(.put, "/v1/tracking-page", key: other.apiKey, json: [
                "slug": "other-\(UUID().uuidString.prefix(6).lowercased())", "store_name": "Other",
                "frame_ancestors": ["https://shop.example/path"], "logo_url": "javascript:alert(1)",
            ])
            #expect(Set(try fieldErrors(unsafe).keys) == ["frame_ancestors[0]", "logo_url"], "\(unsafe.text)")
        }
    }

    @Test func aLookupStartsAStrictSessionAndTheOrderPageNeedsIt() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let slug = try await service.brandPage(merchant, ["frame_ancestors": ["https://casaverde.example"],
                                                              "banner": ["text": "<script>alert('banner')</script>"]])
            let order = sampleOrder()
            _ = try await service.createOrder(merchant, order)
            let number = try #require(order["order_number"] as? String)

            let lookupPage = try await service.page("/pages/\(slug)")
            #expect(lookupPage.status == .ok && lookupPage.text.contains("name=\"order_number\""), "\(lookupPage.text)")
            let policy = try #require(lookupPage.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'self' https://casaverde.example")
                    && policy.contains("script-src 'self' 'nonce-"), "\(policy)")
            #expect(lookupPage.text.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"))
            #expect(lookupPage.headers[.cacheControl] == "no-store")
            // The merchant's words are text, never markup.
            #expect(lookupPage.text.contains("&lt;script&gt;alert(&#39;banner&#39;)&lt;/script&gt;") && !lookupPage.text.contains("<script>alert"))
            // Without a language picked, the form leaves the choice to the order page (stored locale first).
            #expect(!lookupPage.text.contains("type=\"hidden\" name=\"lang\""))

            let wrong = try await service.submit("/pages/\(slug)/lookups", [("order_number", number), ("email", "someone@example.com"), ("postal_code", "")])
            #expect(wrong.status == .notFound && wrong.headers[.setCookie] == nil, "\(wrong.text)")
            #expect(wrong.text.contains(PageText.lookupNotFound.english))

            let fields = [("order_number", number), ("email", "ana@example.com"), ("postal_code", "")]
            let crossSite = try await service.call(.post, "/pages/\(slug)/lookups", raw: "order_number=\(number)&email=ana%40example.com",
                                                   headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(crossSite.status == .forbidden && crossSite.headers[.setCookie] == nil, "\(crossSite.text)")
            let found = try await service.submit("/pages/\(slug)/lookups", fields)
            #expect(found.status == .seeOther, "\(found.text)")
            #expect(found.headers[.location] == "/pages/\(slug)/order")
            let setCookie = try #require(found.headers[.setCookie])
            for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/pages/\(slug)"] {
                #expect(setCookie.contains(attribute), "\(setCookie)")
            }
            let cookie = try #require(found.sessionCookie)
            let page = try await service.page("/pages/\(slug)/order", cookie: cookie)
            #expect(page.status == .ok && page.text.contains(number), "\(page.text)")
            // No language picked or sent: the customer's stored locale (the sample order's is `ro`).
            #expect(page.text.contains("<html lang=\"ro\" dir=\"ltr\">"), "\(page.text.prefix(100))")

            let noSession = try await service.page("/pages/\(slug)/order")
            #expect(noSession.status == .unauthorized && noSession.text.contains(PageText.sessionEnded.english), "\(noSession.text)")
            // An API key in the cookie is no session.
            let keyCookie = try await service.page("/pages/\(slug)/order", cookie: "\(PageSession.cookieName)=\(merchant.apiKey)")
            #expect(keyCookie.status == .unauthorized)
            // Another merchant's page does not honour this session.
            let otherSlug = try await service.brandPage(try await service.newMerchant())
            #expect(try await service.page("/pages/\(otherSlug)/order", cookie: cookie).status == .unauthorized)
            #expect(try await service.page("/pages/no-such-page-\(UUID().uuidString.prefix(6).lowercased())").status == .notFound)
        }
    }

    @Test func lookupsOnThePageAreThrottledLikeTheAPIs() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let slug = try await service.brandPage(merchant)
            let number = "NOPE-\(UUID().uuidString.prefix(8))"
            var statuses: [Int] = []
            for _ in 0..<(LookupThrottle.Subject.orderNumber(number).limit + 1) {
                statuses.append(Int(try await service.submit("/pages/\(slug)/lookups", [("order_number", number), ("postal_code", "12345")]).status.code))
            }
            #expect(statuses.dropLast().allSatisfy { $0 == 404 } && statuses.last == 429, "\(statuses)")
        }
    }

    @Test func eachProofSeesOnThePageOnlyWhatTheAPIShowsIt() async throws {
        try await withService { service in
            let scenario = try await CustomerProofTests().scenario(service)
            let slug = try await service.brandPage(scenario.merchant)
            for proof in CustomerProof.allCases {
                let token = try #require(scenario.tokens[proof])
                let page = try await service.page("/pages/\(slug)/links/\(token)")
                #expect(page.status == .ok, "\(proof): \(page.text)")
                #expect(page.text.contains("Red tee") && page.text.contains(PageText.alertHeading.english), "\(proof): \(page.text)")
                for secret in CustomerProofTests.secrets(of: scenario, for: proof) {
                    #expect(!page.text.contains(secret), "the page with \(proof) shows \(secret)")
                }
                // A postal-code proof cannot act for the buyer: no forms to do so, and no invitation to.
                #expect((page.formToken != nil) == proof.satisfies(.email), "\(proof)")
            }
            // The search looks for what is there: the buyer's page shows the parcel's tracking number.
            let buyer = try await service.page("/pages/\(slug)/links/\(try #require(scenario.tokens[.email]))")
            #expect(buyer.text.contains(scenario.trackingNumbers[0]))
        }
    }

    @Test func aFormWithoutItsSessionsTokenIsRefusedAndChangesNothing() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let shipped = try await service.shippedOrder(merchant)
            let slug = try await service.brandPage(merchant)
            let opened = try await service.page("/pages/\(slug)/links/\(shipped.token)")
            let cookie = try #require(opened.sessionCookie, "\(opened.headers)")
            let sku = "TEE"

            let forged = try await service.submit("/pages/\(slug)/order/reviews", [("form_token", "forged"), ("sku", sku), ("rating", "5"), ("display_name", "A."), ("lang", "en")], cookie: cookie)
            #expect(forged.status == .forbidden && forged.text.contains(PageText.formExpired.english), "\(forged.text)")
            let noCookie = try await service.submit("/pages/\(slug)/order/reviews",
                                                    [("form_token", try #require(opened.formToken)), ("sku", sku), ("rating", "5"), ("display_name", "A.")])
            #expect(noCookie.status == .unauthorized, "\(noCookie.text)")
            #expect(try await outboxEventTypes(merchant, typePrefix: "review.").isEmpty)
        }
    }

    @Test func theCustomerReviewsAndRatesTheDeliveryFromThePageAndTheMerchantCountsIt() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let shipped = try await service.shippedOrder(merchant)
            let slug = try await service.brandPage(merchant)
            let opened = try await service.page("/pages/\(slug)/links/\(shipped.token)?lang=es")
            let cookie = try #require(opened.sessionCookie)
            let token = try #require(opened.formToken)
            #expect(opened.text.contains("name=\"parcel\" value=\"1\""), "\(opened.text)")

            let reviewed = try await service.submit("/pages/\(slug)/order/reviews",
                                                    [("form_token", token), ("sku", "TEE"), ("rating", "4"), ("display_name", "Ana P."), ("title", "Bueno"), ("body", ""), ("lang", "es")],
                                                    cookie: cookie)
            #expect(reviewed.status == .seeOther && reviewed.headers[.location] == "/pages/\(slug)/order?lang=es&done=review_sent", "\(reviewed.text)")
            let rated = try await service.submit("/pages/\(slug)/order/delivery-ratings", [("form_token", token), ("parcel", "1"), ("rating", "5")],
                                                 cookie: cookie)
            #expect(rated.status == .seeOther, "\(rated.text)")
            let again = try await service.submit("/pages/\(slug)/order/delivery-ratings", [("form_token", token), ("parcel", "1"), ("rating", "1")],
                                                 cookie: cookie)
            #expect(again.status == .conflict && again.text.contains("<html"), "\(again.text)")

            let after = try await service.page("/pages/\(slug)/order?lang=es&done=review_sent", cookie: cookie)
            #expect(after.text.contains(PageText.reviewThanks.text(.es)), "\(after.text)")
            // Neither form is offered again (the mug, delivered in the same parcel, may still be reviewed).
            #expect(!after.text.contains("name=\"parcel\"") && !after.text.contains(PageText.reviewIntro.text(.es, ["name": "Red tee"]))
                    && after.text.contains(PageText.reviewIntro.text(.es, ["name": "Mug"])), "\(after.text)")

            #expect(try await outboxEventTypes(merchant, typePrefix: "review.").contains("review.submitted"))
            let analytics = try await service.call(.get, "/v1/tracking-page/analytics", key: merchant.apiKey)
            #expect((analytics["actions"] as? [String: Any])?["review_sent"] as? Int == 1, "\(analytics.text)")
            #expect((analytics["actions"] as? [String: Any])?["delivery_rated"] as? Int == 1, "\(analytics.text)")
            #expect(analytics["page_views"] as? Int == 2, "\(analytics.text)")
        }
    }

    @Test func afterAFailedAttemptTheCustomerChoosesOnThePageAndOnlyTheChosenKindsFieldGoesOn() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let shipped = try await service.shippedOrder(merchant, scanned: "in_transit", at: Date().addingTimeInterval(-3600))
            var attempt = scan("attempted_delivery", isoTime(Date().addingTimeInterval(-60)))
            attempt["substatus"] = "address_issue"
            #expect(try await service.scans(merchant, shipment: shipped.shipment, [attempt]).status == .ok)
            let slug = try await service.brandPage(merchant)
            let opened = try await service.page("/pages/\(slug)/links/\(shipped.token)?lang=de")
            let cookie = try #require(opened.sessionCookie)
            let token = try #require(opened.formToken)
            #expect(opened.text.contains(PageText.deliveryReasonAddressProblem.text(.de)) && opened.text.contains("name=\"line1\"")
                    && !opened.text.contains("name=\"date\""), "an address problem is not fixed by a plain reattempt: \(opened.text)")
            let listed = try await service.call(.get, "/v1/orders/\(shipped.id)/delivery-exceptions", key: merchant.apiKey)
            let exceptionID = try #require((listed["items"] as? [[String: Any]])?.first?["id"] as? String, "\(listed.text)")
            func send(_ fields: [(String, String)]) async throws -> Reply {
                try await service.submit("/pages/\(slug)/order/delivery-actions",
                                         [("form_token", token), ("exception_id", exceptionID), ("lang", "de")] + fields, cookie: cookie)
            }
            let incomplete = try await send([("kind", "address_change"), ("line1", ""), ("city", ""), ("postal_code", ""), ("instructions", "")])
            #expect(incomplete.status == .unprocessableContent && incomplete.text.contains(PageText.deliveryAddressIncomplete.text(.de)), "\(incomplete.text)")
            let badCode = try await send([("kind", "address_change"), ("line1", "Strada Lipscani 14"), ("city", "Bucharest"), ("postal_code", "12"),
                                          ("instructions", "")])
            #expect(badCode.status == .unprocessableContent && badCode.text.contains(PageText.deliveryActionFailedNotice.text(.de)), "\(badCode.text)")
            // Every field of the form comes; the instructions typed in are not the chosen kind's, and do not go on.
            let sent = try await send([("kind", "address_change"), ("line1", "Strada Lipscani 14"), ("line2", ""), ("city", "Bucharest"),
                                       ("postal_code", "030031"), ("instructions", "Ring twice"), ("pickup_point_id", "")])
            #expect(sent.status == .seeOther && sent.headers[.location] == "/pages/\(slug)/order?lang=de&done=delivery_action_sent",
                    "\(sent.headers[.location] ?? "no location")")
            let after = try await service.page("/pages/\(slug)/order?lang=de&done=delivery_action_sent", cookie: cookie)
            #expect(after.text.contains(PageText.deliveryActionSentNotice.text(.de)) && !after.text.contains("name=\"line1\"")
                    && after.text.contains(PageText.deliveryActionRequested.text(.de, ["choice": PageText.deliveryKindAddressChange.text(.de)])),
                    "\(after.text)")
            let action = try #require(((try await service.call(.get, "/v1/orders/\(shipped.id)/delivery-exceptions", key: merchant.apiKey)["items"]
                as? [[String: Any]])?.first?["actions"] as? [[String: Any]])?.first)
            #expect((action["address"] as? [String: Any])?["country"] as? String == "RO" && action["instructions"] == nil, "\(action)")
            let analytics = try await service.call(.get, "/v1/tracking-page/analytics", key: merchant.apiKey)
            #expect((analytics["actions"] as? [String: Any])?["delivery_action_sent"] as? Int == 1, "\(analytics.text)")
        }
    }

    @Test func aCashOnDeliveryCustomerConfirmsOnThePage() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var input = sampleOrder()
            input["cash_on_delivery"] = true
            let id = try await service.createOrder(merchant, input)
            let link = try await service.call(.post, "/v1/orders/\(id)/customer-links", key: merchant.apiKey, json: [:])
            let slug = try await service.brandPage(merchant)
            let opened = try await service.page("/pages/\(slug)/links/\(try #require(link["token"] as? String))?lang=it")
            let cookie = try #require(opened.sessionCookie)
            #expect(opened.text.contains(PageText.confirmButton.text(.it)), "\(opened.text)")
            let sent = try await service.submit("/pages/\(slug)/order/confirmations", [("form_token", try #require(opened.formToken)), ("lang", "it")],
                                                cookie: cookie)
            #expect(sent.status == .seeOther && sent.headers[.location] == "/pages/\(slug)/order?lang=it&done=order_confirmed",
                    "\(sent.headers[.location] ?? sent.text)")
            let after = try await service.page("/pages/\(slug)/order?lang=it&done=order_confirmed", cookie: cookie)
            #expect(after.text.contains(PageText.orderConfirmedNotice.text(.it)) && !after.text.contains(PageText.confirmButton.text(.it)), "\(after.text)")
            #expect(try await service.call(.get, "/v1/orders/\(id)", key: merchant.apiKey)["confirmation"] as? String == "confirmed")
        }
    }

    @Test func theLanguageIsThePickedOneElseAcceptLanguageAndNoEnglishShowsInAnother() async throws {
        try await withService { service in
            let scenario = try await CustomerProofTests().scenario(service)
            let slug = try await service.brandPage(scenario.merchant, ["banner": ["text": "Envío gratis"]])
            let token = try #require(scenario.tokens[.email])
            let romanian = try await service.page("/pages/\(slug)/links/\(token)", headers: [.acceptLanguage: "ro-RO,ro;q=0.9"])
            #expect(romanian.text.contains("<html lang=\"ro\""), "\(romanian.text.prefix(200))")
            // English words long enough to be sentences, which no translation keeps as they are.
            let english = PageText.allCases.map(\.english).filter { $0.count > 12 && PageText.placeholders(in: $0).isEmpty }
            #expect(!english.isEmpty)
            for language in CustomerLanguage.allCases where language != .en {
                let page = try await service.page("/pages/\(slug)/links/\(token)?lang=\(language.rawValue)", headers: [.acceptLanguage: "ro"])
                #expect(page.text.contains("<html lang=\"\(language.rawValue)\""), "\(language)")
                let leaked = english.filter { page.text.contains(">\($0)<") }
                #expect(leaked.isEmpty, "\(language) page shows English: \(leaked)")
            }
        }
    }

    @Test func aRecommendationClickIsCountedPerSKUAndLeadsToTheProduct() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var order = sampleOrder()
            order["lines"] = [["sku": "MUG-1", "name": "Mug", "quantity": 1, "unit_price": 1000]]
            let orderID = try await service.createOrder(merchant, order)
            let slug = try await service.brandPage(merchant, ["recommendations": [
                ["for_sku": "MUG-1", "sku": "SAUCER-1", "name": "Saucer", "url": "https://casaverde.example/p/saucer"],
                ["for_sku": "OTHER", "sku": "LAMP-1", "name": "Lamp", "url": "https://casaverde.example/p/lamp"],
            ]])
            let link = try await service.call(.post, "/v1/orders/\(orderID)/customer-links", key: merchant.apiKey, json: [:])
            let page = try await service.page("/pages/\(slug)/links/\(try #require(link["token"] as? String))")
            #expect(page.text.contains("/pages/\(slug)/recommendations/SAUCER-1") && !page.text.contains("LAMP-1"), "\(page.text)")
            for _ in 0..<2 {
                let click = try await service.page("/pages/\(slug)/recommendations/SAUCER-1")
                #expect(click.status == .seeOther && click.headers[.location] == "https://casaverde.example/p/saucer", "\(click.text)")
            }
            #expect(try await service.page("/pages/\(slug)/recommendations/NOT-SET").status == .notFound)
            let analytics = try await service.call(.get, "/v1/tracking-page/analytics", key: merchant.apiKey)
            let clicks = try #require(analytics["recommendation_clicks"] as? [[String: Any]], "\(analytics.text)")
            #expect(clicks.count == 1 && clicks.first?["sku"] as? String == "SAUCER-1" && clicks.first?["clicks"] as? Int == 2, "\(analytics.text)")
        }
    }

    @Test func theMerchantPreviewsAnyProofsPageAndThePagePollsTheOrdersVersion() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let shipped = try await service.shippedOrder(merchant, scanned: "in_transit")
            let missing = try await service.call(.get, "/v1/orders/\(shipped.id)/tracking-page", key: merchant.apiKey)
            #expect(missing.status == .notFound && missing.isProblem, "no page set up yet: \(missing.text)")
            let slug = try await service.brandPage(merchant)

            let postal = try await service.call(.get, "/v1/orders/\(shipped.id)/tracking-page?proof=postal_code&lang=de", key: merchant.apiKey)
            #expect(postal.status == .ok && postal.text.contains("<html lang=\"de\""), "\(postal.text.prefix(300))")
            #expect(!postal.text.contains("Ana Popescu") && !postal.text.contains("name=\"form_token\""), "\(postal.text)")

            let opened = try await service.page("/pages/\(slug)/links/\(shipped.token)")
            let cookie = try #require(opened.sessionCookie)
            func version() async throws -> Int {
                let state = try await service.page("/pages/\(slug)/order/state", cookie: cookie)
                return try #require(state["version"] as? Int, "\(state.text)")
            }
            let before = try await version()
            #expect(try await service.scans(merchant, shipment: shipped.shipment, [scan("delivered", isoTime(Date()))]).status == .ok)
            #expect(try await version() > before)
            // Delivered now: the merchant's preview has the forms a buyer sees, without a session's token (they cannot be sent).
            let buyer = try await service.call(.get, "/v1/orders/\(shipped.id)/tracking-page", key: merchant.apiKey)
            #expect(buyer.text.contains("name=\"form_token\" value=\"\""), "\(buyer.text)")
            #expect(try await service.page("/pages/\(slug)/order/state").status == .unauthorized)
        }
    }
}
