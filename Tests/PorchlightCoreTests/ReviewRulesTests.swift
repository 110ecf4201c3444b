import Foundation
import PorchlightCore
import Testing

private let placed = Date(timeIntervalSince1970: 1_763_600_000)  // 2025-11-20T00:53:20Z

/// An order of TEE and MUG (final sale) whose TEE was delivered `deliveredAfter` seconds after placing, if at all.
private func order(teeDeliveredAfter deliveredAfter: TimeInterval?) throws -> OrderRecord {
    let saoPaulo = Address(name: nil, line1: "Rua A 1", line2: nil, city: "São Paulo", region: "SP", postalCode: "01000-000", country: "BR")
    var order = placedOrder(orderDraft(lines: [line(), line("MUG", unitPrice: 2990, finalSale: true)], placedAt: placed, locale: "pt",
                                       currency: "BRL", destination: saoPaulo))
    guard let deliveredAfter else { return order }
    try order.ship([LineQuantity(sku: "TEE", quantity: 1)], carrier: "correios", trackingNumber: "BR1", at: placed,
                   scans: [scan(.delivered, at: placed.addingTimeInterval(deliveredAfter), id: "d")])
    order.settle(now: placed.addingTimeInterval(deliveredAfter))
    return order
}

private func draft(_ sku: String = "TEE", rating: Int = 5, needsHelp: Bool = false) -> ReviewDraft {
    ReviewDraft(sku: sku, rating: rating, title: nil, text: "Muito bom", displayName: "Ana", photoURLs: [], attributes: [:],
                incentivised: false, needsHelp: needsHelp)
}

