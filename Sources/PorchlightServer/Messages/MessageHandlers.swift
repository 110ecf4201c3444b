import Foundation
import OpenAPIRuntime
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func getMessageSettings(_ input: Operations.GetMessageSettings.Input) async throws -> Operations.GetMessageSettings.Output {
        .ok(.init(body: .json(.init(try await messages.settings(merchant: Caller.merchant(), logger: RequestScope.logger)))))
    }

    func replaceMessageSettings(_ input: Operations.ReplaceMessageSettings.Input) async throws -> Operations.ReplaceMessageSettings.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let merchant = try Caller.merchant()
        let settings = try MessageSettings(body)
        let hasPage = try await pages.branding(merchant: merchant, logger: RequestScope.logger) != nil
        try settings.validate(canSendEmail: canSendEmail, hasPage: hasPage)
        try await messages.replaceSettings(settings, merchant: merchant, now: clock.now, logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(settings))))
    }

    func listMessageTemplates(_ input: Operations.ListMessageTemplates.Input) async throws -> Operations.ListMessageTemplates.Output {
        let templates = try await messages.templates(merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: templates.map(Components.Schemas.MessageTemplate.init)))))
    }

    func replaceMessageTemplate(_ input: Operations.ReplaceMessageTemplate.Input) async throws -> Operations.ReplaceMessageTemplate.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let template = MessageTemplate(body)
        _ = try MessageRenderer.compile(template)
        let stored = try await messages.replaceTemplate(template, kind: MessageKind(input.path.kind), language: CustomerLanguage(input.path.language),
                                                        merchant: Caller.merchant(), now: clock.now, logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(stored))))
    }

    func deleteMessageTemplate(_ input: Operations.DeleteMessageTemplate.Input) async throws -> Operations.DeleteMessageTemplate.Output {
        try await messages.deleteTemplate(MessageKind(input.path.kind), CustomerLanguage(input.path.language), merchant: Caller.merchant(),
                                          logger: RequestScope.logger)
        return .noContent(.init())
    }

    func previewMessage(_ input: Operations.PreviewMessage.Input) async throws -> Operations.PreviewMessage.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let merchant = try Caller.merchant()
        let (kind, language) = (MessageKind(body.kind), CustomerLanguage(body.language))
        let given = body.template.map(MessageTemplate.init)
        let compiled = if let given { try MessageRenderer.compile(given, fields: "template.") } else {
            try await messages.template(kind, language, merchant: merchant, logger: RequestScope.logger).map { try MessageRenderer.compile($0) }
                ?? messageRenderer.builtIn
        }
        let branding = try await pages.branding(merchant: merchant, logger: RequestScope.logger)
        let shop = branding.map(MessageContent.Shop.init) ?? MessageContent.Shop(name: "Your shop", brandColor: PageBranding.defaultColors.primary, logoURL: nil)
        let example = "https://track.example/pages/\(branding?.slug ?? "your-shop")"
        let content = MessageContent.sample(kind, language: language, shop: shop, now: clock.now)
            .withLinks(page: example + "/links/pct_example", unsubscribe: "https://track.example/unsubscribe/example")
        let rendered = compiled.render(content)
        return .ok(.init(body: .json(.init(subject: rendered.subject, text: rendered.text, html: rendered.html ?? ""))))
    }

    func listNotifications(_ input: Operations.ListNotifications.Input) async throws -> Operations.ListNotifications.Output {
        var v = Validator()
        let limit = v.page(limit: input.query.limit, cursor: input.query.cursor)
        try v.finishParameters()
        let orderID = try input.query.orderId.map { try parseID($0, "order_id") }
        let page = try await messages.notifications(orderID: orderID, limit: limit, cursor: input.query.cursor, merchant: Caller.merchant(),
                                                    logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Notification.init), nextCursor: page.nextCursor))))
    }

    func createMessageOptOut(_ input: Operations.CreateMessageOptOut.Input) async throws -> Operations.CreateMessageOptOut.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        guard MessageSettings.isEmailAddress(body.email) else {
            throw DomainError.validation([FieldError(field: "email", message: "must be an email address such as ana@example.com")])
        }
        let reason = OptOutReason(body.reason)
        let kind = body.kind.map(MessageKind.init)
        let stored = try await messages.optOut(address: body.email, kind: kind, reason: reason, merchant: Caller.merchant(), now: clock.now,
                                               logger: RequestScope.logger)
        return .created(.init(body: .json(.init(email: body.email, kind: body.kind, reason: .init(stored.reason), createdAt: stored.createdAt))))
    }

    func getUnsubscribePage(_ input: Operations.GetUnsubscribePage.Input) async throws -> Operations.GetUnsubscribePage.Output {
        guard let found = try await messages.notification(unsubscribeToken: input.path.token, logger: RequestScope.logger),
              let page = try await unsubscribePage(token: input.path.token, merchant: found.merchant, kind: found.kind,
                                                   language: input.query.lang.map(CustomerLanguage.init) ?? found.language, done: false)
        else { return .notFound(.missingPage) }
        return .ok(.init(page))
    }

    func unsubscribe(_ input: Operations.Unsubscribe.Input) async throws -> Operations.Unsubscribe.Output {
        // The page's button says which language it was shown in; a mail client's post (either encoding) does not.
        var picked: CustomerLanguage?
        if case .urlEncodedForm(let form) = input.body { picked = form.lang.map(CustomerLanguage.init) }
        guard let found = try await messages.unsubscribe(token: input.path.token, now: clock.now, logger: RequestScope.logger),
              let page = try await unsubscribePage(token: input.path.token, merchant: found.merchant, kind: found.kind,
                                                   language: picked ?? found.language, done: true)
        else { return .notFound(.missingPage) }
        return .ok(.init(page))
    }

    /// The unsubscribe page, in the message's language and the merchant's page's branding.
    private func unsubscribePage(token: String, merchant: MerchantID, kind: MessageKind, language: CustomerLanguage, done: Bool) async throws
        -> PageRenderer.Page? {
        guard let branding = try await pages.branding(merchant: merchant, logger: RequestScope.logger) else { return nil }
        let values = ["shop": branding.storeName, "topic": kind.topic(language)]
        let model: [String: Any] = [
            "title": MessageText.unsubscribeTitle.text(language), "question": MessageText.unsubscribeQuestion.text(language, values),
            "button": MessageText.unsubscribeButton.text(language), "action": "/unsubscribe/\(token)",
            "done": done ? MessageText.unsubscribedNotice.text(language, values) : false, "lang": language.rawValue,
        ]
        return renderer.render(.unsubscribe, model, title: MessageText.unsubscribeTitle.text(language), language: language, branding: branding,
                               selfPath: "/unsubscribe/\(token)")
    }
}
