import Foundation
import Mustache
import PorchlightCore

/// Renders a message's templates with its content. Subject and plain text are rendered as text
/// (nothing escaped), the HTML part with HTML escaping, so a product name cannot add markup.
struct MessageRenderer: Sendable {
    struct Rendered: Sendable, Equatable {
        var subject: String
        var text: String
        var html: String?
    }

    /// Compiles a template, or says what is wrong with it, part by part (422); `fields` is where
    /// the template is in the request (`template.` in a preview).
    static func compile(_ template: MessageTemplate, fields: String = "") throws(DomainError) -> Compiled {
        try template.validate(fields: fields)
        var errors: [FieldError] = []
        func part(_ text: String, _ field: String, asText: Bool) -> MustacheTemplate? {
            let problems = MessageTemplates.problems(in: text, html: !asText)
            errors += problems.map { FieldError(field: fields + field, message: Self.refusal + $0) }
            guard problems.isEmpty else { return nil }
            do {
                return try MustacheTemplate(string: (asText ? "{{% CONTENT_TYPE: TEXT}}" : "") + text)
            } catch {
                errors.append(FieldError(field: fields + field, message: Self.refusal + "\(error)"))
                return nil
            }
        }
        let subject = part(template.subject, "subject", asText: true)
        let text = part(template.text, "text", asText: true)
        let html = template.html.map { part($0, "html", asText: false) }
        guard errors.isEmpty, let subject, let text else { throw .validation(errors) }
        return Compiled(subject: subject, text: text, html: html ?? nil)
    }

    /// How every refusal of a template starts (the contract check's documented exception).
    static let refusal = "is not a template Porchlight can render: "

    struct Compiled: Sendable {
        let subject: MustacheTemplate
        let text: MustacheTemplate
        let html: MustacheTemplate?

        func render(_ content: MessageContent) -> Rendered {
            var object: [String: Any] = content.values
            object["items"] = content.items
            object["remedies"] = content.remedies
            // A subject is one line, however the template or a value breaks it.
            let subject = subject.render(object).split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
            return Rendered(subject: subject, text: text.render(object), html: html?.render(object))
        }
    }

    /// The built-in templates, compiled once when the service starts.
    let builtIn: Compiled

    init() throws {
        builtIn = try Self.compile(MessageTemplates.builtIn)
    }

    /// The merchant's own template if it has one (checked when it was stored), else the built-in.
    func render(_ content: MessageContent, with own: MessageTemplate?) throws -> Rendered {
        try (own.map { try Self.compile($0) } ?? builtIn).render(content)
    }
}
