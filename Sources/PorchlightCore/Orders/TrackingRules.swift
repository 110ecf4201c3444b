import Foundation

/// What the timeline of a shipment adds up to.
public struct ShipmentProgress: Sendable, Equatable {
    public var status: TrackingStatus
    public var substatus: TrackingSubstatus?
    /// The first carrier scan after the label: the hand-off to the carrier.
    public var shippedAt: Date?
    public var deliveredAt: Date?
    /// When the event that decided the status happened.
    public var decidedAt: Date?
}

/// The part of a tracking event the status rules look at.
public struct TimelineEntry: Sendable, Equatable {
    public var status: TrackingStatus
    public var substatus: TrackingSubstatus?
    public var occurredAt: Date

    public init(status: TrackingStatus, substatus: TrackingSubstatus?, occurredAt: Date) {
        self.status = status
        self.substatus = substatus
        self.occurredAt = occurredAt
    }
}

public enum TrackingRules {
    /// Derives a shipment's current status from its events, in whatever order they arrived.
    ///
    /// The latest event by carrier time wins, except that carriers' clocks and feeds are not to be
    /// trusted blindly: a return to sender is final; once delivered, only a return to sender changes
    /// the status (a late "in transit" scan does not un-deliver a parcel); and a late "info received"
    /// (a reprinted label) never moves a parcel that is already moving back.
    public static func progress(of events: [TimelineEntry]) -> ShipmentProgress {
        let timeline = events.sorted { $0.occurredAt < $1.occurredAt }
        let shippedAt = timeline.first { $0.status != .infoReceived }?.occurredAt
        let deliveredAt = timeline.first { $0.status == .delivered }?.occurredAt

        let deciding: TimelineEntry?
        if let returned = timeline.last(where: { $0.status == .returnedToSender }) {
            deciding = returned
        } else if deliveredAt != nil {
            deciding = timeline.last { $0.status == .delivered }
        } else {
            deciding = timeline.last { $0.status != .infoReceived } ?? timeline.last
        }
        return ShipmentProgress(
            status: deciding?.status ?? .pending,
            substatus: deciding?.substatus,
            shippedAt: shippedAt,
            deliveredAt: deliveredAt,
            decidedAt: deciding?.occurredAt
        )
    }
}
