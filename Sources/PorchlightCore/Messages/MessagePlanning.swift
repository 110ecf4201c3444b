import Foundation

/// What to do about messages when something happens to an order. Events only say that
/// something changed; what a message says is read from the order as it is now, so that a
/// message that waited (coalescing, quiet hours) carries the latest state, never an older one.
///
/// Each message is about a *topic*: every tracking update of the order shares one (so a
/// scheduled one is replaced by the next), each delivery exception, each step of each return,
/// the order's confirmation and each review request has its own.
public enum MessagePlanning {
    /// An event older than this asks for no message: after an outage, news of two days ago reads
    /// as spam (review requests have the same rule: `ReviewRequests.staleAfterDays`).
    public static let staleAfter: TimeInterval = 2 * 86_400

    public static let trackingTopic = "tracking"

    /// The topic an event is news about; nil for an event no message is about.
    public static func topic(of type: EventType, data: [String: JSONValue]) -> String? {
        func field(_ name: String) -> String? { if case .string(let value)? = data[name] { value } else { nil } }
        switch type {
        case .orderCreated, .orderConfirmed: return "order"
        case .shipmentStatusChanged, .alertOpened, .alertEscalated, .alertResolved, .orderCancelled: return trackingTopic
        case .deliveryExceptionOpened, .deliveryExceptionClosed, .deliveryActionRequested:
            return field("exception_id").map { "exception:\($0)" }
        case .returnApproved: return field("return_id").map { "return:\($0):approved" }
        case .returnReceived: return field("return_id").map { "return:\($0):received" }
        case .returnResolved: return field("return_id").map { "return:\($0):settled" }
        case .reviewRequested: return field("shipment_id").map { "review:\($0)" }
        default: return nil
        }
    }

    /// The message the topic calls for in the order's present state; nil when it calls for none
    /// (the exception was answered, the alert resolved, the parcel has not left yet).
    public static func kind(of topic: String, in order: OrderRecord) -> MessageKind? {
        let parts = topic.split(separator: ":").map(String.init)
        switch parts.first {
        case "order":
            return order.confirmation == .awaiting ? nil : .orderConfirmed
        case trackingTopic:
            return trackingKind(order)
        case "exception":
            guard parts.count == 2, let id = UUID(uuidString: parts[1]) else { return nil }
            return order.deliveryExceptions.first { $0.id == id && $0.status == .open } == nil ? nil : .deliveryFailed
        case "return":
            guard parts.count == 3, let id = UUID(uuidString: parts[1]), let record = order.returns.first(where: { $0.id == id }) else { return nil }
            switch parts[2] {
            case "approved": return record.decision == .approved ? .returnApproved : nil
            case "received": return record.logistics == .received ? .returnReceived : nil
            case "settled":
                return switch record.money {
                case .credited: .storeCreditIssued
                case .refunded, .kept, .exchanged: .returnSettled
                case .pending, .reshipped, .none: nil
                }
            default: return nil
            }
        case "review":
            return .reviewRequested
        default:
            return nil
        }
    }

    /// The latest tracking news: delivered, out for delivery, running late, or on its way.
    static func trackingKind(_ order: OrderRecord) -> MessageKind? {
        switch order.status {
        case .delivered: return .delivered
        case .outForDelivery: return .outForDelivery
        case .processing, .cancelled: return nil
        case .partiallyShipped, .shipped, .inTransit, .availableForPickup, .attemptedDelivery, .partiallyDelivered, .exception:
            return order.alert != nil ? .runningLate : .shipped
        }
    }

    /// A message of the topic already scheduled for the order and channel.
    public struct Scheduled: Sendable, Equatable {
        public var kind: MessageKind
        public var sendAfter: Date
        public init(kind: MessageKind, sendAfter: Date) { (self.kind, self.sendAfter) = (kind, sendAfter) }
    }

    /// What is known about the order's messages of one topic and channel when an event arrives.
    public struct Situation: Sendable {
        public var kind: MessageKind?
        public var eventAt: Date
        public var scheduled: Scheduled?
        /// The kinds of this topic already sent (or being sent) to the order on this channel.
        public var sent: Set<MessageKind>
        /// Tracking updates sent or scheduled for the order on this channel in the last 24 hours.
        public var trackingUpdatesToday: Int
        /// The customer turned this kind (or every kind) off.
        public var optedOut: Bool