@Suite struct ReviewRulesTests {
    @Test func aLineIsReviewableFromItsDeliveryForNinetyDays() throws {
        let delivered = try order(teeDeliveredAfter: 86_400)
        let deliveredAt = placed.addingTimeInterval(86_400)
        let lastMoment = deliveredAt.addingTimeInterval(Double(ReviewRules.windowDays) * 86_400)
        #expect(try ReviewRules.deliveredAt(of: "TEE", in: delivered, now: lastMoment) == deliveredAt)
        #expect(throws: DomainError.validation([FieldError(field: "sku", message: "can no longer be reviewed: reviews close 90 days after delivery")])) {
            try ReviewRules.deliveredAt(of: "TEE", in: delivered, now: lastMoment.addingTimeInterval(1))
        }
        #expect(throws: DomainError.validation([FieldError(field: "sku", message: "cannot be reviewed before it is delivered")])) {
            try ReviewRules.deliveredAt(of: "MUG", in: delivered, now: deliveredAt)
        }
        #expect(throws: DomainError.validation([FieldError(field: "sku", message: "is not a line of this order")])) {
            try ReviewRules.deliveredAt(of: "HAT", in: delivered, now: deliveredAt)
        }
        let (review, help) = try ReviewRules.review(draft(), of: delivered, by: .customer, id: UUID(), now: deliveredAt)
        #expect(review.verification == ReviewVerification(method: .deliveredOrder, orderID: delivered.id, deliveredAt: deliveredAt))
        #expect(review.status == .pending && !review.helpRequested && help == nil)
    }

    @Test func helpComesFirstForLowRatingsOrWhenAskedFor() throws {
        let delivered = try order(teeDeliveredAfter: 3_600)
        #expect(ReviewRules.help(for: draft(rating: 3), in: delivered) == nil)
        #expect(ReviewRules.help(for: draft(rating: 2), in: delivered) == [.contactSupport, .startReturn])
        #expect(ReviewRules.help(for: draft("MUG", rating: 5, needsHelp: true), in: delivered) == [.contactSupport])
        let (low, help) = try ReviewRules.review(draft(rating: 1), of: delivered, by: .merchant, id: UUID(), now: placed.addingTimeInterval(7_200))
        #expect(low.helpRequested && help == [.contactSupport, .startReturn])
        let events = ReviewEvents.submitted(low, of: delivered, help: help)
        #expect(events.map(\.type) == [.reviewSubmitted, .reviewHelpRequested])
    }

    // Every pair of statuses: `StateMachineTests`.
    @Test func moderationMovesOnlyAlongItsEdges() throws {
        var (review, _) = try ReviewRules.review(draft(), of: try order(teeDeliveredAfter: 60), by: .customer, id: UUID(), now: placed.addingTimeInterval(120))
        #expect(throws: DomainError.validation([FieldError(field: "reason", message: "is required to make a review rejected")])) {
            try review.moderate(to: .rejected, reason: "  ", now: placed)
        }
        try review.moderate(to: .published, reason: nil, now: placed)
        #expect(throws: DomainError.conflict("The review is published; it cannot become spam.")) {
            try review.moderate(to: .spam, reason: "bot", now: placed)
        }
        #expect(throws: DomainError.validation([FieldError(field: "status", message: "must be published, rejected, spam or hidden")]),
                "back to pending is the reviewer's edit") {
            try review.moderate(to: .pending, reason: "again", now: placed)
        }
        #expect(ReviewEvents.moderated(review, orderNumber: "1001", orderStatus: .delivered)?.type == .reviewPublished)
    }

    @Test func theWordsCanBeEditedForTwoWeeks() throws {
        let submitted = placed.addingTimeInterval(120)
        var (review, _) = try ReviewRules.review(draft(), of: try order(teeDeliveredAfter: 60), by: .customer, id: UUID(), now: submitted)
        let lastMoment = submitted.addingTimeInterval(Double(ReviewRules.editableDays) * 86_400)
        try review.edit(ReviewEdit(title: "Boa", text: nil, displayName: nil, photoURLs: nil), now: lastMoment)
        #expect(review.title == "Boa" && review.text == "Muito bom" && review.rating == 5 && review.updatedAt == lastMoment)
        #expect(throws: DomainError.conflict("The review's words can be edited for 14 days after it was submitted; that time has passed.")) {
            try review.edit(ReviewEdit(title: nil, text: "Later", displayName: nil, photoURLs: nil), now: lastMoment.addingTimeInterval(1))
        }
        #expect(throws: DomainError.validation([FieldError(field: "display_name", message: "must not be blank")])) {
            try review.edit(ReviewEdit(title: nil, text: nil, displayName: "\u{85}", photoURLs: nil), now: lastMoment)
        }
        #expect(review.title == "Boa" && review.text == "Muito bom" && review.displayName == "Ana", "a refused edit changes nothing")
        #expect(throws: DomainError.validation([FieldError(field: "title", message: "give at least one of rating, title, text, display_name and photo_urls")])) {
            try review.edit(ReviewEdit(title: nil, text: nil, displayName: nil, photoURLs: nil), now: lastMoment)
        }
        // New words on a published review go back to moderation.
        try review.moderate(to: .published, reason: nil, now: lastMoment)
        try review.edit(ReviewEdit(title: nil, text: "Depois de lavar, encolheu.", displayName: nil, photoURLs: nil), now: lastMoment)
        #expect(review.status == .pending && review.statusReason == "edited by the reviewer")
    }

    @Test func aRatingIsRevisedOnceAndOnlyAfterAskingForHelp() throws {
        let submitted = placed.addingTimeInterval(120)
        let delivered = try order(teeDeliveredAfter: 60)
        var (happy, _) = try ReviewRules.review(draft(rating: 4), of: delivered, by: .customer, id: UUID(), now: submitted)
        #expect(throws: DomainError.conflict("The rating cannot be changed. Only a review that asked for help may revise its rating, once.")) {
            try happy.edit(ReviewEdit(rating: 5, title: nil, text: nil, displayName: nil, photoURLs: nil), now: submitted)
        }
        try happy.edit(ReviewEdit(rating: 4, title: "Bom", text: nil, displayName: nil, photoURLs: nil), now: submitted)
        #expect(happy.rating == 4 && happy.firstRating == nil, "restating the same rating is not a revision")
        // The rating restated alone, long after the words closed: nothing changes, nothing goes back to moderation.
        try happy.moderate(to: .published, reason: nil, now: submitted)
        let published = happy
        try happy.edit(ReviewEdit(rating: 4, title: nil, text: nil, displayName: nil, photoURLs: nil),
                       now: submitted.addingTimeInterval(Double(ReviewRules.ratingRevisableDays + 30) * 86_400))
        #expect(happy == published)

        var (unhappy, _) = try ReviewRules.review(draft(rating: 1), of: delivered, by: .customer, id: UUID(), now: submitted)
        try unhappy.moderate(to: .published, reason: nil, now: submitted)
        // Past the words' two weeks, within the rating's window: the rating alone may change.
        let later = submitted.addingTimeInterval(Double(ReviewRules.editableDays + 1) * 86_400)
        #expect(throws: DomainError.conflict("The review's words can be edited for 14 days after it was submitted; that time has passed.")) {
            try unhappy.edit(ReviewEdit(rating: 4, title: "Resolvido", text: nil, displayName: nil, photoURLs: nil), now: later)
        }
        #expect(unhappy.rating == 1)
        try unhappy.edit(ReviewEdit(rating: 4, title: nil, text: nil, displayName: nil, photoURLs: nil), now: later)
        #expect(unhappy.rating == 4 && unhappy.firstRating == 1 && unhappy.status == .pending)
        #expect(throws: DomainError.conflict("The rating was revised once already (first 1, now 4); it cannot change again.")) {
            try unhappy.edit(ReviewEdit(rating: 5, title: nil, text: nil, displayName: nil, photoURLs: nil), now: later)
        }

        var (late, _) = try ReviewRules.review(draft(rating: 2), of: delivered, by: .customer, id: UUID(), now: submitted)
        let tooLate = submitted.addingTimeInterval(Double(ReviewRules.ratingRevisableDays) * 86_400 + 1)
        #expect(throws: DomainError.conflict("The rating can be revised for 60 days after the review was submitted; that time has passed.")) {
            try late.edit(ReviewEdit(rating: 4, title: nil, text: nil, displayName: nil, photoURLs: nil), now: tooLate)
        }
    }

    @Test func votesNeedAPublishedReviewAndAPlainVoterID() throws {
        let vote = try ReviewVote.validated(voter: "session:7f3a-9", helpful: true)
        #expect(vote.voter == "session:7f3a-9" && vote.helpful)
        try ReviewVote.check(.published)
        #expect(throws: DomainError.conflict("The review is hidden; only published reviews take votes.")) {
            try ReviewVote.check(.hidden)
        }
        for voter in ["ana@example.com", "a\n", "sessão"] {
            #expect(throws: DomainError.validation([FieldError(field: "voter_id", message: "must be letters, digits and . _ : - only")]), "\(voter)") {
                try ReviewVote.validated(voter: voter, helpful: false)
            }
        }
    }

    @Test func aDeliveryIsRatedOnlyOnceDeliveredAndWithinTheWindow() throws {
        let delivered = try order(teeDeliveredAfter: 86_400)
        let shipment = try #require(delivered.shipments.first)
        let rating = try DeliveryRating.rating(DeliveryRatingDraft(shipmentID: shipment.id, rating: 2, comment: "Atrasou"), of: delivered,
                                               by: .customer, now: placed.addingTimeInterval(2 * 86_400))
        #expect(rating.carrier == "correios" && rating.rating == 2 && rating.orderID == delivered.id)
        #expect(throws: DomainError.validation([FieldError(field: "shipment_id", message: "is not a shipment of this order")])) {
            try DeliveryRating.rating(DeliveryRatingDraft(shipmentID: UUID(), rating: 5, comment: nil), of: delivered, by: .customer, now: placed)
        }
        let lastMoment = placed.addingTimeInterval(86_400 + Double(ReviewRules.windowDays) * 86_400)
        _ = try DeliveryRating.rating(DeliveryRatingDraft(shipmentID: shipment.id, rating: 5, comment: nil), of: delivered, by: .customer, now: lastMoment)
        #expect(throws: DomainError.validation([FieldError(field: "shipment_id", message: "can no longer be rated: ratings close 90 days after delivery")])) {
            try DeliveryRating.rating(DeliveryRatingDraft(shipmentID: shipment.id, rating: 5, comment: nil), of: delivered, by: .customer,
                                      now: lastMoment.addingTimeInterval(1))
        }
        var inTransit = try order(teeDeliveredAfter: nil)
        let parcel = UUID()
        try inTransit.addShipment(ShipmentDraft(carrier: "correios", serviceLevel: nil, trackingNumber: "BR2", originLocation: nil,
                                                lines: [LineQuantity(sku: "TEE", quantity: 1)]), id: parcel, now: placed)
        #expect(throws: DomainError.validation([FieldError(field: "shipment_id", message: "cannot be rated before it is delivered")])) {
            try DeliveryRating.rating(DeliveryRatingDraft(shipmentID: parcel, rating: 5, comment: nil), of: inTransit, by: .customer, now: placed)
        }
        #expect(throws: DomainError.validation([FieldError(field: "rating", message: "must be between 1 and 5")])) {
            try DeliveryRatingDraft(shipmentID: parcel, rating: 0, comment: nil).validate()
        }
    }

    @Test func theSummaryCountsPerStarAndRoundsTheAverage() {
        let none = ReviewSummary(countsByRating: [:])
        #expect(none.ratings.count == 0 && none.ratings.histogram == [0, 0, 0, 0, 0] && none.ratings.averageRating == nil)
        let summary = ReviewSummary(countsByRating: [5: 2, 1: 1], attributeCounts: [("fit", "runs_small", 1), ("fit", "true_to_size", 2), ("colour", "as_pictured", 3)])
        #expect(summary.ratings.count == 3 && summary.ratings.histogram == [1, 0, 0, 0, 2] && summary.ratings.averageRating == 3.67)
        #expect(summary.attributes == ["fit": ["runs_small": 1, "true_to_size": 2], "colour": ["as_pictured": 3]])
    }

    @Test func aReviewMovesItsProductsTalliesWhilePublishedAndOnlyByWhatChanged() throws {
        let at = placed.addingTimeInterval(86_400)
        let pending = ReviewRecord(
            id: UUID(), orderID: UUID(), sku: "TEE", rating: 2, title: nil, text: "A costura abriu.", displayName: "Ana", photoURLs: [],
            attributes: ["fit": "runs_small", "colour": "as_pictured"], incentivised: false,
            verification: ReviewVerification(method: .deliveredOrder, orderID: UUID(), deliveredAt: at), submittedBy: .customer,
            status: .pending, statusReason: nil, helpRequested: true, createdAt: at, updatedAt: at)
        #expect(ReviewTallyMoves(from: nil, to: pending).isEmpty, "a review waiting for moderation counts for nothing")

        var published = pending
        try published.moderate(to: .published, reason: nil, now: at)
        let publication = ReviewTallyMoves(from: pending, to: published)
        #expect(publication.ratings == [.init(sku: "TEE", rating: 2, delta: 1)])
        #expect(publication.attributes == [.init(sku: "TEE", name: "colour", value: "as_pictured", delta: 1),
                                           .init(sku: "TEE", name: "fit", value: "runs_small", delta: 1)])

        var voted = published
        voted.votes = ReviewVotes(helpful: 3, unhelpful: 1)
        #expect(ReviewTallyMoves(from: published, to: voted).isEmpty, "votes are not counted")

        // A revised rating takes the review back to moderation: out of the counts, then in again
        // under its new rating once it is published.
        var revised = published
        try revised.edit(ReviewEdit(rating: 4, title: nil, text: "A loja trocou a peça.", displayName: nil, photoURLs: nil), now: at)
        let revision = ReviewTallyMoves(from: published, to: revised)
        #expect(revised.status == .pending && revision.ratings == [.init(sku: "TEE", rating: 2, delta: -1)])
        #expect(revision.attributes.map(\.delta) == [-1, -1])
        var republished = revised
        try republished.moderate(to: .published, reason: nil, now: at)
        let republication = ReviewTallyMoves(from: revised, to: republished)
        #expect(republication.ratings == [.init(sku: "TEE", rating: 4, delta: 1)] && republication.attributes.map(\.delta) == [1, 1])

        var hidden = published
        try hidden.moderate(to: .hidden, reason: "Contains a phone number.", now: at)
        let hiding = ReviewTallyMoves(from: published, to: hidden)
        #expect(hiding.ratings == [.init(sku: "TEE", rating: 2, delta: -1)])
        #expect(hiding.attributes == [.init(sku: "TEE", name: "colour", value: "as_pictured", delta: -1),
                                      .init(sku: "TEE", name: "fit", value: "runs_small", delta: -1)])
    }

    @Test func photosMustBeHTTPSAndAttributesNamedPlainly() {
        var bad = draft()
        bad.photoURLs = ["http://cdn.example.com/a.jpg", "https://user:pw@cdn.example.com/a.jpg", "https://cdn.example.com/b.jpg"]
        bad.attributes = ["Fit": "small", "fit": ""]
        #expect(throws: DomainError.validation([
            FieldError(field: "photo_urls[0]", message: "must be an https URL with a host and no credentials"),
            FieldError(field: "photo_urls[1]", message: "must be an https URL with a host and no credentials"),
            FieldError(field: "attributes.Fit", message: "must be named with 1 to 40 lowercase letters, digits and '_', starting with a letter"),
            FieldError(field: "attributes.fit", message: "must be 1 to 60 characters long"),
        ])) {
            try bad.validate()
        }
    }
}

