import Foundation

/// The customer page's choices of language and how it writes times.
extension CustomerLanguage {
    /// The page's language: the one the customer picked on the page, else the best of
    /// `Accept-Language`, else the customer's stored locale, else English.
    public static func forPage(picked: CustomerLanguage?, acceptLanguage: String?, storedLocale: String?) -> CustomerLanguage {
        picked ?? negotiate(acceptLanguage, storedLocale: storedLocale)
    }

    /// The language's name in itself, for the language picker.
    public var nativeName: String {
        switch self {
        case .en: "English"
        case .es: "Español"
        case .ro: "Română"
        case .id: "Bahasa Indonesia"
        case .ru: "Русский"
        case .zhHans: "简体中文"
        case .ptBR: "Português (Brasil)"
        case .de: "Deutsch"
        case .fr: "Français"
        case .it: "Italiano"
        case .pl: "Polski"
        case .tr: "Türkçe"
        case .nl: "Nederlands"
        }
    }

    /// An RFC 3339 instant written the local way in the offset it was given in (a carrier scan's
    /// own time): "26 Nov, 14:05" in English, "26 nov 14:05" in Spanish. Text that is not an
    /// instant is returned as it is.
    public func formatInstant(_ text: String) -> String {
        guard let instant = APITime.instant(text) else { return text }
        let zone = Self.offset(of: text).flatMap(TimeZone.init(secondsFromGMT:)) ?? .gmt
        let style = Date.FormatStyle(timeZone: zone).day().month(.abbreviated).hour().minute()
            .locale(Locale(identifier: localeIdentifier))
        return instant.formatted(style)
    }

    /// A weekday's short name in this language ("Mon", "lun.").
    public func shortName(_ day: Weekday) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.locale = Locale(identifier: localeIdentifier)
        // The calendar's symbols start on Sunday.
        return calendar.shortWeekdaySymbols[(Weekday.allCases.firstIndex(of: day)! + 1) % 7]
    }

    /// An instant written the local way in a place's time zone (a deadline where the customer is).
    public func formatInstant(_ instant: Date, in timeZone: TimeZone) -> String {
        instant.formatted(Date.FormatStyle(timeZone: timeZone).day().month(.abbreviated).hour().minute().locale(Locale(identifier: localeIdentifier)))
    }

    /// The seconds east of UTC that an RFC 3339 text ends with (`Z` is 0).
    static func offset(of text: String) -> Int? {
        if text.hasSuffix("Z") || text.hasSuffix("z") { return 0 }
        let tail = text.suffix(6)
        guard tail.count == 6, let sign = tail.first, sign == "+" || sign == "-",
              let hours = Int(tail.dropFirst().prefix(2)), let minutes = Int(tail.suffix(2)) else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }
}
