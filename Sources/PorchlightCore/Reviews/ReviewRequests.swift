import Foundation

/// The merchant's choices for review requests.
public struct ReviewSettings: Sendable, Equatable {
    public static let requestDelayDaysRange = 0...30
    public static let `default` = ReviewSettings(requestDelayDays: 3)

    /// Days after delivery before asking: time to unpack and use what came.
    public var requestDelayDays: Int
    /// Whether due requests are announced with `review.requested` (a merchant whose messaging
    /// stack reads `GET /v1/review-requests` instead may turn the events off).
    public var announceRequests: Bool

    public init(requestDelayDays: Int, announceRequests: Bool = true) {
        self.requestDelayDays = requestDelayDays
        self.announceRequests = announceRequests
    }

    public static func validated(requestDelayDays: Int, announceRequests: Bool) throws(DomainError) -> ReviewSettings {
        var v = Validator()
        v.range(requestDelayDays, "request_delay_days", requestDelayDaysRange)
        try v.finish()
        return ReviewSettings(requestDelayDays: requestDelayDays, announceRequests: announceRequests)
    }
}

/// A delivered shipment whose lines are waiting for a review, as the store finds it.
public struct ReviewCandidate: Sendable, Equatable {
    public var orderID: UUID
    public var orderNumber: String
    public var orderStatus: OrderStatus
    public var shipmentID: UUID
    public var customer: Customer
    public var deliveredAt: Date
    /// The lines the shipment carried that have no review yet.
    public var skus: [String]
    /// The time zone of the location the shipment left from; UTC when it has none.
    public var timeZone: TimeZone
    /// When `review.requested` announced it, if it has been.
    public var requestedAt: Date?

    public init(orderID: UUID, orderNumber: String, orderStatus: OrderStatus, shipmentID: UUID, customer: Customer, deliveredAt: Date,
                skus: [String], timeZone: TimeZone, requestedAt: Date? = nil) {
        self.requestedAt = requestedAt
        self.orderID = orderID
        self.orderNumber = orderNumber
        self.orderStatus = orderStatus
        self.shipmentID = shipmentID
        self.customer = customer
        self.deliveredAt = deliveredAt
        self.skus = skus
        self.timeZone = timeZone
    }
}

/// When to ask for a review: the merchant's delay after delivery, moved into daytime (10:00 to
/// 20:00) so that the message does not arrive at night. The customer's own time zone is not
/// known; the shipment's location's stands in for it (most merchants ship within their zone).
public enum ReviewRequests {
    public static let daytimeStartsMinutes = 10 * 60
    public static let daytimeEndsMinutes = 20 * 60
    /// `review.requested` is not sent for a request due longer ago than this (the service was
    /// down, or reviews were just switched on): asking weeks after delivery reads as spam.
    public static let staleAfterDays = 7

    public static func dueAt(deliveredAt: Date, settings: ReviewSettings, timeZone: TimeZone) -> Date {
        let after = deliveredAt.addingTimeInterval(Double(settings.requestDelayDays) * 86_400)
        let day = LocalDate(after, in: timeZone)
        // Compared as instants, not as minutes since midnight: a day that changes the clock is
        // an hour shorter or longer.
        let opens = day.instant(atMinute: daytimeStartsMinutes, in: timeZone)
        if after < opens { return opens }
        if after >= day.instant(atMinute: daytimeEndsMinutes, in: timeZone) {
            return day.adding(days: 1).instant(atMinute: daytimeStartsMinutes, in: timeZone)
        }
        return after
    }

    /// The candidates due by `dueBefore`, each with its due time, while its lines can still be
    /// reviewed (`ReviewRules.windowDays` after delivery).
    public static func due(_ candidates: [ReviewCandidate], settings: ReviewSettings, by dueBefore: Date, now: Date)
        -> [(candidate: ReviewCandidate, dueAt: Date)] {
        candidates.compactMap { candidate in
            let dueAt = dueAt(deliveredAt: candidate.deliveredAt, settings: settings, timeZone: candidate.timeZone)
            let open = ReviewRules.isOpen(deliveredAt: candidate.deliveredAt, now: now)
            return dueAt <= dueBefore && open && !candidate.skus.isEmpty ? (candidate, dueAt) : nil
        }
    }

    /// The requests to announce with `review.requested` now: due, and not stale.
    public static func toSend(_ candidates: [ReviewCandidate], settings: ReviewSettings, now: Date)
        -> [(candidate: ReviewCandidate, dueAt: Date)] {
        due(candidates, settings: settings, by: now, now: now).filter { $0.dueAt >= now.addingTimeInterval(-Double(staleAfterDays) * 86_400) }
    }

    /// The deliveries that may hold a request to send now: due no later than now, and no
    /// earlier than `staleAfterDays` ago (`dueAt` is at most a day after the delay has passed).
    public static func deliveriesToSend(settings: ReviewSettings, now: Date) -> (from: Date, to: Date) {
        let to = deliveries(dueBefore: now, settings: settings, now: now).to
        return (to.addingTimeInterval(-Double(staleAfterDays + 1) * 86_400), to)
    }

    /// The deliveries that may hold a request due by `dueBefore`: a request is never due before
    /// its delay has passed (`dueAt` only moves later), and lines close after the review window.
    public static func deliveries(dueBefore: Date, settings: ReviewSettings, now: Date) -> (from: Date, to: Date) {
        (now.addingTimeInterval(-Double(ReviewRules.windowDays) * 86_400),
         dueBefore.addingTimeInterval(-Double(settings.requestDelayDays) * 86_400))
    }
}