@Suite struct ReviewRequestTests {
    private let bucharest = TimeZone(identifier: "Europe/Bucharest")!
    private func local(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = bucharest
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return formatter.date(from: text)!
    }

    @Test func aRequestIsDueAfterTheDelayMovedIntoDaytime() {
        let threeDays = ReviewSettings.default
        #expect(ReviewRequests.dueAt(deliveredAt: local("2026-11-20T15:30:00"), settings: threeDays, timeZone: bucharest) == local("2026-11-23T15:30:00"))
        // Before 10:00 it waits for 10:00; from 20:00 for 10:00 the next day.
        #expect(ReviewRequests.dueAt(deliveredAt: local("2026-11-20T07:15:00"), settings: threeDays, timeZone: bucharest) == local("2026-11-23T10:00:00"))
        #expect(ReviewRequests.dueAt(deliveredAt: local("2026-11-20T20:00:00"), settings: threeDays, timeZone: bucharest) == local("2026-11-24T10:00:00"))
        #expect(ReviewRequests.dueAt(deliveredAt: local("2026-11-20T19:59:00"), settings: ReviewSettings(requestDelayDays: 0), timeZone: bucharest)
                == local("2026-11-20T19:59:00"))
        // Three days of 24 hours across the night the clocks go forward (29 March) land an hour
        // later on the clock, and stay as they are: in daytime, never before the delay.
        #expect(ReviewRequests.dueAt(deliveredAt: local("2026-03-26T09:30:00"), settings: threeDays, timeZone: bucharest) == local("2026-03-29T10:30:00"))
        #expect(ReviewRequests.dueAt(deliveredAt: local("2026-03-28T19:30:00"), settings: ReviewSettings(requestDelayDays: 1), timeZone: bucharest)
                == local("2026-03-30T10:00:00"), "24 hours later it is 20:30 on the clock: night")
    }

    @Test func onlyDueRequestsWithLinesStillOpenAreListed() {
        func candidate(_ delivered: String, skus: [String] = ["TEE"]) -> ReviewCandidate {
            ReviewCandidate(orderID: UUID(), orderNumber: "1", orderStatus: .delivered, shipmentID: UUID(), customer: Customer(email: "a@example.com", phone: nil, name: nil, locale: nil),
                            deliveredAt: local(delivered), skus: skus, timeZone: bucharest)
        }
        let now = local("2026-11-26T12:00:00")
        let due = ReviewRequests.due([
            candidate("2026-11-22T12:00:00"),  // due 25 Nov 12:00
            candidate("2026-11-23T12:30:00"),  // due 26 Nov 12:30: not yet
            candidate("2026-11-22T12:00:00", skus: []),  // every line reviewed
            candidate("2026-08-27T11:00:00"),  // more than 90 days ago
        ], settings: .default, by: now, now: now)
        #expect(due.map(\.dueAt) == [local("2026-11-25T12:00:00")])
        // The store's bounds hold every delivery that can be due: none after the delay before `by`.
        let bounds = ReviewRequests.deliveries(dueBefore: now, settings: .default, now: now)
        #expect(bounds.to == local("2026-11-23T12:00:00") && bounds.from == now.addingTimeInterval(-90 * 86_400))

        // Announced only while fresh: due at most seven days ago.
        let sent = ReviewRequests.toSend([
            candidate("2026-11-16T12:00:00"),  // due 19 Nov 12:00: exactly seven days ago
            candidate("2026-11-16T11:59:00"),  // due 19 Nov 11:59: stale
        ], settings: .default, now: now)
        #expect(sent.map(\.dueAt) == [local("2026-11-19T12:00:00")])
        let sendBounds = ReviewRequests.deliveriesToSend(settings: .default, now: now)
        #expect(sendBounds.to == local("2026-11-23T12:00:00") && sendBounds.from == local("2026-11-15T12:00:00"))
    }
}
