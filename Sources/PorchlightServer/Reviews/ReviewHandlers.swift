import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func submitReview(_ input: Operations.SubmitReview.Input) async throws -> Operations.SubmitReview.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let orderID = try parseID(input.path.orderId, "order_id")
        guard let submitter = try Caller.submitter(for: orderID) else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        let draft = try ReviewDraft(
            sku: body.sku, rating: body.rating, title: body.title, text: body.text, displayName: body.displayName,
            photoURLs: body.photoUrls ?? [], attributes: body.attributes?.additionalProperties ?? [:],
            incentivised: body.incentivised ?? false, needsHelp: body.needsHelp ?? false).validate()
        guard let (review, help) = try await reviews.submit(draft, orderID: orderID, by: submitter, merchant: Caller.merchant(), logger: RequestScope.logger) else {
            throw DomainError.notFound("No order with id \(input.path.orderId).")
        }
        return .created(.init(body: .json(.init(value1: .init(review), value2: .init(help: help?.map(Components.Schemas.ReviewHelpOption.init))))))
    }

    func editReview(_ input: Operations.EditReview.Input) async throws -> Operations.EditReview.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let id = try parseID(input.path.reviewId, "review_id")
        let merchant = try Caller.merchant()
        guard let review = try await reviews.review(id, merchant: merchant, logger: RequestScope.logger),
              let editor = try Caller.submitter(for: review.orderID)
        else { throw DomainError.notFound("No review with id \(input.path.reviewId).") }
        // The words are the reviewer's: a merchant may correct only what its own form sent.
        if editor == .merchant && review.submittedBy == .customer {
            throw Problem.forbidden("A customer's review can be edited only by the customer; reply to it, or hide it with a reason.")
        }
        let edit = ReviewEdit(rating: body.rating, title: body.title, text: body.text, displayName: body.displayName, photoURLs: body.photoUrls)
        guard let edited = try await reviews.edit(id, edit, merchant: merchant, logger: RequestScope.logger)
        else { throw DomainError.notFound("No review with id \(input.path.reviewId).") }
        return .ok(.init(body: .json(.init(edited))))
    }

    func replyToReview(_ input: Operations.ReplyToReview.Input) async throws -> Operations.ReplyToReview.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let id = try parseID(input.path.reviewId, "review_id")
        let reply = try ReviewReply.validated(text: body.text, isPublic: body._public ?? true, now: clock.now)
        guard let review = try await reviews.reply(id, reply, merchant: Caller.merchant(), logger: RequestScope.logger) else {
            throw DomainError.notFound("No review with id \(input.path.reviewId).")
        }
        return .ok(.init(body: .json(.init(review))))
    }

    func voteOnReview(_ input: Operations.VoteOnReview.Input) async throws -> Operations.VoteOnReview.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let id = try parseID(input.path.reviewId, "review_id")
        let vote = try ReviewVote.validated(voter: input.path.voterId, helpful: body.helpful)
        guard let votes = try await reviews.vote(id, vote, merchant: Caller.merchant(), logger: RequestScope.logger)
        else { throw DomainError.notFound("No review with id \(input.path.reviewId).") }
        return .ok(.init(body: .json(.init(reviewId: id.apiText, helpfulVotes: votes.helpful, unhelpfulVotes: votes.unhelpful))))
    }

    func rateDelivery(_ input: Operations.RateDelivery.Input) async throws -> Operations.RateDelivery.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let orderID = try parseID(input.path.orderId, "order_id")
        guard let submitter = try Caller.submitter(for: orderID) else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        let draft = try DeliveryRatingDraft(shipmentID: parseID(body.shipmentId, "shipment_id"), rating: body.rating, comment: body.comment).validate()
        guard let rating = try await reviews.rateDelivery(draft, orderID: orderID, by: submitter, merchant: Caller.merchant(), logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        return .created(.init(body: .json(.init(
            shipmentId: rating.shipmentID.apiText, orderId: rating.orderID.apiText, carrier: rating.carrier, serviceLevel: rating.serviceLevel,
            rating: rating.rating, comment: rating.comment, submittedBy: .init(rating.submittedBy), createdAt: rating.createdAt))))
    }

    func getReviewFeed(_ input: Operations.GetReviewFeed.Input) async throws -> Operations.GetReviewFeed.Output {
        var v = Validator()
        let limit = v.page(limit: input.query.limit, cursor: input.query.cursor)
        try v.finishParameters()
        let page = try await reviews.feed(changedSince: input.query.changedSince, limit: limit, cursor: input.query.cursor,
                                          merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.ReviewFeedEntry.init), nextCursor: page.nextCursor))))
    }

    func getReviewSettings(_ input: Operations.GetReviewSettings.Input) async throws -> Operations.GetReviewSettings.Output {
        let settings = try await reviews.settings(merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(settings))))
    }

    func updateReviewSettings(_ input: Operations.UpdateReviewSettings.Input) async throws -> Operations.UpdateReviewSettings.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let settings = try ReviewSettings.validated(requestDelayDays: body.requestDelayDays, announceRequests: body.announceRequests ?? true)
        try await reviews.updateSettings(settings, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(settings))))
    }

    func listReviewRequests(_ input: Operations.ListReviewRequests.Input) async throws -> Operations.ListReviewRequests.Output {
        var v = Validator()
        let limit = v.page(limit: input.query.limit, cursor: input.query.cursor)
        try v.finishParameters()
        let now = clock.now
        let dueBefore = input.query.dueBefore ?? now
        let merchant = try Caller.merchant()
        let settings = try await reviews.settings(merchant: merchant, logger: RequestScope.logger)
        let delivered = ReviewRequests.deliveries(dueBefore: dueBefore, settings: settings, now: now)
        let page = try await reviews.reviewCandidates(deliveredFrom: delivered.from, deliveredTo: delivered.to,
                                                      limit: limit, cursor: input.query.cursor, merchant: merchant, logger: RequestScope.logger)
        let due = ReviewRequests.due(page.items, settings: settings, by: dueBefore, now: now)
        return .ok(.init(body: .json(.init(items: due.map { candidate, dueAt in
            .init(orderId: candidate.orderID.apiText, orderNumber: candidate.orderNumber, shipmentId: candidate.shipmentID.apiText,
                  customer: .init(email: candidate.customer.email, name: candidate.customer.name, locale: candidate.customer.locale),
                  skus: candidate.skus, deliveredAt: candidate.deliveredAt, dueAt: dueAt, requestedAt: candidate.requestedAt)
        }, nextCursor: page.nextCursor))))
    }

    func getReview(_ input: Operations.GetReview.Input) async throws -> Operations.GetReview.Output {
        let id = try parseID(input.path.reviewId, "review_id")
        // A customer reads the reviews of their own order with a proof that speaks for the buyer,
        // as writing one takes (a postal-code lookup: 403); another order's review is not there for them.
        guard let review = try await reviews.review(id, merchant: Caller.merchant(), logger: RequestScope.logger),
              try Caller.submitter(for: review.orderID) != nil
        else { throw DomainError.notFound("No review with id \(input.path.reviewId).") }
        return .ok(.init(body: .json(.init(review))))
    }

    func moderateReview(_ input: Operations.ModerateReview.Input) async throws -> Operations.ModerateReview.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let id = try parseID(input.path.reviewId, "review_id")
        let status = ReviewStatus(body.status)
        guard let review = try await reviews.moderate(id, to: status, reason: body.reason, merchant: Caller.merchant(), logger: RequestScope.logger) else {
            throw DomainError.notFound("No review with id \(input.path.reviewId).")
        }
        return .ok(.init(body: .json(.init(review))))
    }

    func listProductReviews(_ input: Operations.ListProductReviews.Input) async throws -> Operations.ListProductReviews.Output {
        var v = Validator()
        v.text(input.path.sku, "sku", min: 1, max: 100)
        let limit = v.page(limit: input.query.limit, cursor: input.query.cursor)
        try v.finishParameters()
        let sort: ReviewSort = switch input.query.sort ?? .newest {
        case .newest: .newest
        case .highestRating: .highestRating
        case .lowestRating: .lowestRating
        case .mostHelpful: .mostHelpful
        }
        let page = try await reviews.published(sku: input.path.sku, sort: sort, limit: limit, cursor: input.query.cursor,
                                               merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.PublishedReview.init), nextCursor: page.nextCursor))))
    }

    func getReviewSummary(_ input: Operations.GetReviewSummary.Input) async throws -> Operations.GetReviewSummary.Output {
        var v = Validator()
        v.text(input.path.sku, "sku", min: 1, max: 100)
        try v.finishParameters()
        let summary = try await reviews.summary(sku: input.path.sku, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(
            sku: input.path.sku, count: summary.ratings.count, averageRating: summary.ratings.averageRating, histogram: summary.ratings.histogram,
            attributes: .init(additionalProperties: summary.attributes.mapValues { .init(additionalProperties: $0) })))))
    }
}
