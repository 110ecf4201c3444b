import Foundation

/// Where a cash-on-delivery order stands with its customer's confirmation.
public enum OrderConfirmation: String, Sendable, Codable, CaseIterable {
    case awaiting, confirmed
}

/// Regret before dispatch, for orders paid at the door: the customer confirms they still want it
/// before it ships, and an unconfirmed one is flagged at risk of going back (RTO).
extension OrderRecord {
    /// Nil for an order paid at checkout.
    public var confirmation: OrderConfirmation? {
        guard cashOnDelivery else { return nil }
        return confirmedAt == nil ? .awaiting : .confirmed
    }

    /// Cash on delivery, not confirmed, not cancelled, and no parcel with the carrier yet: the
    /// moment to call the customer or hold the parcel back.
    public var rtoRisk: Bool {
        confirmation == .awaiting && status != .cancelled && !shipments.contains { $0.shippedAt != nil }
    }

    /// The customer confirms the order they will pay for at the door, until it is delivered; once
    /// (again changes nothing). Returns when it was confirmed.
    @discardableResult
    public mutating func confirm(now: Date) throws(DomainError) -> Date {
        guard cashOnDelivery else { throw .conflict("This order is paid already: there is nothing to confirm.") }
        guard status != .cancelled else { throw .conflict("This order is cancelled: there is nothing to confirm.") }
        if let confirmedAt { return confirmedAt }
        guard status != .delivered else { throw .conflict("This order is delivered: there is nothing left to confirm.") }
        confirmedAt = now
        return now
    }
}
