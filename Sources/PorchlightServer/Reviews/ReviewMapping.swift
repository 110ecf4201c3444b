import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

// Mapping between the generated contract types and the Core models of the Reviews capability.

extension Components.Schemas.Review {
    init(_ review: ReviewRecord) {
        self.init(
            id: review.id.apiText, orderId: review.orderID.apiText, sku: review.sku, rating: review.rating, title: review.title,
            text: review.text, displayName: review.displayName, photoUrls: review.photoURLs,
            attributes: .init(additionalProperties: review.attributes), incentivised: review.incentivised,
            verification: .init(method: .init(review.verification.method), orderId: review.verification.orderID.apiText,
                                deliveredAt: review.verification.deliveredAt),
            submittedBy: .init(review.submittedBy), status: .init(review.status), statusReason: review.statusReason, helpRequested: review.helpRequested,
            firstRating: review.firstRating, helpfulVotes: review.votes.helpful, unhelpfulVotes: review.votes.unhelpful,
            reply: review.reply.map { .init(text: $0.text, _public: $0.isPublic, repliedAt: $0.repliedAt) },
            createdAt: review.createdAt, updatedAt: review.updatedAt)
    }
}

extension Components.Schemas.PublishedReview {
    init(_ review: ReviewRecord) {
        self.init(
            id: review.id.apiText, sku: review.sku, rating: review.rating, title: review.title, text: review.text,
            displayName: review.displayName, photoUrls: review.photoURLs, attributes: .init(additionalProperties: review.attributes),
            incentivised: review.incentivised, verified: true, helpfulVotes: review.votes.helpful, unhelpfulVotes: review.votes.unhelpful,
            reply: review.reply.flatMap { $0.isPublic ? .init(text: $0.text, repliedAt: $0.repliedAt) : nil }, createdAt: review.createdAt)
    }
}

extension Components.Schemas.ReviewStatus {
    init(_ status: ReviewStatus) {
        self = switch status {
        case .pending: .pending
        case .published: .published
        case .rejected: .rejected
        case .spam: .spam
        case .hidden: .hidden
        }
    }
}

extension ReviewStatus {
    init(_ status: Components.Schemas.ReviewModerationInput.StatusPayload) {
        self = switch status {
        case .published: .published
        case .rejected: .rejected
        case .spam: .spam
        case .hidden: .hidden
        }
    }
}

extension Components.Schemas.Review.VerificationPayload.MethodPayload {
    init(_ method: ReviewVerification.Method) {
        self = switch method {
        case .deliveredOrder: .deliveredOrder
        }
    }
}

extension Components.Schemas.ReviewHelpOption {
    init(_ option: ReviewHelpOption) {
        self = switch option {
        case .contactSupport: .contactSupport
        case .startReturn: .startReturn
        case .deliveryRemedy: .deliveryRemedy
        }
    }
}

extension Components.Schemas.ReviewFeedEntry {
    init(_ item: ReviewFeedItem) {
        let review = item.review
        self.init(
            reviewId: review.id.apiText, reviewer: .init(name: review.displayName, isAnonymous: false), reviewTimestamp: review.createdAt,
            title: review.title, content: review.text ?? "", reviewerImages: review.photoURLs,
            ratings: .init(overall: .init(value: review.rating, min: 1, max: 5)),
            products: [.init(productIds: .init(skus: [review.sku]), productName: item.productName, productUrl: item.productURL)],
            collectionMethod: item.requestedFirst ? .postFulfillment : .unsolicited, isVerifiedPurchase: true,
            isIncentivizedReview: review.incentivised, isSpam: false)
    }
}

extension Components.Schemas.RatingStats {
    init(_ stats: RatingStats) {
        self.init(ratings: stats.count, averageRating: stats.averageRating, histogram: stats.histogram)
    }
}

extension Components.Schemas.ReviewSettings {
    init(_ settings: ReviewSettings) {
        self.init(requestDelayDays: settings.requestDelayDays, announceRequests: settings.announceRequests)
    }
}
