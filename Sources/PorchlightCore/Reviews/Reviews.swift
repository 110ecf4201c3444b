import Foundation

/// A review of one order line as the customer submits it, checked against the limits the
/// contract declares (and the rules it cannot: an https photo URL with a host).
public struct ReviewDraft: Sendable, Equatable {
    public static let maximumPhotos = 5

    public var sku: String
    public var rating: Int
    public var title: String?
    public var text: String?
    public var displayName: String
    public var photoURLs: [String]
    /// Structured attributes, e.g. `fit: true_to_size`.
    public var attributes: [String: String]
    /// The customer was given something for the review; shown with it, as review feeds require.
    public var incentivised: Bool
    /// The customer asked for help rather than (or as well as) leaving a rating.
    public var needsHelp: Bool

    public init(sku: String, rating: Int, title: String?, text: String?, displayName: String, photoURLs: [String],
                attributes: [String: String], incentivised: Bool, needsHelp: Bool) {
        self.sku = sku
        self.rating = rating
        self.title = title
        self.text = text
        self.displayName = displayName
        self.photoURLs = photoURLs
        self.attributes = attributes
        self.incentivised = incentivised
        self.needsHelp = needsHelp
    }

    public func validate() throws(DomainError) -> ReviewDraft {
        var v = Validator()
        v.text(sku, "sku", min: 1, max: 100)
        v.range(rating, "rating", 1...5)
        v.text(title, "title", max: 150)
        v.text(text, "text", max: 5000)
        v.text(displayName, "display_name", min: 1, max: 60)
        v.check(displayName.contains { !$0.isWhitespace }, "display_name", "must not be blank")
        v.count(photoURLs.count, "photo_urls", 0...Self.maximumPhotos)
        for (index, url) in photoURLs.enumerated() {
            v.text(url, "photo_urls[\(index)]", min: 9, max: 2048)
            let parsed = URLComponents(string: url)
            v.check(parsed?.scheme?.lowercased() == "https" && parsed?.host?.isEmpty == false && parsed?.user == nil,
                    "photo_urls[\(index)]", "must be an https URL with a host and no credentials")
        }
        v.count(attributes.count, "attributes", 0...10)
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            // A name that breaks the rule is echoed only in part: it is the client's text.
            let field = "attributes.\(name.prefix(40))"
            v.check(name.range(of: "^[a-z][a-z0-9_]{0,39}$", options: .regularExpression) != nil,
                    field, "must be named with 1 to 40 lowercase letters, digits and '_', starting with a letter")
            v.text(value, field, min: 1, max: 60)
        }
        try v.finish()
        return self
    }
}

/// How the server decided the review is from a buyer: never set by a client.
public struct ReviewVerification: Sendable, Equatable {
    public enum Method: String, Sendable {
        /// The line was delivered to the order's customer.
        case deliveredOrder = "delivered_order"
    }

    public var method: Method
    public var orderID: UUID
    public var deliveredAt: Date

    public init(method: Method, orderID: UUID, deliveredAt: Date) {
        self.method = method
        self.orderID = orderID
        self.deliveredAt = deliveredAt
    }
}

/// What the customer is offered before (not instead of) the stars count: help comes first when
/// a rating is low or the customer asked for it.
public enum ReviewHelpOption: String, Sendable, Codable, CaseIterable {
    case contactSupport = "contact_support"
    /// The line may be returned (it is not final sale).
    case startReturn = "start_return"
    /// The order's delivery promise was missed: the merchant's delay remedies apply.
    case deliveryRemedy = "delivery_remedy"
}

/// The merchant's answer to a review: public (shown under it) or private (for the reviewer).
public struct ReviewReply: Sendable, Equatable {
    public var text: String
    public var isPublic: Bool
    public var repliedAt: Date

    public init(text: String, isPublic: Bool, repliedAt: Date) {
        self.text = text
        self.isPublic = isPublic
        self.repliedAt = repliedAt
    }

