import Foundation

/// A message's Mustache templates: subject, plain text and, optionally, HTML.
public struct MessageTemplate: Sendable, Equatable {
    public var subject: String
    public var text: String
    public var html: String?

    public init(subject: String, text: String, html: String?) { (self.subject, self.text, self.html) = (subject, text, html) }

    /// The lengths the contract allows, and no NUL (which PostgreSQL cannot store); `fields` is
    /// where the template is in the request (`template.` in a preview).
    public func validate(fields: String = "") throws(DomainError) {
        var v = Validator()
        v.text(subject, fields + "subject", min: 1, max: 300)
        v.text(text, fields + "text", min: 1, max: 20_000)
        v.text(html, fields + "html", min: 1, max: 100_000)
        try v.finish()
    }
}

/// The built-in templates, one for every kind and language (the texts are the language's, the
/// frame is the same), and the check a merchant's own templates pass. Mustache is logic-less,
/// so a template can only show the variables below; a name it does not know would render as
/// nothing, silently, so it is refused when the template is uploaded.
public enum MessageTemplates {
    /// The variables every message has (or may have: a section `{{#name}}` shows only when it does).
    public static let variables: Set<String> = [
        "shop_name", "order_number", "customer_name", "greeting", "subject", "intro", "status", "arrival", "amount", "deadline",
        "tracking_number", "carrier", "action_label", "page_url", "footer", "unsubscribe_label", "unsubscribe_url", "brand_color",
        "logo_url", "language",
    ]
    /// The lists, and the names inside them.
    public static let lists: [String: Set<String>] = ["items": ["name", "quantity"], "remedies": ["label"]]

    public static let builtIn = MessageTemplate(
        subject: "{{subject}}",
        text: """
            {{greeting}}

            {{intro}}

            {{#arrival}}
            {{arrival}}
            {{/arrival}}
            {{#remedies}}
            - {{label}}
            {{/remedies}}
            {{#items}}
            {{quantity}} × {{name}}
            {{/items}}

            {{action_label}}: {{page_url}}

            --
            {{footer}}
            {{unsubscribe_label}}: {{unsubscribe_url}}

            """,
        html: """
            <!doctype html>
            <html lang="{{language}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>{{subject}}</title></head>
            <body style="margin:0;padding:0;background:#f4f4f5;font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#18181b">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5"><tr><td align="center" style="padding:24px 12px">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px">
            <tr><td style="padding:24px 24px 0">{{#logo_url}}<img src="{{logo_url}}" alt="{{shop_name}}" height="40" style="display:block;height:40px">{{/logo_url}}{{^logo_url}}<strong style="font-size:18px">{{shop_name}}</strong>{{/logo_url}}</td></tr>
            <tr><td style="padding:16px 24px 0;font-size:16px;line-height:1.5">
            <p style="margin:0 0 12px">{{greeting}}</p>
            <p style="margin:0 0 12px">{{intro}}</p>
            {{#arrival}}<p style="margin:0 0 12px"><strong>{{arrival}}</strong></p>{{/arrival}}
            {{#remedies}}<p style="margin:0 0 6px">&#8226; {{label}}</p>{{/remedies}}
            <table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px;font-size:14px;color:#52525b">{{#items}}<tr><td style="padding:2px 8px 2px 0">{{quantity}} ×</td><td>{{name}}</td></tr>{{/items}}</table>
            </td></tr>
            <tr><td style="padding:8px 24px 24px"><a href="{{page_url}}" style="display:inline-block;background:{{brand_color}};color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600">{{action_label}}</a></td></tr>
            </table>
            <p style="max-width:560px;margin:16px auto 0;font-size:12px;line-height:1.5;color:#71717a">{{footer}}<br><a href="{{unsubscribe_url}}" style="color:#71717a">{{unsubscribe_label}}</a></p>
            </td></tr></table>
            </body></html>

            """)

    /// Sections open at once, at most: a template is rendered for every message.
    public static let maxDepth = 4

    /// The tags of a template that it may not have: unknown names, partials, pragmas, changed
    /// delimiters, unclosed sections; a list inside a list (Mustache finds the outer list's name
    /// from inside it, so lists nested k deep would render lines^k times); and in HTML, output
    /// that is not escaped (a product name must not add markup). Empty when the template is fine.
    public static func problems(in template: String, html: Bool = false) -> [String] {
        var problems: [String] = []
        var open: [String] = []
        var rest = Substring(template)
        while let start = rest.range(of: "{{") {
            let triple = rest[start.upperBound...].hasPrefix("{")
            guard let end = rest[start.upperBound...].range(of: triple ? "}}}" : "}}") else {
                problems.append("a tag opened with {{ is never closed")
                break
            }
            var tag = rest[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[end.upperBound...]
            if triple { tag.removeFirst() }
            guard let sigil = tag.first else { problems.append("an empty tag {{}}"); continue }
            let name = "#^/&".contains(sigil) ? tag.dropFirst().trimmingCharacters(in: .whitespaces) : tag
            switch sigil {
            case "!": continue
            case ">", "<", "$": problems.append("{{\(tag)}}: partials and blocks are not allowed"); continue
            case "%": problems.append("{{\(tag)}}: pragmas are not allowed"); continue
            case "=": problems.append("{{\(tag)}}: changing the delimiters is not allowed"); continue
            default: break
            }
            if html, triple || sigil == "&" {
                problems.append("{{\(tag)}}: output that is not escaped is not allowed in HTML; write {{\(name)}}")
            }
            let known = open.compactMap { lists[$0] }.reduce(variables.union(lists.keys)) { $0.union($1) }
            if !known.contains(name) {
                problems.append("{{\(tag)}}: unknown variable '\(name)'")
            }
            if sigil == "#" || sigil == "^" {
                if lists[name] != nil, open.contains(where: { lists[$0] != nil }) {
                    problems.append("{{\(tag)}}: a list inside a list is not allowed")
                }
                open.append(name)
                if open.count == maxDepth + 1 { problems.append("{{\(tag)}}: at most \(maxDepth) sections may be open at once") }
            }
            if sigil == "/" {
                if open.last == name { open.removeLast() } else { problems.append("{{\(tag)}} closes a section that is not open") }
            }
        }
        problems += open.map { "{{#\($0)}} is never closed" }
        return problems
    }
}
