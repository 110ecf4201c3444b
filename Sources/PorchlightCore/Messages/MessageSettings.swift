import Foundation

/// The merchant's choices for messages to customers: nothing is sent until kinds are switched on.
public struct MessageSettings: Sendable, Equatable {
    public static let coalesceMinutesRange = 0...240
    public static let dailyCapRange = 1...20
    public static let standard = MessageSettings(kinds: [], channels: [.email], fromAddress: nil, fromName: nil, replyTo: nil,
                                                 quietHours: .standard, coalesceMinutes: 30, dailyCap: 3)

    public var kinds: Set<MessageKind>
    public var channels: Set<MessageChannel>
    public var fromAddress: String?
    /// Unset: the page's store name.
    public var fromName: String?
    public var replyTo: String?
    /// Its start equal to its end: messages go out at any hour.
    public var quietHours: QuietHours
    /// How long a tracking update waits for the next one.
    public var coalesceMinutes: Int
    /// Tracking updates per order and channel in 24 hours.
    public var dailyCap: Int
    /// When kinds were switched on after none were (the store keeps it): nothing that happened
    /// before is messaged about.
    public var switchedOnAt: Date?

    public init(kinds: Set<MessageKind>, channels: Set<MessageChannel>, fromAddress: String?, fromName: String?, replyTo: String?,
                quietHours: QuietHours, coalesceMinutes: Int, dailyCap: Int, switchedOnAt: Date? = nil) {
        self.switchedOnAt = switchedOnAt
        (self.kinds, self.channels, self.fromAddress, self.fromName, self.replyTo) = (kinds, channels, fromAddress, fromName, replyTo)
        (self.quietHours, self.coalesceMinutes, self.dailyCap) = (quietHours, coalesceMinutes, dailyCap)
    }

    /// Whether a message of this kind may still go out on this channel (the merchant may have
    /// switched either off since it was planned).
    public func allows(_ kind: MessageKind, on channel: MessageChannel) -> Bool {
        kinds.contains(kind) && channels.contains(channel) && (channel != .email || fromAddress != nil)
    }

    /// Checks the settings; `canSendEmail` is whether this service has an SMTP server, `hasPage`
    /// whether the merchant has a page for the messages to link to.
    public func validate(canSendEmail: Bool, hasPage: Bool) throws(DomainError) {
        var v = Validator()
        v.range(coalesceMinutes, "coalesce_minutes", Self.coalesceMinutesRange)
        v.range(dailyCap, "daily_cap", Self.dailyCapRange)
        v.text(fromName, "from_name", min: 1, max: 100)
        for (field, address) in [("from_address", fromAddress), ("reply_to", replyTo)] {
            if let address, !Self.isEmailAddress(address) { v.fail(field, "must be an email address such as orders@shop.example") }
        }
        if channels.contains(.email) {
            if fromAddress == nil { v.fail("from_address", "is required when channels include email") }
            if !canSendEmail { v.fail("channels", "email needs an SMTP server, and this service has no SMTP_URL: ask its operator, or use webhook") }
        }
        if !kinds.isEmpty, !hasPage { v.fail("kinds", "every message links to the customer's page: set it up first (PUT /v1/tracking-page)") }
        try v.finish()
    }

    /// An address a mail server takes: one `@`, something either side, no spaces or angle
    /// brackets (which would let a value add header fields), a dot in the domain.
    public static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              text.count <= 254 else { return false }
        return !text.contains { $0.isWhitespace || "<>,;:\"()[]\\".contains($0) || $0.asciiValue.map { $0 < 32 } ?? false }
    }
}

/// The hours no message goes out, in the customer's time zone; `start` may be after `end`
/// (the night, 21:00 to 08:00).
public struct QuietHours: Sendable, Equatable {
    public static let standard = QuietHours(startMinute: 21 * 60, endMinute: 8 * 60)

    public var startMinute: Int
    public var endMinute: Int

    public init(startMinute: Int, endMinute: Int) { (self.startMinute, self.endMinute) = (startMinute, endMinute) }

    /// "21:00" and "08:00"; nil for a text that is not a time of day.
    public init?(start: String, end: String) {
        guard let startMinute = Self.minute(start), let endMinute = Self.minute(end) else { return nil }
        self.init(startMinute: startMinute, endMinute: endMinute)
    }

    public var startText: String { Self.text(startMinute) }
    public var endText: String { Self.text(endMinute) }

    static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        return hour * 60 + minute
    }

    static func text(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }

    /// The first instant at or after `instant` outside the quiet hours in `timeZone`.
    public func firstAllowed(atOrAfter instant: Date, in timeZone: TimeZone) -> Date {
        guard startMinute != endMinute else { return instant }
        let day = LocalDate(instant, in: timeZone)
        // Compared as instants: a day that changes the clock is an hour shorter or longer.
        for offset in -1...1 {
            let date = day.adding(days: offset)
            let starts = date.instant(atMinute: startMinute, in: timeZone)
            let ends = startMinute < endMinute ? date.instant(atMinute: endMinute, in: timeZone)
                                               : date.adding(days: 1).instant(atMinute: endMinute, in: timeZone)
            if instant >= starts, instant < ends { return ends }
        }
        return instant
    }
}
