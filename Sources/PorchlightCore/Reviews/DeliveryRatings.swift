import Foundation

/// The customer's rating of how a shipment's delivery went (1 to 5, an optional comment), kept
/// apart from product reviews so that a late parcel does not cost the product a star.
public struct DeliveryRatingDraft: Sendable, Equatable {
    public var shipmentID: UUID
    public var rating: Int
    public var comment: String?

    public init(shipmentID: UUID, rating: Int, comment: String?) {
        self.shipmentID = shipmentID
        self.rating = rating
        self.comment = comment
    }

    public func validate() throws(DomainError) -> DeliveryRatingDraft {
        var v = Validator()
        v.range(rating, "rating", 1...5)
        v.text(comment, "comment", max: 2000)
        try v.finish()
        return self
    }
}

public struct DeliveryRating: Sendable, Equatable {
    public var shipmentID: UUID
    public var orderID: UUID
    public var carrier: String
    public var serviceLevel: String?
    public var rating: Int
    public var comment: String?
    public var submittedBy: Submitter
    public var createdAt: Date

    public init(shipmentID: UUID, orderID: UUID, carrier: String, serviceLevel: String?, rating: Int, comment: String?,
                submittedBy: Submitter, createdAt: Date) {
        self.shipmentID = shipmentID
        self.orderID = orderID
        self.carrier = carrier
        self.serviceLevel = serviceLevel
        self.rating = rating
        self.comment = comment
        self.submittedBy = submittedBy
        self.createdAt = createdAt
    }

    /// A rating of a shipment of `order` that was delivered, within the review window of its
    /// delivery (`ReviewRules.windowDays`).
    public static func rating(_ draft: DeliveryRatingDraft, of order: OrderRecord, by submitter: Submitter, now: Date)
        throws(DomainError) -> DeliveryRating {
        guard let shipment = order.shipments.first(where: { $0.id == draft.shipmentID }) else {
            throw .validation([FieldError(field: "shipment_id", message: "is not a shipment of this order")])
        }
        guard shipment.status == .delivered, let deliveredAt = shipment.deliveredAt else {
            throw .validation([FieldError(field: "shipment_id", message: "cannot be rated before it is delivered")])
        }
        guard ReviewRules.isOpen(deliveredAt: deliveredAt, now: now) else {
            throw .validation([FieldError(field: "shipment_id",
                                          message: "can no longer be rated: ratings close \(ReviewRules.windowDays) days after delivery")])
        }
        return DeliveryRating(shipmentID: shipment.id, orderID: order.id, carrier: shipment.carrier, serviceLevel: shipment.serviceLevel,
                              rating: draft.rating, comment: draft.comment, submittedBy: submitter, createdAt: now)
    }
}
