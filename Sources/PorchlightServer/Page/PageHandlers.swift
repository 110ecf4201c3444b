import Foundation
import HTTPTypes
import OpenAPIRuntime
import PorchlightAPI
import PorchlightCore
import PorchlightStore

/// The customer page: server-rendered HTML that works without JavaScript. Everything it shows or
/// does goes through the same handlers and Core rules as the API, called as the customer the
/// session's token stands for, so the page can never show or do more than the API allows that
/// customer.
extension APIHandlers {
    // MARK: The merchant's side

    func getTrackingPageSettings(_ input: Operations.GetTrackingPageSettings.Input) async throws -> Operations.GetTrackingPageSettings.Output {
        guard let branding = try await pages.branding(merchant: Caller.merchant(), logger: RequestScope.logger)
        else { throw DomainError.notFound("No customer page yet: set one up with PUT /v1/tracking-page.") }
        return .ok(.init(body: .json(.init(branding))))
    }

    func updateTrackingPageSettings(_ input: Operations.UpdateTrackingPageSettings.Input) async throws -> Operations.UpdateTrackingPageSettings.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let branding = PageBranding(body)
        try branding.validate()
        try await pages.save(branding, now: clock.now, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(branding))))
    }

    func getTrackingPageAnalytics(_ input: Operations.GetTrackingPageAnalytics.Input) async throws -> Operations.GetTrackingPageAnalytics.Output {
        let (from, to) = try PageAnalyticsPeriod.days(from: input.query.from, to: input.query.to, today: LocalDate(clock.now, in: .gmt))
        let counts = try await pages.counts(from: from, to: to, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(counts, from: from, to: to))))
    }

    func previewTrackingPage(_ input: Operations.PreviewTrackingPage.Input) async throws -> Operations.PreviewTrackingPage.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        let merchant = try Caller.merchant()
        guard let branding = try await pages.branding(merchant: merchant, logger: RequestScope.logger)
        else { throw DomainError.notFound("No customer page yet: set one up with PUT /v1/tracking-page.") }
        let proof = input.query.proof.map(CustomerProof.init) ?? .email
        guard let page = try await orderPage(orderID: orderID, proof: proof, merchant: merchant, branding: branding,
                                             picked: input.query.lang.map(CustomerLanguage.init), acceptLanguage: nil, formToken: nil)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        return .ok(.init(page))
    }

    // MARK: The customer's side

    func getLookupPage(_ input: Operations.GetLookupPage.Input) async throws -> Operations.GetLookupPage.Output {
        guard let (_, branding) = try await pages.page(slug: input.path.slug, logger: RequestScope.logger) else { return .notFound(.missingPage) }
        let language = CustomerLanguage.forPage(picked: input.query.lang.map(CustomerLanguage.init), acceptLanguage: input.headers.acceptLanguage, storedLocale: nil)
        return .ok(.init(lookupPage(branding, language: language, picked: input.query.lang.map(CustomerLanguage.init))))
    }

    func submitPageLookup(_ input: Operations.SubmitPageLookup.Input) async throws -> Operations.SubmitPageLookup.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw Problem.unsupportedMediaType }
        // Another site's form could sign the customer into an order of its choosing.
        if input.headers.secFetchSite == "cross-site" { throw Problem.forbidden("Look the order up from the page itself.") }
        guard let (merchant, branding) = try await pages.page(slug: input.path.slug, logger: RequestScope.logger) else { return .notFound(.missingPage) }
        let picked = form.lang.map(CustomerLanguage.init)
        let language = CustomerLanguage.forPage(picked: picked, acceptLanguage: input.headers.acceptLanguage, storedLocale: nil)
        // An empty field counts as not filled in: a form sends every field.
        let lookup = OrderLookup(orderNumber: form.orderNumber, email: form.email.nonEmpty, postalCode: form.postalCode.nonEmpty)
        func again(_ error: PageText) -> Components.Responses.PageHTML {
            .init(lookupPage(branding, language: language, picked: picked, orderNumber: form.orderNumber, error: error))
        }
        do {
            let found = try await lookUp(lookup, merchant: merchant)
            try await pages.count(.lookup, now: clock.now, merchant: merchant, logger: RequestScope.logger)
            return .seeOther(.init(headers: .init(
                location: PagePaths.order(branding.slug, language: form.lang.map(CustomerLanguage.init)),
                setCookie: PageSession.cookie(token: found.token, slug: branding.slug, lifetime: OrderLookup.tokenLifetime))))
        } catch DomainError.validation, DomainError.badRequest {
            return .unprocessableContent(again(.lookupInvalid))
        } catch DomainError.notFound {
            return .notFound(again(.lookupNotFound))
        } catch DomainError.tooManyRequests {
            return .tooManyRequests(again(.lookupThrottled))
        }
    }

    func openPageLink(_ input: Operations.OpenPageLink.Input) async throws -> Operations.OpenPageLink.Output {
        guard let (merchant, branding) = try await pages.page(slug: input.path.slug, logger: RequestScope.logger) else { return .notFound(.missingPage) }
        let picked = input.query.lang.map(CustomerLanguage.init)
        guard input.path.token.hasPrefix(CustomerTokenStore.prefix),
              case .customer(let owner, let orderID, let proof)? = try await authenticator.caller(for: input.path.token, logger: RequestScope.logger),
              owner == merchant,
              let page = try await orderPage(orderID: orderID, proof: proof, merchant: merchant, branding: branding, picked: picked,
                                             acceptLanguage: input.headers.acceptLanguage, formToken: PageSession(token: input.path.token).formToken)
        else {
            let language = CustomerLanguage.forPage(picked: picked, acceptLanguage: input.headers.acceptLanguage, storedLocale: nil)
            return .unauthorized(.init(lookupPage(branding, language: language, error: .sessionEnded)))
        }
        try await pages.count(.pageView, now: clock.now, merchant: merchant, logger: RequestScope.logger)
        var response = Components.Responses.PageHTML(page)
        response.headers.setCookie = PageSession.cookie(token: input.path.token, slug: branding.slug, lifetime: PagePaths.linkSessionLifetime)
        return .ok(response)
    }

    func getOrderPage(_ input: Operations.GetOrderPage.Input) async throws -> Operations.GetOrderPage.Output {
        guard let (merchant, branding) = try await pages.page(slug: input.path.slug, logger: RequestScope.logger) else { return .notFound(.missingPage) }
        let picked = input.query.lang.map(CustomerLanguage.init)
        guard let (orderID, proof, session) = Self.session(for: merchant),
              let page = try await orderPage(orderID: orderID, proof: proof, merchant: merchant, branding: branding, picked: picked,
                                             acceptLanguage: input.headers.acceptLanguage, formToken: session.formToken,
                                             notice: input.query.done.map(PageAction.init))
        else {
            let language = CustomerLanguage.forPage(picked: picked, acceptLanguage: input.headers.acceptLanguage, storedLocale: nil)
            return .unauthorized(.init(lookupPage(branding, language: language, error: .sessionEnded)))
        }
        try await pages.count(.pageView, now: clock.now, merchant: merchant, logger: RequestScope.logger)
        return .ok(.init(page))
    }

    func getOrderPageState(_ input: Operations.GetOrderPageState.Input) async throws -> Operations.GetOrderPageState.Output {
        guard let (merchant, _) = try await pages.page(slug: input.path.slug, logger: RequestScope.logger)
        else { throw DomainError.notFound("No page at /pages/\(input.path.slug).") }
        guard let (orderID, _, _) = Self.session(for: merchant) else { throw Problem.unauthorized("The page's session has ended: look the order up again.") }
        guard let version = try await pages.orderVersion(orderID, merchant: merchant, logger: RequestScope.logger)
        else { throw DomainError.notFound("The order of this session is gone.") }
        return .ok(.init(body: .json(.init(version: version))))
    }

    func choosePageRemedy(_ input: Operations.ChoosePageRemedy.Input) async throws -> Operations.ChoosePageRemedy.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw Problem.unsupportedMediaType }
        return .init(try await pageAction(.remedyChosen, slug: input.path.slug, formToken: form.formToken, lang: form.lang) { orderID in
            _ = try await chooseRemedy(.init(path: .init(orderId: orderID.apiText, remedyId: form.remedyId),
                                             body: .json(.init(kind: form.choice))))
        })
    }

    func openPageReturn(_ input: Operations.OpenPageReturn.Input) async throws -> Operations.OpenPageReturn.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw Problem.unsupportedMediaType }
        return .init(try await pageAction(.returnOpened, slug: input.path.slug, formToken: form.formToken, lang: form.lang) { orderID in
            let skus = form.sku ?? [], quantities = form.quantity ?? []
            guard skus.count == quantities.count else { throw DomainError.badRequest("Send as many quantity fields as sku fields.") }
            let lines = zip(skus, quantities).filter { $0.1 > 0 }
                .map { Components.Schemas.ReturnLinesInputPayload(sku: $0.0, quantity: $0.1, reason: form.reason) }
            guard !lines.isEmpty else { throw PageActionRefusal(.returnNothingSelected) }
            do {
                _ = try await createReturn(.init(body: .json(.init(orderId: orderID.apiText, resolution: form.resolution, method: form.method, lines: lines))))
            } catch is PreparedResponse {
                // The created return, answered as the API answers it: the page only needs to know it was made.
            }
        })
    }

    func submitPageReview(_ input: Operations.SubmitPageReview.Input) async throws -> Operations.SubmitPageReview.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw Problem.unsupportedMediaType }
        return .init(try await pageAction(.reviewSent, slug: input.path.slug, formToken: form.formToken, lang: form.lang) { orderID in
            _ = try await submitReview(.init(path: .init(orderId: orderID.apiText),
                                             body: .json(.init(sku: form.sku, rating: form.rating, title: form.title.nonEmpty, text: form.body.nonEmpty,
                                                               displayName: form.displayName))))
        })
    }

    func submitPageDeliveryRating(_ input: Operations.SubmitPageDeliveryRating.Input) async throws -> Operations.SubmitPageDeliveryRating.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw Problem.unsupportedMediaType }
        return .init(try await pageAction(.deliveryRated, slug: input.path.slug, formToken: form.formToken, lang: form.lang) { orderID in
            // Parcels are numbered from 1 (checked before any arithmetic: the number is the client's).
            guard (1...100).contains(form.parcel),
                  let source = try await customerViews.source(of: orderID, merchant: Caller.merchant(), logger: RequestScope.logger),
                  source.document.shipmentIDs.indices.contains(form.parcel - 1)
            else { throw DomainError.notFound("The order has no parcel \(form.parcel).") }
            let shipmentID = source.document.shipmentIDs[form.parcel - 1]
            _ = try await rateDelivery(.init(path: .init(orderId: orderID.apiText),
                                             body: .json(.init(shipmentId: shipmentID.apiText, rating: form.rating, comment: form.comment.nonEmpty))))
        })
    }

    func requestPageDeliveryAction(_ input: Operations.RequestPageDeliveryAction.Input) async throws -> Operations.RequestPageDeliveryAction.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw Problem.unsupportedMediaType }
        return .init(try await pageAction(.deliveryActionSent, slug: input.path.slug, formToken: form.formToken, lang: form.lang) { orderID in
            // A form sends every field: only the chosen kind's goes on, the address in the order's own country.
            var action = Components.Schemas.DeliveryActionInput(kind: form.kind)
            switch form.kind {
            case .reattempt: action.date = form.date.nonEmpty
            case .instructions: action.instructions = form.instructions.nonEmpty
            case .pickupPoint: action.pickupPointId = form.pickupPointId.nonEmpty
            case .returnToSender: break
            case .addressChange:
                guard let source = try await customerViews.source(of: orderID, merchant: Caller.merchant(), logger: RequestScope.logger),
                      let line1 = form.line1.nonEmpty, let city = form.city.nonEmpty
                else { throw PageActionRefusal(.deliveryAddressIncomplete) }
                action.address = .init(line1: line1, line2: form.line2.nonEmpty, city: city, postalCode: form.postalCode.nonEmpty,
                                       country: try .init(checked: source.document.destinationCountry))
            }
            _ = try await requestDeliveryAction(.init(path: .init(orderId: orderID.apiText, exceptionId: form.exceptionId), body: .json(action)))
        })
    }

    func confirmPageOrder(_ input: Operations.ConfirmPageOrder.Input) async throws -> Operations.ConfirmPageOrder.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw Problem.unsupportedMediaType }
        return .init(try await pageAction(.orderConfirmed, slug: input.path.slug, formToken: form.formToken, lang: form.lang) { orderID in
            _ = try await confirmOrder(.init(path: .init(orderId: orderID.apiText)))
        })
    }

    func followPageRecommendation(_ input: Operations.FollowPageRecommendation.Input) async throws -> Operations.FollowPageRecommendation.Output {
        guard let (merchant, branding) = try await pages.page(slug: input.path.slug, logger: RequestScope.logger),
              let item = branding.recommendations.first(where: { $0.sku == input.path.sku })
        else { throw DomainError.notFound("No recommendation \(input.path.sku) on this page.") }
        try await pages.count(.recommendationClick, sku: item.sku, now: clock.now, merchant: merchant, logger: RequestScope.logger)
        return .seeOther(.init(headers: .init(location: item.url)))
    }

    func getPageAsset(_ input: Operations.GetPageAsset.Input) async throws -> Operations.GetPageAsset.Output {
        let cache = "public, max-age=86400"
        switch input.path.file {
        case .page_css: return .ok(.init(headers: .init(cacheControl: cache), body: .textCss(HTTPBody(PageRenderer.stylesheet))))
        case .page_js: return .ok(.init(headers: .init(cacheControl: cache), body: .textJavascript(HTTPBody(PageRenderer.script))))
        }
    }

    // MARK: Building pages

    /// The order, proof and session of this request's page session, when it is one of this merchant's.
    private static func session(for merchant: MerchantID) -> (orderID: UUID, proof: CustomerProof, session: PageSession)? {
        guard let session = PageSession.current, case .customer(let owner, let orderID, let proof)? = Caller.current, owner == merchant else { return nil }
        return (orderID, proof, session)
    }

    private func lookupPage(_ branding: PageBranding, language: CustomerLanguage, picked: CustomerLanguage? = nil, orderNumber: String? = nil,
                            error: PageText? = nil) -> PageRenderer.Page {
        // The language goes on with the form only when the customer picked it: otherwise the order
        // page chooses again, and may find the customer's stored locale.
        let model = LookupPageModel(slug: branding.slug, pickedLang: picked?.rawValue, orderNumber: orderNumber, error: error?.text(language),
                                    t: PageTexts.all(language))
        return renderer.render(.lookup, model, title: PageText.lookupTitle.text(language), language: language, branding: branding,
                               selfPath: PagePaths.lookup(branding.slug))
    }

    /// The order page as the customer with `proof` sees it; nil when the merchant has no such order.
    private func orderPage(orderID: UUID, proof: CustomerProof, merchant: MerchantID, branding: PageBranding, picked: CustomerLanguage?,
                           acceptLanguage: String?, formToken: String?, notice: PageAction? = nil, error: PageText? = nil) async throws -> PageRenderer.Page? {
        let logger = RequestScope.logger
        guard let source = try await customerViews.source(of: orderID, merchant: merchant, logger: logger) else { return nil }
        let language = CustomerLanguage.forPage(picked: picked, acceptLanguage: acceptLanguage, storedLocale: source.document.customerLocale)
        let view = try JSONDecoder().decode(CustomerViewSource.self,
                                            from: Data(try CustomerOrderView(source.document, proof: proof, hiding: source.hidden).json().utf8))
        let id = orderID.apiText
        // The API's own answers to this customer.
        let answers = try await Caller.$current.withValue(.customer(merchant: merchant, orderID: orderID, proof: proof)) {
            async let estimate = getArrivalEstimate(.init(path: .init(orderId: id), headers: .init(acceptLanguage: language.rawValue)))
            async let remedies = listOrderRemedies(.init(path: .init(orderId: id)))
            async let eligibility = getReturnEligibility(.init(path: .init(orderId: id), headers: .init(acceptLanguage: language.rawValue)))
            async let exceptions = listDeliveryExceptions(.init(path: .init(orderId: id)))
            return (try await estimate.ok.body.json, try await remedies.ok.body.json.items, try await eligibility.ok.body.json,
                    try await exceptions.ok.body.json.items)
        }
        async let policy = returnPolicies.current(merchant: merchant, logger: logger)
        async let done = pages.reviewedAndRated(orderID, merchant: merchant, logger: logger)
        let (reviewed, rated) = try await done
        let ids = source.document.shipmentIDs
        let inputs = OrderPageInputs(
            view: view, version: source.document.currentVersion, proof: proof, estimate: answers.0, remedies: answers.1,
            deliveryExceptions: answers.3, shipmentIDs: ids.map(\.apiText), eligibility: answers.2,
            policy: try await policy.policy, reviewedSKUs: reviewed,
            ratedParcels: Set(ids.enumerated().filter { rated.contains($0.element) }.map { $0.offset + 1 }),
            recommendations: branding.recommendations(forSKUs: view.lines.map(\.sku), categories: source.document.lineCategories))
        let model = OrderPageModel(inputs, language: language, slug: branding.slug, formToken: formToken,
                                   notice: notice.map { $0.confirmation.text(language) }, error: error?.text(language))
        return renderer.render(.order, model, title: model.heading, language: language, branding: branding, selfPath: PagePaths.order(branding.slug))
    }

    /// A form sent from the order page: the session must be this page's and the form token its
    /// own; then `perform` runs as the customer, and the customer goes back to the page (303) or
    /// sees it again with what went wrong.
    private func pageAction(_ action: PageAction, slug: String, formToken: String, lang: Components.Schemas.MessageLanguage?,
                            perform: (UUID) async throws -> Void) async throws -> PageActionOutcome {
        guard let (merchant, branding) = try await pages.page(slug: slug, logger: RequestScope.logger) else { return .missingPage }
        let picked = lang.map(CustomerLanguage.init)
        guard let (orderID, proof, session) = Self.session(for: merchant) else {
            return .unauthorized(lookupPage(branding, language: picked ?? .en, error: .sessionEnded))
        }
        func again(_ error: PageText) async throws -> PageRenderer.Page {
            // The order is the session's, so it exists: the page is always there.
            try await orderPage(orderID: orderID, proof: proof, merchant: merchant, branding: branding, picked: picked, acceptLanguage: nil,
                                formToken: session.formToken, error: error) ?? lookupPage(branding, language: picked ?? .en, error: .sessionEnded)
        }
        guard session.accepts(formToken: formToken) else { return .forbidden(try await again(.formExpired)) }
        do {
            try await perform(orderID)
        } catch let refusal as PageActionRefusal {
            return .unprocessable(try await again(refusal.text))
        } catch let problem as Problem where problem.status == .forbidden {
            return .forbidden(try await again(action.failure))
        } catch DomainError.conflict {
            return .conflict(try await again(action.failure))
        } catch DomainError.validation, DomainError.badRequest, DomainError.notFound {
            return .unprocessable(try await again(action.failure))
        }
        try await pages.count(action.metric, now: clock.now, merchant: merchant, logger: RequestScope.logger)
        return .done(PagePaths.order(branding.slug, language: picked, done: action))
    }
}

