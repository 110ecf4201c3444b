import Foundation

/// National public holidays, for calendars that should close on them (the backtest's merchant
/// gets its origin country's). Only countries with a table here have any.
public enum PublicHolidays {
    /// The country's holidays in the given years; empty for a country without a table.
    public static func dates(country: String, years: ClosedRange<Int>) -> Set<LocalDate> {
        switch country {
        case "BR": Set(years.flatMap(brazil))
        default: []
        }
    }

    /// Brazil's national holidays (laws 662/1949, 6.802/1980, 10.607/2002 and, from 2024,
    /// 14.759/2023), and the days around Easter that commerce and carriers close for too: Carnival
    /// Monday and Tuesday, Good Friday and Corpus Christi.
    static func brazil(_ year: Int) -> [LocalDate] {
        let blackConsciousness = year >= 2024 ? [(11, 20)] : []
        let fixed = ([(1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25)] + blackConsciousness)
            .map { LocalDate(year: year, month: $0.0, day: $0.1) }
        let easter = easterSunday(year)
        return fixed + [-48, -47, -2, 60].map { easter.adding(days: $0) }
    }

    /// Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, as in Meeus).
    static func easterSunday(_ year: Int) -> LocalDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)
    }
}