        public init(kind: MessageKind?, eventAt: Date, scheduled: Scheduled?, sent: Set<MessageKind>, trackingUpdatesToday: Int, optedOut: Bool) {
            (self.kind, self.eventAt, self.scheduled, self.sent) = (kind, eventAt, scheduled, sent)
            (self.trackingUpdatesToday, self.optedOut) = (trackingUpdatesToday, optedOut)
        }
    }

    public enum Decision: Sendable, Equatable {
        /// A new message, to go out at `sendAfter`.
        case schedule(MessageKind, sendAfter: Date)
        /// The scheduled message now says this, and still goes out at its time (coalescing).
        case replace(MessageKind)
        /// A message that will not go out, recorded with why.
        case suppress(MessageKind, SuppressionReason)
        /// The scheduled message will not go out after all.
        case withdraw(SuppressionReason)
        case nothing
    }

    /// Decides for one topic of one order on one channel.
    public static func decide(_ situation: Situation, order: OrderRecord, settings: MessageSettings, now: Date) -> Decision {
        let withdrawn = { (reason: SuppressionReason) -> Decision in situation.scheduled == nil ? .nothing : .withdraw(reason) }
        if order.status == .cancelled {
            return withdrawn(.orderCancelled)
        }
        guard let kind = situation.kind else { return withdrawn(.noLongerRelevant) }
        guard settings.kinds.contains(kind) else { return withdrawn(.switchedOff) }
        // Switching messages on never messages customers about what happened before.
        if let switchedOnAt = settings.switchedOnAt, situation.eventAt < switchedOnAt, situation.scheduled == nil { return .nothing }
        let furthestSent = situation.sent.compactMap(\.trackingRank).max()
        guard !situation.sent.contains(kind), (kind.trackingRank ?? .max) > (furthestSent ?? -1) else { return withdrawn(.noLongerRelevant) }
        if situation.optedOut {
            return situation.scheduled == nil ? .suppress(kind, .optedOut) : .withdraw(.optedOut)
        }
        if let scheduled = situation.scheduled {
            return scheduled.kind == kind ? .nothing : .replace(kind)
        }
        // Old news is not sent: an order imported long after it was placed, a backfilled scan.
        let newsAt = min(situation.eventAt, newsTime(of: kind, in: order) ?? situation.eventAt)
        guard newsAt >= now.addingTimeInterval(-staleAfter) else { return .nothing }
        // The last news of a parcel, its delivery, is never held back by the cap.
        if kind.isTrackingUpdate, kind != .delivered, situation.trackingUpdatesToday >= settings.dailyCap {
            return .suppress(kind, .dailyCap)
        }
        return .schedule(kind, sendAfter: sendAfter(kind, now: now, destination: order.destination.country, settings: settings))
    }

    /// When what a message of `kind` says happened, where the order knows: the order placed (or
    /// confirmed), the latest scan of its parcels.
    static func newsTime(of kind: MessageKind, in order: OrderRecord) -> Date? {
        switch kind {
        case .orderConfirmed: order.confirmedAt ?? order.placedAt
        case .shipped, .outForDelivery, .delivered, .runningLate: order.shipments.flatMap(\.events).map { $0.reported.occurredAt }.max()
        case .reviewRequested, .deliveryFailed, .returnApproved, .returnReceived, .returnSettled, .storeCreditIssued: nil
        }
    }

    /// When a new message goes out: a tracking update waits for the next one, and nothing goes
    /// out in the quiet hours of the destination's time zone.
    public static func sendAfter(_ kind: MessageKind, now: Date, destination country: String, settings: MessageSettings) -> Date {
        let earliest = kind.isTrackingUpdate ? now.addingTimeInterval(Double(settings.coalesceMinutes) * 60) : now
        return settings.quietHours.firstAllowed(atOrAfter: earliest, in: Countries.timeZone(of: country))
    }
}