/// What the look-up page shows.
struct LookupPageModel {
    var slug: String
    var pickedLang: String?
    var orderNumber: String?
    var error: String?
    var t: [String: String]
}

/// The page's addresses.
enum PagePaths {
    /// A customer link's session lasts as long as a look-up's; the link itself lasts longer.
    static let linkSessionLifetime: Duration = OrderLookup.tokenLifetime

    static func lookup(_ slug: String) -> String { "/pages/\(slug)" }

    static func order(_ slug: String, language: CustomerLanguage? = nil, done: PageAction? = nil) -> String {
        let query = [language.map { "lang=\($0.rawValue)" }, done.map { "done=\($0.rawValue)" }].compactMap { $0 }
        return "/pages/\(slug)/order" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }
}

/// An action a customer takes on the page: what it counts, and what the page says after it.
enum PageAction: String {
    case remedyChosen = "remedy_chosen"
    case returnOpened = "return_opened"
    case reviewSent = "review_sent"
    case deliveryRated = "delivery_rated"
    case deliveryActionSent = "delivery_action_sent"
    case orderConfirmed = "order_confirmed"

    init(_ action: Components.Schemas.PageAction) {
        switch action {
        case .remedyChosen: self = .remedyChosen
        case .returnOpened: self = .returnOpened
        case .reviewSent: self = .reviewSent
        case .deliveryRated: self = .deliveryRated
        case .deliveryActionSent: self = .deliveryActionSent
        case .orderConfirmed: self = .orderConfirmed
        }
    }

