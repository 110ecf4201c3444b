/// Quantities of one order line.
public struct LineQuantities: Sendable, Equatable {
    public var ordered: Int
    public var cancelled: Int
    public var shipped: Int

    public init(ordered: Int, cancelled: Int, shipped: Int) {
        self.ordered = ordered
        self.cancelled = cancelled
        self.shipped = shipped
    }

    /// What may still be shipped or cancelled.
    public var open: Int { ordered - cancelled - shipped }
}

public enum OrderRollup {
    /// The order's status from its lines and the current status of each of its shipments.
    ///
    /// A shipment that needs attention makes the order need attention; otherwise the order is as far
    /// along as its least advanced part, and among parcels on their way the one the customer must act
    /// on (a missed delivery, a parcel waiting at a pickup point) is what the order shows.
    public static func status(lines: [LineQuantities], shipments: [TrackingStatus]) -> OrderStatus {
        let active = lines.reduce(0) { $0 + $1.ordered - $1.cancelled }
        if active == 0 { return .cancelled }
        if shipments.isEmpty { return .processing }
        if shipments.contains(where: { $0 == .exception || $0 == .returnedToSender }) { return .exception }

        let allShipped = lines.allSatisfy { $0.open == 0 }
        let deliveredCount = shipments.count { $0 == .delivered }
        if allShipped && deliveredCount == shipments.count { return .delivered }
        if deliveredCount > 0 { return .partiallyDelivered }
        if !allShipped { return .partiallyShipped }

        let mostUrgent: [(TrackingStatus, OrderStatus)] = [
            (.attemptedDelivery, .attemptedDelivery),
            (.availableForPickup, .availableForPickup),
            (.outForDelivery, .outForDelivery),
            (.inTransit, .inTransit),
        ]
        return mostUrgent.first { shipments.contains($0.0) }?.1 ?? .shipped
    }
}
