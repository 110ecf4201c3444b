import Foundation
import Testing
@testable import PorchlightCore

@Suite struct MessageRulesTests {
    /// An order to Bucharest (Europe/Bucharest, UTC+2 in December), shipped and scanned `status`.
    private func order(_ status: TrackingStatus? = nil, locale: String = "ro") throws -> OrderRecord {
        let placed = instant("2026-12-01T08:00:00Z")
        var order = placedOrder(orderDraft(lines: [line(quantity: 2)], placedAt: placed, name: "Ana Popescu", locale: locale))
        guard let status else { return order }
        try order.ship(at: placed, scans: [scan(status, at: placed.addingTimeInterval(3600), id: "s1")])
        order.settle(now: placed.addingTimeInterval(3600))  // the status roll-up, as a save does
        return order
    }

    private let settings = MessageSettings(kinds: Set(MessageKind.allCases), channels: [.email], fromAddress: "orders@shop.example", fromName: nil,
                                           replyTo: nil, quietHours: .standard, coalesceMinutes: 30, dailyCap: 2)

    @Test func quietHoursHoldANightMessageUntilTheMorningInTheDestination() {
        let bucharest = Countries.timeZone(of: "RO")
        // 22:30 in Bucharest is 20:30 UTC: held until 08:00 there, 06:00 UTC the next day.
        #expect(QuietHours.standard.firstAllowed(atOrAfter: instant("2026-12-07T20:30:00Z"), in: bucharest) == instant("2026-12-08T06:00:00Z"))
        // 05:00 there, after midnight: the same morning.
        #expect(QuietHours.standard.firstAllowed(atOrAfter: instant("2026-12-08T03:00:00Z"), in: bucharest) == instant("2026-12-08T06:00:00Z"))
        // Its edges: 08:00 is allowed, 21:00 is not.
        #expect(QuietHours.standard.firstAllowed(atOrAfter: instant("2026-12-08T06:00:00Z"), in: bucharest) == instant("2026-12-08T06:00:00Z"))
        #expect(QuietHours.standard.firstAllowed(atOrAfter: instant("2026-12-08T19:00:00Z"), in: bucharest) == instant("2026-12-09T06:00:00Z"))
        #expect(QuietHours.standard.firstAllowed(atOrAfter: instant("2026-12-08T18:59:00Z"), in: bucharest) == instant("2026-12-08T18:59:00Z"))
        // The same time twice: none.
        #expect(QuietHours(startMinute: 0, endMinute: 0).firstAllowed(atOrAfter: instant("2026-12-08T01:00:00Z"), in: bucharest)
                == instant("2026-12-08T01:00:00Z"))
        #expect(QuietHours(start: "21:00", end: "08:00") == .standard)
        #expect(QuietHours(start: "24:00", end: "08:00") == nil && QuietHours(start: "9:00", end: "08:00") == nil)
    }

    @Test func aTrackingUpdateWaitsForTheNextAndTheNextReplacesIt() throws {
        let now = instant("2026-12-01T10:00:00Z")  // 12:00 in Bucharest, an hour after the scan
        let shipped = try order(.inTransit)
        let first = MessagePlanning.decide(.init(kind: MessagePlanning.kind(of: "tracking", in: shipped), eventAt: now, scheduled: nil, sent: [],
                                                 trackingUpdatesToday: 0, optedOut: false), order: shipped, settings: settings, now: now)
        #expect(first == .schedule(.shipped, sendAfter: now.addingTimeInterval(30 * 60)))
        // The next scan within the window: the scheduled message now says the latest, and keeps its time.
        let delivered = try order(.delivered)
        let scheduled = MessagePlanning.Scheduled(kind: .shipped, sendAfter: now.addingTimeInterval(30 * 60))
        #expect(MessagePlanning.decide(.init(kind: MessagePlanning.kind(of: "tracking", in: delivered), eventAt: now, scheduled: scheduled, sent: [],
                                             trackingUpdatesToday: 1, optedOut: false), order: delivered, settings: settings, now: now) == .replace(.delivered))
        // Never the same news twice, and never again once the order is cancelled.
        #expect(MessagePlanning.decide(.init(kind: .shipped, eventAt: now, scheduled: nil, sent: [.shipped], trackingUpdatesToday: 1, optedOut: false),
                                       order: shipped, settings: settings, now: now) == .nothing)
        var cancelled = try order()
        cancelled.status = .cancelled
        #expect(MessagePlanning.decide(.init(kind: .orderConfirmed, eventAt: now, scheduled: scheduled, sent: [], trackingUpdatesToday: 0, optedOut: false),
                                       order: cancelled, settings: settings, now: now) == .withdraw(.orderCancelled))
    }

    @Test func theCapTheOptOutAndStaleNewsHoldMessagesBack() throws {
        let now = instant("2026-12-01T10:00:00Z")
        let shipped = try order(.inTransit)
        #expect(MessagePlanning.decide(.init(kind: .shipped, eventAt: now, scheduled: nil, sent: [], trackingUpdatesToday: 2, optedOut: false),
                                       order: shipped, settings: settings, now: now) == .suppress(.shipped, .dailyCap))
        // The cap is for tracking updates only: a failed delivery still goes out.
        #expect(MessagePlanning.decide(.init(kind: .deliveryFailed, eventAt: now, scheduled: nil, sent: [], trackingUpdatesToday: 2, optedOut: false),
                                       order: shipped, settings: settings, now: now) == .schedule(.deliveryFailed, sendAfter: now))
        #expect(MessagePlanning.decide(.init(kind: .shipped, eventAt: now, scheduled: nil, sent: [], trackingUpdatesToday: 0, optedOut: true),
                                       order: shipped, settings: settings, now: now) == .suppress(.shipped, .optedOut))
        #expect(MessagePlanning.decide(.init(kind: .shipped, eventAt: now.addingTimeInterval(-3 * 86_400), scheduled: nil, sent: [],
                                             trackingUpdatesToday: 0, optedOut: false), order: shipped, settings: settings, now: now) == .nothing)
        var off = settings
        off.kinds = [.delivered]
        #expect(MessagePlanning.decide(.init(kind: .shipped, eventAt: now, scheduled: nil, sent: [], trackingUpdatesToday: 0, optedOut: false),
                                       order: shipped, settings: off, now: now) == .nothing)
    }

    @Test func aMessageNeverSaysLessThanOneSentAndOldNewsIsNotSent() throws {
        let now = instant("2026-12-01T10:00:00Z")
        let late = try order(.inTransit)
        // "On its way" after "out for delivery" would be an older state after a newer one.
        #expect(MessagePlanning.decide(.init(kind: .shipped, eventAt: now, scheduled: nil, sent: [.outForDelivery], trackingUpdatesToday: 1, optedOut: false),
                                       order: late, settings: settings, now: now) == .nothing)
        // The delivery is never capped.
        #expect(MessagePlanning.decide(.init(kind: .delivered, eventAt: now, scheduled: nil, sent: [.shipped], trackingUpdatesToday: 5, optedOut: false),
                                       order: late, settings: settings, now: now) == .schedule(.delivered, sendAfter: now.addingTimeInterval(30 * 60)))
        // An order placed weeks before it reached Porchlight is not confirmed by email.
        #expect(MessagePlanning.decide(.init(kind: .orderConfirmed, eventAt: now.addingTimeInterval(20 * 86_400), scheduled: nil, sent: [],
                                             trackingUpdatesToday: 0, optedOut: false),
                                       order: try order(), settings: settings, now: now.addingTimeInterval(20 * 86_400)) == .nothing)
        // A kind switched off withdraws what was scheduled, and says why.
        var off = settings
        off.kinds = [.delivered]
        #expect(MessagePlanning.decide(.init(kind: .shipped, eventAt: now, scheduled: .init(kind: .shipped, sendAfter: now), sent: [],
                                             trackingUpdatesToday: 0, optedOut: false), order: late, settings: off, now: now) == .withdraw(.switchedOff))
        #expect(off.allows(.delivered, on: .email) && !off.allows(.shipped, on: .email) && !off.allows(.delivered, on: .webhook))
    }

    @Test func eventsNameTheirTopicAndTheOrderSaysWhatItCallsFor() throws {
        let exception = UUID()
        #expect(MessagePlanning.topic(of: .shipmentStatusChanged, data: [:]) == "tracking")
        #expect(MessagePlanning.topic(of: .deliveryExceptionOpened, data: ["exception_id": .string(exception.uuidString)]) == "exception:\(exception.uuidString)")
        #expect(MessagePlanning.topic(of: .promiseRecorded, data: [:]) == nil)
        #expect(MessagePlanning.kind(of: "tracking", in: try order()) == nil)  // nothing has left yet
        #expect(MessagePlanning.kind(of: "tracking", in: try order(.outForDelivery)) == .outForDelivery)
        #expect(MessagePlanning.kind(of: "order", in: try order()) == .orderConfirmed)
        // An exception the order no longer has open calls for nothing.
        #expect(MessagePlanning.kind(of: "exception:\(exception.uuidString)", in: try order(.attemptedDelivery)) == nil)
    }

    @Test func aMessageSaysItInTheCustomersLanguageWithTheOrdersValues() throws {
        let content = MessageContent.build(.shipped, topic: "tracking", order: try order(.inTransit), context: .standard, language: .ro,
                                           shop: .init(name: "Casa Verde", brandColor: "#0a7", logoURL: nil))
        #expect(content.values["subject"] == MessageText.subjectShipped.text(.ro, ["number": "#1001"]))
        #expect(content.values["greeting"] == MessageText.greetingNamed.text(.ro, ["name": "Ana"]))
        #expect(content.values["shop_name"] == "Casa Verde" && content.values["tracking_number"] == "T1")
        #expect(content.items == [["name": "Tee", "quantity": "2"]])
        #expect(MessageContent(json: content.json) == content)
        #expect(MessageContent.money(4990, currency: "EUR", language: .en).contains("49.90"))
        #expect(MessageContent.money(4990, currency: "EUR", language: .de).contains("49,90"))
        #expect(MessageContent.money(4990, currency: "JPY", language: .en).contains("4,990"))
    }

    @Test func everyLanguageHasEveryTextWithItsPlaceholders() {
        for language in CustomerLanguage.allCases {
            let table = MessageTranslations.table(for: language)
            #expect(Set(table.keys) == Set(MessageText.allCases), "\(language)")
            for key in MessageText.allCases {
                #expect(PageText.placeholders(in: table[key] ?? "") == key.placeholders, "\(language) \(key)")
            }
        }
        #expect(Set(MessageKind.allCases.map { $0.topic(.de) }).count == MessageKind.allCases.count)
    }

    @Test func aTemplateMayOnlyNameTheVariablesItIsGiven() {
        #expect(MessageTemplates.problems(in: MessageTemplates.builtIn.text).isEmpty)
        #expect(MessageTemplates.problems(in: MessageTemplates.builtIn.html ?? "", html: true).isEmpty)
        #expect(MessageTemplates.problems(in: "Hi {{customer_name}} {{! a comment }}{{#items}}{{name}}{{/items}}").isEmpty)
        #expect(MessageTemplates.problems(in: "Hi {{first_name}}") == ["{{first_name}}: unknown variable 'first_name'"])
        #expect(MessageTemplates.problems(in: "{{name}}") == ["{{name}}: unknown variable 'name'"])  // only inside items
        #expect(MessageTemplates.problems(in: "{{> footer}}").count == 1)
        #expect(MessageTemplates.problems(in: "{{=<% %>=}}").count == 1)
        #expect(MessageTemplates.problems(in: "{{#items}}open").contains("{{#items}} is never closed"))
        #expect(MessageTemplates.problems(in: "{{{page_url}}} {{&shop_name}}").isEmpty)
        // In HTML a value is always escaped: a product name must not add markup.
        #expect(MessageTemplates.problems(in: "{{{page_url}}} {{&shop_name}}", html: true).count == 2)
        // A list inside a list would render its lines again for every line: refused, however deep.
        #expect(MessageTemplates.problems(in: "{{#items}}{{#items}}{{name}}{{/items}}{{/items}}")
                == ["{{#items}}: a list inside a list is not allowed"])
        #expect(MessageTemplates.problems(in: "{{#items}}{{#remedies}}{{label}}{{/remedies}}{{/items}}").count == 1)
        #expect(MessageTemplates.problems(in: "{{#arrival}}{{#amount}}{{#deadline}}{{#carrier}}{{#page_url}}x{{/page_url}}{{/carrier}}{{/deadline}}{{/amount}}{{/arrival}}")
                == ["{{#page_url}}: at most 4 sections may be open at once"])
    }

    @Test func settingsNameWhatToFix() {
        var settings = MessageSettings.standard
        settings.kinds = [.shipped]
        settings.coalesceMinutes = 999
        do {
            try settings.validate(canSendEmail: false, hasPage: false)
            Issue.record("accepted")
        } catch .validation(let errors) {
            #expect(Set(errors.map(\.field)) == ["coalesce_minutes", "from_address", "channels", "kinds"])
        } catch {
            Issue.record("\(error)")
        }
        #expect(MessageSettings.isEmailAddress("ana@example.com") && !MessageSettings.isEmailAddress("ana@example.com>\r\nBcc: x@y.z"))
        #expect(!MessageSettings.isEmailAddress("ana example.com") && !MessageSettings.isEmailAddress("ana@localhost"))
    }
}