    public static func validated(text: String, isPublic: Bool, now: Date) throws(DomainError) -> ReviewReply {
        var v = Validator()
        v.text(text, "text", min: 1, max: 2000)
        v.check(text.contains { !$0.isWhitespace }, "text", "must not be blank")
        try v.finish()
        return ReviewReply(text: text, isPublic: isPublic, repliedAt: now)
    }
}

/// What the reviewer may change after submitting: the words and photos within
/// `ReviewRules.editableDays`; the rating only once, and only on a review that asked for help
/// (the problem solved, the customer may think better of it). Nil leaves a field as it is.
public struct ReviewEdit: Sendable, Equatable {
    public var rating: Int?
    public var title: String?
    public var text: String?
    public var displayName: String?
    public var photoURLs: [String]?

    public init(rating: Int? = nil, title: String?, text: String?, displayName: String?, photoURLs: [String]?) {
        self.rating = rating
        self.title = title
        self.text = text
        self.displayName = displayName
        self.photoURLs = photoURLs
    }

    var changesWords: Bool { title != nil || text != nil || displayName != nil || photoURLs != nil }
}

public struct ReviewRecord: Sendable, Equatable {
    public var id: UUID
    public var orderID: UUID
    public var sku: String
    public var rating: Int
    public var title: String?
    public var text: String?
    public var displayName: String
    public var photoURLs: [String]
    public var attributes: [String: String]
    public var incentivised: Bool
    public var verification: ReviewVerification
    public var submittedBy: Submitter
    /// Changed only by moderation and the reviewer's edit, as `ReviewStatus.allowed` says.
    public private(set) var status: ReviewStatus
    public private(set) var statusReason: String?
    public var helpRequested: Bool
    /// The rating first given, when the reviewer has since revised it (once, after asking for help).
    public var firstRating: Int?
    public var votes: ReviewVotes
    public var reply: ReviewReply?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, orderID: UUID, sku: String, rating: Int, title: String?, text: String?, displayName: String,
                photoURLs: [String], attributes: [String: String], incentivised: Bool, verification: ReviewVerification,
                submittedBy: Submitter, status: ReviewStatus, statusReason: String?, helpRequested: Bool, firstRating: Int? = nil,
                votes: ReviewVotes = ReviewVotes(helpful: 0, unhelpful: 0), reply: ReviewReply? = nil, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.orderID = orderID
        self.sku = sku
        self.rating = rating
        self.title = title
        self.text = text
        self.displayName = displayName
        self.photoURLs = photoURLs
        self.attributes = attributes
        self.incentivised = incentivised
        self.verification = verification
        self.submittedBy = submittedBy
        self.status = status
        self.statusReason = statusReason
        self.helpRequested = helpRequested
        self.firstRating = firstRating
        self.votes = votes
        self.reply = reply
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Applies the reviewer's edit: the words within `ReviewRules.editableDays` of submitting, a
    /// revised rating within `ReviewRules.ratingRevisableDays`; the result is checked like a new
    /// review. A published review goes back to moderation: what was approved is not what it says
    /// any more.
    public mutating func edit(_ edit: ReviewEdit, now: Date) throws(DomainError) {
        guard edit.changesWords || edit.rating != nil else {
            throw .validation([FieldError(field: "title", message: "give at least one of rating, title, text, display_name and photo_urls")])
        }
        // The rating restated, and nothing else: nothing changes (and nothing goes back to moderation).
        guard edit.changesWords || edit.rating != rating else { return }
        let age = now.timeIntervalSince(createdAt)
        if edit.changesWords && age > Double(ReviewRules.editableDays) * 86_400 {
            throw .conflict("The review's words can be edited for \(ReviewRules.editableDays) days after it was submitted; that time has passed.")
        }
        if let revised = edit.rating, revised != rating {
            guard helpRequested else {
                throw .conflict("The rating cannot be changed. Only a review that asked for help may revise its rating, once.")
            }
            guard firstRating == nil else {
                throw .conflict("The rating was revised once already (first \(firstRating ?? rating), now \(rating)); it cannot change again.")
            }
            guard age <= Double(ReviewRules.ratingRevisableDays) * 86_400 else {
                throw .conflict("The rating can be revised for \(ReviewRules.ratingRevisableDays) days after the review was submitted; that time has passed.")
            }
        }
        var draft = ReviewDraft(sku: sku, rating: edit.rating ?? rating, title: edit.title ?? title, text: edit.text ?? text,
                                displayName: edit.displayName ?? displayName, photoURLs: edit.photoURLs ?? photoURLs,
                                attributes: attributes, incentivised: incentivised, needsHelp: false)
        draft = try draft.validate()
        if draft.rating != rating { firstRating = rating }
        (rating, title, text, displayName, photoURLs, updatedAt) = (draft.rating, draft.title, draft.text, draft.displayName, draft.photoURLs, now)
        if status == .published || status == .hidden {
            try status.move(to: .pending)
            statusReason = "edited by the reviewer"
        }
    }

