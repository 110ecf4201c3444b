import Foundation

/// A date without a time of day, in some place's local calendar, counted in days since 1970-01-01
/// so that day arithmetic is plain integer arithmetic.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let daysSinceEpoch: Int

    public init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// `YYYY-MM-DD`; nil for anything else, including impossible dates such as 2026-02-30.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public init(year: Int, month: Int, day: Int) {
        // Days from civil (proleptic Gregorian), after Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        daysSinceEpoch = era * 146_097 + dayOfEra - 719_468
    }

    /// The local date of an instant in a time zone.
    public init(_ instant: Date, in timeZone: TimeZone) {
        let seconds = Int((instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))).rounded(.down))
        daysSinceEpoch = Int((Double(seconds) / 86_400).rounded(.down))
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public var weekday: Weekday {
        Weekday.allCases[weekdayIndex]
    }

    /// Monday is 0; 1970-01-01 was a Thursday.
    var weekdayIndex: Int { ((daysSinceEpoch % 7) + 7 + 3) % 7 }

    public func adding(days: Int) -> LocalDate {
        LocalDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    public func days(since other: LocalDate) -> Int {
        daysSinceEpoch - other.daysSinceEpoch
    }

    /// The instant this date's local clock shows `minutes` after midnight. Across a DST gap the
    /// clock time that does not exist resolves to the first instant after it.
    public func instant(atMinute minutes: Int, in timeZone: TimeZone) -> Date {
        let (year, month, day) = components
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = DateComponents(year: year, month: month, day: day, hour: minutes / 60, minute: minutes % 60)
        return calendar.date(from: parts) ?? Date(timeIntervalSince1970: Double(daysSinceEpoch * 86_400 + minutes * 60))
    }

    /// `YYYY-MM-DD` (built by hand: `String(format:)` costs more than the rest of a document).
    public var description: String {
        let (year, month, day) = components
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        lhs.daysSinceEpoch < rhs.daysSinceEpoch
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

public enum Weekday: String, Sendable, CaseIterable, Codable {
    case mon, tue, wed, thu, fri, sat, sun

    public static let mondayToFriday: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri]
    public static let mondayToSaturday: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri, .sat]
}

/// The days on which something happens (a warehouse works, a carrier picks up or delivers):
/// some weekdays, minus holidays.
public struct WorkCalendar: Sendable, Equatable {
    /// One bit per weekday, Monday first: the check runs for every day of every quote.
    private let weekdayBits: UInt8
    public let holidays: Set<LocalDate>

    public init(days: Set<Weekday>, holidays: Set<LocalDate> = []) {
        weekdayBits = days.reduce(0) { $0 | Self.bit($1) }
        self.holidays = holidays
    }

    public var days: Set<Weekday> { Set(Weekday.allCases.filter { weekdayBits & Self.bit($0) != 0 }) }

    private static func bit(_ day: Weekday) -> UInt8 {
        1 << UInt8(Weekday.allCases.firstIndex(of: day)!)
    }

    public func isOpen(_ date: LocalDate) -> Bool {
        weekdayBits & (1 << UInt8(date.weekdayIndex)) != 0 && (holidays.isEmpty || !holidays.contains(date))
    }

    /// The first open day on or after `date` (`date` itself when open). A calendar with no open
    /// day is refused by validation; the bound only guards against looping forever.
    public func firstOpen(onOrAfter date: LocalDate) -> LocalDate {
        var day = date
        while !isOpen(day) && day.days(since: date) < 400 { day = day.adding(days: 1) }
        return day
    }

    /// The date `count` open days after `date` (`date` itself for zero).
    public func advance(_ date: LocalDate, by count: Int) -> LocalDate {
        var day = date
        var remaining = count
        while remaining > 0 {
            day = firstOpen(onOrAfter: day.adding(days: 1))
            remaining -= 1
        }
        return day
    }

    /// Open days in (`start`, `end`]: how many open days it took to get from one to the other.
    public func openDays(after start: LocalDate, through end: LocalDate) -> Int {
        guard end > start else { return 0 }
        var count = 0
        var day = start.adding(days: 1)
        while day <= end {
            if isOpen(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }
}