    var metric: PageMetric {
        switch self {
        case .remedyChosen: .remedyChosen
        case .returnOpened: .returnOpened
        case .reviewSent: .reviewSent
        case .deliveryRated: .deliveryRated
        case .deliveryActionSent: .deliveryActionSent
        case .orderConfirmed: .orderConfirmed
        }
    }

    var confirmation: PageText {
        switch self {
        case .remedyChosen: .remedyChosenNotice
        case .returnOpened: .returnOpened
        case .reviewSent: .reviewThanks
        case .deliveryRated: .deliveryRatedNotice
        case .deliveryActionSent: .deliveryActionSentNotice
        case .orderConfirmed: .orderConfirmedNotice
        }
    }

    /// What the page says when the rules refused the action.
    var failure: PageText {
        switch self {
        case .remedyChosen: .remedyFailed
        case .returnOpened: .returnFailed
        case .reviewSent: .reviewFailed
        case .deliveryRated: .deliveryRatingFailed
        case .deliveryActionSent: .deliveryActionFailedNotice
        case .orderConfirmed: .orderConfirmFailed
        }
    }
}

/// A page form the page itself refuses, with what to tell the customer.
struct PageActionRefusal: Error {
    let text: PageText
    init(_ text: PageText) { self.text = text }
}

/// How a page form ended.
enum PageActionOutcome {
    case done(String)
    case missingPage
    case unauthorized(PageRenderer.Page)
    case forbidden(PageRenderer.Page)
    case conflict(PageRenderer.Page)
    case unprocessable(PageRenderer.Page)
}

extension Optional where Wrapped == String {
    /// An empty form field is a field not filled in.
    var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}