    /// Moves the review to `next`, or refuses with a conflict that names where it stands. Back to
    /// pending is the reviewer's edit, never a moderator's decision (the API cannot ask for it).
    public mutating func moderate(to next: ReviewStatus, reason: String?, now: Date) throws(DomainError) {
        guard next != .pending else { throw .validation([FieldError(field: "status", message: "must be published, rejected, spam or hidden")]) }
        try status.checkMove(to: next)
        var v = Validator()
        v.text(reason, "reason", max: 500)
        v.check(!next.needsReason || reason?.contains { !$0.isWhitespace } == true, "reason", "is required to make a review \(next.rawValue)")
        try v.finish()
        try status.move(to: next)
        (statusReason, updatedAt) = (reason, now)
    }
}

/// Who may review what, and what a submission starts.
public enum ReviewRules {
    /// Days after delivery a line can be reviewed.
    public static let windowDays = 90
    /// Days after submitting a reviewer can still edit the words and photos.
    public static let editableDays = 14
    /// Days after submitting a reviewer who asked for help can revise the rating: time for a
    /// return or a replacement to be settled.
    public static let ratingRevisableDays = 60
    /// A rating at or below this asks for help first.
    public static let helpRatingAtMost = 2

    /// When the line was delivered: the last delivery of a shipment that carried it (a line sent
    /// in two parcels is reviewable once the first arrives, for 90 days from the last). Refuses
    /// a line the order does not have, one not delivered yet, and one delivered too long ago.
    public static func deliveredAt(of sku: String, in order: OrderRecord, now: Date) throws(DomainError) -> Date {
        guard order.lines.contains(where: { $0.sku == sku }) else {
            throw .validation([FieldError(field: "sku", message: "is not a line of this order")])
        }
        let deliveries = order.shipments.filter { $0.status == .delivered && $0.lines.contains { $0.sku == sku } }.compactMap(\.deliveredAt)
        guard let deliveredAt = deliveries.max() else {
            throw .validation([FieldError(field: "sku", message: "cannot be reviewed before it is delivered")])
        }
        guard isOpen(deliveredAt: deliveredAt, now: now) else {
            throw .validation([FieldError(field: "sku", message: "can no longer be reviewed: reviews close \(windowDays) days after delivery")])
        }
        return deliveredAt
    }

    /// Whether every unit bought of a line was taken back (`ReturnRecord.unitsTakenBack`): the customer
    /// no longer has it, so it is not reviewed, nor asked about. Part of a line returned leaves
    /// the rest to review.
    public static func returnedInFull(purchased: Int, returned: Int) -> Bool {
        purchased > 0 && returned >= purchased
    }

    /// Whether a line delivered at `deliveredAt` can still be reviewed.
    public static func isOpen(deliveredAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(deliveredAt) <= Double(windowDays) * 86_400
    }

