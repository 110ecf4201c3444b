/// The days a page analytics read covers: the last 30 unless told, at most 366, `from` not after `to`.
public enum PageAnalyticsPeriod {
    public static let defaultDays = 30
    public static let longestDays = 366

    public static func days(from: String?, to: String?, today: LocalDate) throws(DomainError) -> (from: LocalDate, to: LocalDate) {
        var v = Validator()
        let end = to.flatMap(LocalDate.init) ?? today
        let start = from.flatMap(LocalDate.init) ?? LocalDate(daysSinceEpoch: end.daysSinceEpoch - (defaultDays - 1))
        if let to { v.check(LocalDate(to) != nil, "to", "must be a date, YYYY-MM-DD") }
        if let from { v.check(LocalDate(from) != nil, "from", "must be a date, YYYY-MM-DD") }
        if v.errors.isEmpty {
            v.check(start <= end, "from", "must not be after to")
            v.check(end.daysSinceEpoch - start.daysSinceEpoch < longestDays, "from", "must be at most \(longestDays) days before to")
        }
        try v.finish()
        return (start, end)
    }
}
