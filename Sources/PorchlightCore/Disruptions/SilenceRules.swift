import Foundation

extension WorkCalendar {
    /// The hours between `start` and `end` that fall on the calendar's open days, the days
    /// counted in `timeZone`: how long a parcel has been silent in working time. Counting stops
    /// at `limit` hours (the caller needs no more), so an old parcel costs no more than a new one.
    public func openHours(from start: Date, to end: Date, in timeZone: TimeZone, atMost limit: Double = .infinity) -> Double {
        guard end > start else { return 0 }
        var seconds = 0.0
        var day = LocalDate(start, in: timeZone)
        let last = LocalDate(end, in: timeZone)
        while day <= last, seconds < limit * 3600 {
            if isOpen(day) {
                let opens = day.instant(atMinute: 0, in: timeZone)
                let closes = day.adding(days: 1).instant(atMinute: 0, in: timeZone)
                seconds += max(0, min(end, closes).timeIntervalSince(max(start, opens)))
            }
            day = day.adding(days: 1)
        }
        return min(seconds / 3600, limit)
    }
}

/// How long a parcel may stay silent before it is a disruption, in working hours.
public struct DisruptionThresholds: Sendable, Equatable {
    /// A label created and no carrier scan since: the parcel was forgotten at the warehouse.
    public var labelWithoutScanHours: Double
    /// On its way and no scan since: a delay, and twice as long a long delay.
    public var silentInTransitHours: Double
    /// The working days silence is counted in.
    public var calendar: WorkCalendar

    public init(labelWithoutScanHours: Double, silentInTransitHours: Double, calendar: WorkCalendar) {
        (self.labelWithoutScanHours, self.silentInTransitHours, self.calendar) = (labelWithoutScanHours, silentInTransitHours, calendar)
    }

    /// A day without a first scan, two days without a scan on the way, Monday to Friday.
    public static let standard = DisruptionThresholds(labelWithoutScanHours: 24, silentInTransitHours: 48,
                                                      calendar: WorkCalendar(days: Weekday.mondayToFriday))
}