    /// A verified review of a delivered line that was not returned, pending moderation, with the
    /// help to offer first.
    public static func review(_ draft: ReviewDraft, of order: OrderRecord, by submitter: Submitter, id: UUID, now: Date)
        throws(DomainError) -> (review: ReviewRecord, help: [ReviewHelpOption]?) {
        let deliveredAt = try deliveredAt(of: draft.sku, in: order, now: now)
        if let line = order.lines.first(where: { $0.sku == draft.sku }),
           returnedInFull(purchased: line.quantity - line.cancelledQuantity,
                          returned: order.returnedQuantities[draft.sku] ?? 0) {
            throw .validation([FieldError(field: "sku", message: "can no longer be reviewed: it was returned")])
        }
        let help = help(for: draft, in: order)
        let review = ReviewRecord(
            id: id, orderID: order.id, sku: draft.sku, rating: draft.rating, title: draft.title, text: draft.text,
            displayName: draft.displayName, photoURLs: draft.photoURLs, attributes: draft.attributes, incentivised: draft.incentivised,
            verification: ReviewVerification(method: .deliveredOrder, orderID: order.id, deliveredAt: deliveredAt),
            submittedBy: submitter, status: .pending, statusReason: nil, helpRequested: help != nil, createdAt: now, updatedAt: now)
        return (review, help)
    }

    /// The help to offer first; nil when the rating is good and no help was asked for.
    public static func help(for draft: ReviewDraft, in order: OrderRecord) -> [ReviewHelpOption]? {
        guard draft.rating <= helpRatingAtMost || draft.needsHelp else { return nil }
        var options: [ReviewHelpOption] = [.contactSupport]
        if order.lines.contains(where: { $0.sku == draft.sku && !$0.finalSale }) { options.append(.startReturn) }
        if order.promise?.outcome == .missed { options.append(.deliveryRemedy) }
        return options
    }
}

/// Star ratings at a glance: of a SKU's published reviews, or of a carrier service's deliveries.
public struct RatingStats: Sendable, Equatable {
    public var count: Int
    /// Rounded to two decimals; nil without ratings.
    public var averageRating: Double?
    /// Ratings with 1, 2, 3, 4 and 5 stars.
    public var histogram: [Int]

    public init(countsByRating: [Int: Int]) {
        histogram = (1...5).map { countsByRating[$0] ?? 0 }
        count = histogram.reduce(0, +)
        let total = zip(1...5, histogram).map { $0 * $1 }.reduce(0, +)
        averageRating = count == 0 ? nil : (Double(total) / Double(count) * 100).rounded() / 100
    }
}

/// Published reviews of one SKU at a glance.
public struct ReviewSummary: Sendable, Equatable {
    public var ratings: RatingStats
    /// For each attribute, how many reviews gave each value (e.g. fit: runs small 3, true to size 12).
    public var attributes: [String: [String: Int]]

    /// From the number of published reviews per rating, and per attribute value.
    public init(countsByRating: [Int: Int], attributeCounts: [(name: String, value: String, count: Int)] = []) {
        attributes = attributeCounts.reduce(into: [:]) { tallies, entry in tallies[entry.name, default: [:]][entry.value] = entry.count }
        ratings = RatingStats(countsByRating: countsByRating)
    }
}

/// How a change to one review moves its product's summary tallies. A published review counts
/// once for its SKU's rating and once for each of its attribute values; any other review counts
/// for nothing. A change moves only what it changed: a vote or a reply moves no tally.
public struct ReviewTallyMoves: Sendable, Equatable {
    public struct Rating: Sendable, Equatable {
        public var sku: String
        public var rating: Int
        public var delta: Int

        public init(sku: String, rating: Int, delta: Int) {
            (self.sku, self.rating, self.delta) = (sku, rating, delta)
        }
    }

    public struct Attribute: Sendable, Equatable {
        public var sku: String
        public var name: String
        public var value: String
        public var delta: Int

        public init(sku: String, name: String, value: String, delta: Int) {
            (self.sku, self.name, self.value, self.delta) = (sku, name, value, delta)
        }
    }

    /// Each tally at most once and none with a zero delta, sorted by SKU and then rating or attribute.
    public private(set) var ratings: [Rating]
    public private(set) var attributes: [Attribute]

    public var isEmpty: Bool { ratings.isEmpty && attributes.isEmpty }

    /// From the review as it was (nil for a new one) to the review as it is.
    public init(from before: ReviewRecord?, to after: ReviewRecord) {
        var ratings: [RatingKey: Int] = [:]
        var attributes: [AttributeKey: Int] = [:]
        for (review, sign) in [(before, -1), (after, 1)] {
            guard let review, review.status == .published else { continue }
            ratings[RatingKey(sku: review.sku, rating: review.rating), default: 0] += sign
            for (name, value) in review.attributes {
                attributes[AttributeKey(sku: review.sku, name: name, value: value), default: 0] += sign
            }
        }
        self.ratings = ratings.compactMap { key, delta in delta == 0 ? nil : Rating(sku: key.sku, rating: key.rating, delta: delta) }
            .sorted { ($0.sku, $0.rating) < ($1.sku, $1.rating) }
        self.attributes = attributes.compactMap { key, delta in delta == 0 ? nil : Attribute(sku: key.sku, name: key.name, value: key.value, delta: delta) }
            .sorted { ($0.sku, $0.name, $0.value) < ($1.sku, $1.name, $1.value) }
    }

    private struct RatingKey: Hashable {
        var sku: String
        var rating: Int
    }

    private struct AttributeKey: Hashable {
        var sku: String
        var name: String
        var value: String
    }
}

/// The events of a review, carrying like every event the order's id, number and status.
public enum ReviewEvents {
    public static func submitted(_ review: ReviewRecord, of order: OrderRecord, help: [ReviewHelpOption]?) -> [DomainEvent] {
        var events = [event(.reviewSubmitted, review, orderNumber: order.orderNumber, orderStatus: order.status, [
            "verified": .bool(true), "incentivised": .bool(review.incentivised),
        ])]
        if let help {
            events.append(event(.reviewHelpRequested, review, orderNumber: order.orderNumber, orderStatus: order.status, [
                "options": .array(help.map { .string($0.rawValue) }),
            ]))
        }
        return events
    }

    /// A review request is due: the merchant's messaging stack sends it to the customer.
    public static func requested(_ candidate: ReviewCandidate, dueAt: Date) -> DomainEvent {
        var customer: [String: JSONValue] = ["email": .string(candidate.customer.email)]
        if let name = candidate.customer.name { customer["name"] = .string(name) }
        if let locale = candidate.customer.locale { customer["locale"] = .string(locale) }
        return DomainEvent(type: .reviewRequested, data: .object([
            "order_id": .string(candidate.orderID.apiText), "order_number": .string(candidate.orderNumber),
            "status": .string(candidate.orderStatus.rawValue), "shipment_id": .string(candidate.shipmentID.apiText),
            "skus": .array(candidate.skus.map { .string($0) }), "customer": .object(customer),
            "delivered_at": .string(APITime.text(candidate.deliveredAt)), "due_at": .string(APITime.text(dueAt)),
        ]))
    }

    /// The event of a moderation, if it is one merchants' systems act on.
    public static func moderated(_ review: ReviewRecord, orderNumber: String, orderStatus: OrderStatus) -> DomainEvent? {
        review.status == .published ? event(.reviewPublished, review, orderNumber: orderNumber, orderStatus: orderStatus, [:]) : nil
    }

    private static func event(_ type: EventType, _ review: ReviewRecord, orderNumber: String, orderStatus: OrderStatus,
                              _ fields: [String: JSONValue]) -> DomainEvent {
        var data: [String: JSONValue] = [
            "order_id": .string(review.orderID.apiText), "order_number": .string(orderNumber), "status": .string(orderStatus.rawValue),
            "review_id": .string(review.id.apiText), "sku": .string(review.sku), "rating": .integer(Int64(review.rating)),
        ]
        data.merge(fields) { _, new in new }
        return DomainEvent(type: type, data: .object(data))
    }
}
