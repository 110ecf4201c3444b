import Foundation
import HTTPTypes
import PorchlightCore
import PorchlightServer
import PorchlightStore
import Testing

@Suite struct ReviewTests {
    @Test func aDeliveredLineIsReviewedOnceAndTheServerVerifiesIt() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let waiting = try await service.shippedOrder(merchant, scanned: nil)
            let early = try await service.call(.post, "/v1/orders/\(waiting.id)/reviews", key: waiting.token,
                                               json: ["sku": "TEE", "rating": 5, "display_name": "Ana P."])
            #expect(early.status == .unprocessableContent)
            #expect(try fieldErrors(early)["sku"]?.hasPrefix("cannot be reviewed before it is delivered") == true, "\(early.text)")

            let order = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-60))
            let review: [String: Any] = ["sku": "TEE", "rating": 5, "title": "Ótimo", "text": "Chegou antes do prazo, recomendo! 👍",
                                         "display_name": "Ana P.", "attributes": ["fit": "true_to_size"],
                                         "photo_urls": ["https://cdn.example.com/p/1.jpg"]]
            let created = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token, json: review)
            #expect(created.status == .created, "\(created.text)")
            let verification = try #require(created["verification"] as? [String: Any])
            #expect(verification["method"] as? String == "delivered_order")
            #expect(verification["order_id"] as? String == order.id)
            #expect(created["status"] as? String == "pending" && created["submitted_by"] as? String == "customer")
            #expect(created["help"] == nil)
            #expect(created["text"] as? String == "Chegou antes do prazo, recomendo! 👍")
            #expect((created["attributes"] as? [String: String]) == ["fit": "true_to_size"])
            let reviewID = try #require(created["id"] as? String)
            let stored = try await service.call(.get, "/v1/reviews/\(reviewID)", key: merchant.apiKey)
            #expect(stored["rating"] as? Int == 5 && stored["order_id"] as? String == order.id)

            // Once per line; a line the order does not have; another order's token; a client
            // cannot claim verification; photos only over https.
            let again = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token, json: review)
            #expect(again.status == .conflict)
            #expect((again["detail"] as? String)?.contains(reviewID) == true, "\(again.text)")
            let unknown = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                                 json: ["sku": "HAT", "rating": 4, "display_name": "Ana"])
            #expect(try fieldErrors(unknown)["sku"] == "is not a line of this order")
            let stranger = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: waiting.token, json: review)
            #expect(stranger.status == .notFound)
            var claimed = review
            claimed["sku"] = "MUG"
            claimed["verification"] = ["method": "delivered_order"]
            #expect(try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token, json: claimed).status == .badRequest)
            var insecure = review
            insecure["sku"] = "MUG"
            insecure["photo_urls"] = ["http://cdn.example.com/p/1.jpg"]
            let refused = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token, json: insecure)
            #expect(refused.status == .badRequest || refused.status == .unprocessableContent)
            #expect(refused.text.contains("photo_urls[0]"), "\(refused.text)")
            // A postal-code lookup is too easy to guess to speak for the buyer.
            let orderNumber = try #require(try await service.call(.get, "/v1/orders/\(order.id)", key: merchant.apiKey)["order_number"] as? String)
            let postalLookup = try await service.lookUp(try await lookupOnlyKey(for: merchant), ["order_number": orderNumber, "postal_code": "030031"])
            #expect(postalLookup["proof"] as? String == "postal_code")
            let postalToken = try #require(postalLookup["token"] as? String)
            #expect(try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: postalToken, json: insecure).status == .forbidden)
            // Nothing was half-written: the MUG line can still be reviewed.
            var mug = review
            mug["sku"] = "MUG"
            #expect(try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token, json: mug).status == .created)
        }
    }

    @Test func aLowRatingOffersHelpFirstAndKeepsTheReview() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-60))
            // The mug is final sale: no return to offer.
            let low = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                             json: ["sku": "MUG", "rating": 2, "text": "Veio trincada.", "display_name": "Ana"])
            #expect(low.status == .created, "\(low.text)")
            #expect(low["help"] as? [String] == ["contact_support"])
            #expect(low["help_requested"] as? Bool == true)
            // Asking for help gets it whatever the rating; the tee can be returned.
            let asked = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: merchant.apiKey,
                                               json: ["sku": "TEE", "rating": 4, "display_name": "Ana", "needs_help": true])
            #expect(asked["help"] as? [String] == ["contact_support", "start_return"])
            #expect(asked["submitted_by"] as? String == "merchant")

            let items = try await service.feedEvents(merchant, typePrefix: "review.", atLeast: 4).filter { $0["order_id"] as? String == order.id }
            let types = items.compactMap { $0["type"] as? String }
            #expect(types == ["review.submitted", "review.help_requested", "review.submitted", "review.help_requested"])
            let help = try #require(items.first { $0["type"] as? String == "review.help_requested" }?["data"] as? [String: Any])
            #expect(help["review_id"] as? String == low["id"] as? String && help["options"] as? [String] == ["contact_support"])
        }
    }

    @Test func moderationMovesReviewsAndTheSummaryCountsOnlyPublishedOnes() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var ids: [String] = []
            for rating in [5, 4, 1] {
                let order = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-60))
                let created = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token, json: [
                    "sku": "TEE", "rating": rating, "display_name": "Cliente \(rating)", "attributes": ["fit": rating > 1 ? "true_to_size" : "runs_small"],
                ])
                ids.append(try #require(created["id"] as? String))
            }
            func moderate(_ id: String, _ body: [String: Any], key: String? = nil) async throws -> Reply {
                try await service.call(.post, "/v1/reviews/\(id)/moderation", key: key ?? merchant.apiKey, json: body)
            }
            func summary() async throws -> Reply { try await service.call(.get, "/v1/products/TEE/review-summary", key: merchant.apiKey) }
            #expect(try await summary()["count"] as? Int == 0)
            #expect(try await summary()["average_rating"] == nil)

            // The one-star review is published like the others: moderation does not look at ratings.
            for id in ids { #expect(try await moderate(id, ["status": "published"]).status == .ok) }
            let all = try await summary()
            #expect(all["count"] as? Int == 3 && all["average_rating"] as? Double == 3.33 && all["histogram"] as? [Int] == [1, 0, 0, 1, 1])
            #expect(all["attributes"] as? [String: [String: Int]] == ["fit": ["true_to_size": 2, "runs_small": 1]])

            let hidden = try await moderate(ids[2], ["status": "hidden", "reason": "Contains a phone number."])
            #expect(hidden["status"] as? String == "hidden" && hidden["status_reason"] as? String == "Contains a phone number.")
            let shown = try await summary()
            #expect(shown["count"] as? Int == 2 && shown["average_rating"] as? Double == 4.5 && shown["histogram"] as? [Int] == [0, 0, 0, 1, 1])
            #expect(shown["attributes"] as? [String: [String: Int]] == ["fit": ["true_to_size": 2]])

            // The storefront's list: published ones only, newest first, a page at a time, nothing of the order.
            let first = try await service.call(.get, "/v1/products/TEE/reviews?limit=1", key: merchant.apiKey)
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try await service.call(.get, "/v1/products/TEE/reviews?limit=1&cursor=\(cursor)", key: merchant.apiKey)
            #expect(second["next_cursor"] == nil)
            let listed = try [first, second].flatMap { try #require($0["items"] as? [[String: Any]]) }
            #expect(listed.compactMap { $0["id"] as? String } == [ids[1], ids[0]])
            #expect(listed.allSatisfy { $0["verified"] as? Bool == true && $0["order_id"] == nil })

            // Moves moderation may not make, a missing reason, a customer token, an unknown review.
            let illegal = try await moderate(ids[0], ["status": "rejected", "reason": "Changed my mind."])
            #expect(illegal.status == .conflict && (illegal["detail"] as? String)?.contains("published") == true, "\(illegal.text)")
            let order = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-60))
            let pending = try #require(try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                                              json: ["sku": "TEE", "rating": 3, "display_name": "X"])["id"] as? String)
            #expect(try fieldErrors(try await moderate(pending, ["status": "spam"]))["reason"]?.hasPrefix("is required") == true)
            #expect(try await moderate(pending, ["status": "spam", "reason": "Bot."], key: order.token).status == .forbidden)
            let early = try await moderate(pending, ["status": "hidden", "reason": "Not yet."])
            #expect(early.status == .conflict && (early["detail"] as? String)?.contains("pending") == true)
            #expect(try await moderate(pending, ["status": "spam", "reason": "Bot."]).status == .ok)
            #expect(try await moderate(pending, ["status": "published"]).status == .conflict, "spam is final")
            #expect(try await moderate(UUID().uuidString, ["status": "published"]).status == .notFound)
            #expect(try await service.call(.get, "/v1/reviews/\(pending)", key: merchant.apiKey)["status"] as? String == "spam")

            let published = try await service.feedEvents(merchant, typePrefix: "review.", atLeast: 8).filter { $0["type"] as? String == "review.published" }
            #expect(Set(published.compactMap { ($0["data"] as? [String: Any])?["review_id"] as? String }) == Set(ids))
            #expect(published.count == 3)
        }
    }

    @Test func theReviewerEditsTheWordsNotTheRatingAndTheMerchantReplies() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-60))
            let other = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-60))
            let created = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                                 json: ["sku": "TEE", "rating": 4, "title": "Boa", "text": "Gostei.", "display_name": "Ana"])
            let id = try #require(created["id"] as? String)
            let edited = try await service.call(.patch, "/v1/reviews/\(id)", key: order.token, json: ["text": "Gostei. Depois de lavar, continua ótima!"])
            #expect(edited.status == .ok, "\(edited.text)")
            #expect(edited["text"] as? String == "Gostei. Depois de lavar, continua ótima!" && edited["title"] as? String == "Boa" && edited["rating"] as? Int == 4)
            let rerated = try await service.call(.patch, "/v1/reviews/\(id)", key: order.token, json: ["rating": 5])
            #expect(rerated.status == .conflict && (rerated["detail"] as? String)?.contains("Only a review that asked for help") == true, "\(rerated.text)")
            #expect(try await service.call(.patch, "/v1/reviews/\(id)", key: other.token, json: ["text": "Not mine"]).status == .notFound)
            #expect(try await service.call(.patch, "/v1/reviews/\(id)", key: merchant.apiKey, json: ["text": "Perfeito!"]).status == .forbidden)
            let insecure = try await service.call(.patch, "/v1/reviews/\(id)", key: order.token, json: ["photo_urls": ["http://cdn.example.com/a.jpg"]])
            #expect(insecure.status == .badRequest || insecure.status == .unprocessableContent)
            #expect(try await service.call(.get, "/v1/reviews/\(id)", key: merchant.apiKey)["photo_urls"] as? [String] == [])

            // A public reply shows under the published review; a private one does not.
            let replied = try await service.call(.put, "/v1/reviews/\(id)/reply", key: merchant.apiKey, json: ["text": "Obrigado, Ana!"])
            #expect((replied["reply"] as? [String: Any])?["public"] as? Bool == true, "\(replied.text)")
            #expect(try await service.call(.put, "/v1/reviews/\(id)/reply", key: order.token, json: ["text": "Me"]).status == .forbidden)
            _ = try await service.call(.post, "/v1/reviews/\(id)/moderation", key: merchant.apiKey, json: ["status": "published"])
            func listedReply() async throws -> [String: Any]? {
                let page = try await service.call(.get, "/v1/products/TEE/reviews", key: merchant.apiKey)
                return try #require((page["items"] as? [[String: Any]])?.first)["reply"] as? [String: Any]
            }
            #expect(try await listedReply()?["text"] as? String == "Obrigado, Ana!")
            _ = try await service.call(.put, "/v1/reviews/\(id)/reply", key: merchant.apiKey, json: ["text": "Enviamos um cupom.", "public": false])
            #expect(try await listedReply() == nil)

            // New words on a published review go back to moderation, and out of the product's reads.
            let rewritten = try await service.call(.patch, "/v1/reviews/\(id)", key: order.token, json: ["text": "Depois de lavar, encolheu."])
            #expect(rewritten["status"] as? String == "pending")
            #expect(try await service.call(.get, "/v1/products/TEE/review-summary", key: merchant.apiKey)["count"] as? Int == 0)
            #expect(try await service.call(.patch, "/v1/reviews/\(id)", key: order.token, json: [:]).status == .unprocessableContent)
        }
    }

    @Test func requestsAreDueAfterTheDelayInDaytimeUntilEveryLineIsReviewed() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            try await setUpPromises(service, merchant)
            let id = try await service.createOrder(merchant)
            let delivered = Date().addingTimeInterval(-60)
            let shipment = try await service.call(.post, "/v1/orders/\(id)/shipments", key: merchant.apiKey, json: [
                "carrier": "fan_courier", "service_level": "express", "tracking_number": "RQ\(UInt32.random(in: 0...UInt32.max))",
                "origin_location": "BUC-1", "lines": [["sku": "TEE", "quantity": 2], ["sku": "MUG", "quantity": 1]],
            ])
            let shipmentID = try #require(shipment["id"] as? String)
            _ = try await service.scans(merchant, shipment: shipmentID, [scan("delivered", isoTime(delivered))])
            let stranger = try await service.newMerchant()
            func requests(dueBefore: Date, of owner: TestMerchant? = nil) async throws -> [[String: Any]] {
                let page = try await service.call(.get, "/v1/review-requests?due_before=\(isoTime(dueBefore))", key: (owner ?? merchant).apiKey)
                return try #require(page["items"] as? [[String: Any]], "\(page.text)")
            }
            // Three days by default, then the next daytime hour in Bucharest.
            #expect(try await requests(dueBefore: Date()).isEmpty)
            let due = try #require(try await requests(dueBefore: Date().addingTimeInterval(4.5 * 86_400)).first)
            #expect(due["shipment_id"] as? String == shipmentID && due["skus"] as? [String] == ["MUG", "TEE"])
            let dueAt = try #require(APITime.instant(due["due_at"] as? String ?? ""))
            let bucharest = try #require(TimeZone(identifier: "Europe/Bucharest"))
            let hour = Calendar(identifier: .gregorian).dateComponents(in: bucharest, from: dueAt).hour ?? -1
            #expect(dueAt.timeIntervalSince(delivered) >= 3 * 86_400 - 1 && (10..<20).contains(hour), "\(dueAt)")
            #expect((due["customer"] as? [String: Any])?["email"] as? String == "ana@example.com")

            // A shorter delay; a reviewed line drops out, and with both reviewed the request goes.
            #expect(try await service.call(.put, "/v1/review-settings", key: merchant.apiKey, json: ["request_delay_days": 0]).status == .ok)
            #expect(try await service.call(.put, "/v1/review-settings", key: merchant.apiKey, json: ["request_delay_days": 31]).status == .unprocessableContent)
            let soon = Date().addingTimeInterval(86_400)
            #expect(try await requests(dueBefore: soon).first?["skus"] as? [String] == ["MUG", "TEE"])
            #expect(try await requests(dueBefore: soon, of: stranger).isEmpty)
            _ = try await service.call(.post, "/v1/orders/\(id)/reviews", key: merchant.apiKey, json: ["sku": "TEE", "rating": 5, "display_name": "Ana"])
            #expect(try await requests(dueBefore: soon).first?["skus"] as? [String] == ["MUG"])
            _ = try await service.call(.post, "/v1/orders/\(id)/reviews", key: merchant.apiKey, json: ["sku": "MUG", "rating": 4, "display_name": "Ana"])
            #expect(try await requests(dueBefore: soon).isEmpty)
        }
    }

    @Test func concurrentReviewsOfOneLineMakeOne() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-60))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                               json: ["sku": "TEE", "rating": 5, "display_name": "Ana"]).status.code
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }.sorted()
            }
            #expect(statuses == [201] + Array(repeating: 409, count: 7))
        }
    }

    @Test func aReviewThatAskedForHelpRevisesItsRatingOnceAndTheSummaryFollows() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-60))
            let low = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                             json: ["sku": "TEE", "rating": 2, "text": "A costura abriu.", "display_name": "Ana"])
            let id = try #require(low["id"] as? String)
            _ = try await service.call(.post, "/v1/reviews/\(id)/moderation", key: merchant.apiKey, json: ["status": "published"])
            func histogram() async throws -> [Int]? {
                try await service.call(.get, "/v1/products/TEE/review-summary", key: merchant.apiKey)["histogram"] as? [Int]
            }
            #expect(try await histogram() == [0, 1, 0, 0, 0])
            let revised = try await service.call(.patch, "/v1/reviews/\(id)", key: order.token,
                                                 json: ["rating": 4, "text": "A loja trocou a peça em dois dias."])
            #expect(revised.status == .ok, "\(revised.text)")
            #expect(revised["rating"] as? Int == 4 && revised["first_rating"] as? Int == 2 && revised["status"] as? String == "pending")
            #expect(try await histogram() == [0, 0, 0, 0, 0], "back in moderation, out of the summary")
            _ = try await service.call(.post, "/v1/reviews/\(id)/moderation", key: merchant.apiKey, json: ["status": "published"])
            #expect(try await histogram() == [0, 0, 0, 1, 0])
            let again = try await service.call(.patch, "/v1/reviews/\(id)", key: order.token, json: ["rating": 5])
            #expect(again.status == .conflict && (again["detail"] as? String)?.contains("revised once already") == true, "\(again.text)")
            #expect(try await histogram() == [0, 0, 0, 1, 0])
        }
    }

    @Test func aRevisionAndAModerationAtOnceLeaveTheSummaryCountingWhatIsPublished() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var reviews: [(id: String, token: String)] = []
            for _ in 0..<4 {
                let order = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-60))
                let low = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                                 json: ["sku": "TEE", "rating": 2, "text": "A costura abriu.", "display_name": "Rui", "attributes": ["fit": "runs_small"]])
                let id = try #require(low["id"] as? String)
                #expect(try await service.call(.post, "/v1/reviews/\(id)/moderation", key: merchant.apiKey, json: ["status": "published"]).status == .ok)
                reviews.append((id, order.token))
            }
            // Each reviewer revises the rating while the merchant hides the same review.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for review in reviews {
                    group.addTask { try await service.call(.patch, "/v1/reviews/\(review.id)", key: review.token, json: ["rating": 4]).status.code }
                    group.addTask {
                        try await service.call(.post, "/v1/reviews/\(review.id)/moderation", key: merchant.apiKey,
                                               json: ["status": "hidden", "reason": "Checking the photos."]).status.code
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 8 && Set(statuses).isSubset(of: [200, 409]), "\(statuses)")
            // Whichever came first, nothing is published: the edit sends the review back to
            // moderation, and a review waiting there cannot be hidden. Every count is back at zero.
            for review in reviews {
                let stored = try await service.call(.get, "/v1/reviews/\(review.id)", key: merchant.apiKey)
                #expect(["pending", "hidden"].contains(stored["status"] as? String), "\(stored.text)")
            }
            let summary = try await service.call(.get, "/v1/products/TEE/review-summary", key: merchant.apiKey)
            #expect(summary["count"] as? Int == 0 && summary["histogram"] as? [Int] == [0, 0, 0, 0, 0], "\(summary.text)")
            #expect((summary["attributes"] as? [String: [String: Int]])?.isEmpty == true, "\(summary.text)")
        }
    }

    @Test func helpfulVotesCountEachVoterOnceAndOrderTheReviews() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var ids: [String] = []
            for rating in [3, 5, 1, 3] {
                let order = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-60))
                let created = try await service.call(.post, "/v1/orders/\(order.id)/reviews", key: order.token,
                                                     json: ["sku": "TEE", "rating": rating, "display_name": "Cliente \(rating)"])
                ids.append(try #require(created["id"] as? String))
            }
            func vote(_ id: String, _ voter: String, _ helpful: Bool) async throws -> Reply {
                try await service.call(.put, "/v1/reviews/\(id)/votes/\(voter)", key: merchant.apiKey, json: ["helpful": helpful])
            }
            let early = try await vote(ids[0], "s1", true)
            #expect(early.status == .conflict && (early["detail"] as? String)?.contains("pending") == true, "\(early.text)")
            for id in ids { _ = try await service.call(.post, "/v1/reviews/\(id)/moderation", key: merchant.apiKey, json: ["status": "published"]) }

            // Eight shoppers at once on the three-star review; one changes its mind on the five-star one.
            let first = ids[0]
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for voter in 0..<8 {
                    group.addTask {
                        try await service.call(.put, "/v1/reviews/\(first)/votes/session:\(voter)", key: merchant.apiKey, json: ["helpful": true]).status.code
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 8))
            #expect(try await vote(ids[1], "session:0", true)["helpful_votes"] as? Int == 1)
            let changed = try await vote(ids[1], "session:0", false)
            #expect(changed["helpful_votes"] as? Int == 0 && changed["unhelpful_votes"] as? Int == 1, "\(changed.text)")
            #expect(try await vote(ids[2], "session:1", true)["helpful_votes"] as? Int == 1)
            #expect(try await vote(UUID().uuidString, "s1", true).status == .notFound)
            #expect(try fieldErrors(try await vote(ids[0], "ana@example.com", true))["voter_id"] == "must be letters, digits and . _ : - only")
            #expect(try await service.call(.put, "/v1/reviews/\(ids[0])/votes/s1", key: merchant.apiKey, json: ["helpful": "yes"]).status == .badRequest)

            // Read a review at a time, so that ties (two three-star reviews, two without votes) fall
            // on page boundaries: ties go to the newer review.
            func listed(_ sort: String) async throws -> [String] {
                var listed: [String] = []
                var cursor: String?
                repeat {
                    let page = try await service.call(.get, "/v1/products/TEE/reviews?sort=\(sort)&limit=1\(cursor.map { "&cursor=\($0)" } ?? "")",
                                                      key: merchant.apiKey)
                    listed += try #require(page["items"] as? [[String: Any]], "\(page.text)").compactMap { $0["id"] as? String }
                    cursor = page["next_cursor"] as? String
                } while cursor != nil && listed.count < 10
                return listed
            }
            #expect(try await listed("most_helpful") == [ids[0], ids[2], ids[3], ids[1]])
            #expect(try await listed("highest_rating") == [ids[1], ids[3], ids[0], ids[2]])
            #expect(try await listed("lowest_rating") == [ids[2], ids[3], ids[0], ids[1]])
            #expect(try await listed("newest") == [ids[3], ids[2], ids[1], ids[0]])
            let helpful = try await service.call(.get, "/v1/products/TEE/reviews?sort=most_helpful&limit=2", key: merchant.apiKey)
            #expect((helpful["items"] as? [[String: Any]])?.first?["helpful_votes"] as? Int == 8)
            let cursor = try #require(helpful["next_cursor"] as? String)
            // A cursor belongs to its sort.
            let mixed = try await service.call(.get, "/v1/products/TEE/reviews?sort=newest&cursor=\(cursor)", key: merchant.apiKey)
            #expect(mixed.status == .badRequest, "\(mixed.text)")
            #expect(try await service.call(.get, "/v1/products/TEE/reviews?sort=loudest", key: merchant.apiKey).status == .badRequest)
        }
    }

    @Test func dueRequestsAreAnnouncedOnceEvenByTwoReplicas() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let quiet = try await service.call(.put, "/v1/review-settings", key: merchant.apiKey,
                                               json: ["request_delay_days": 0, "announce_requests": false])
            #expect(quiet["announce_requests"] as? Bool == false, "\(quiet.text)")
            // Delivered two days ago, past any night: due. Twenty days ago: stale.
            let recent = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-2 * 86_400))
            let old = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-20 * 86_400))
            // Two passes at once, as two replicas would run them, then one more.
            try await withDatabase(url: databaseURL, logger: testLogger) { client in
                let reviews = ReviewStore(database: Database(client: client))
                let id = MerchantID(try #require(UUID(uuidString: merchant.id)))
                #expect(try await reviews.sendDueRequests(merchant: id, now: Date(), logger: testLogger) == 0, "the merchant turned the events off")
                let announcing = try await service.call(.put, "/v1/review-settings", key: merchant.apiKey, json: ["request_delay_days": 0])
                #expect(announcing["announce_requests"] as? Bool == true, "a PUT without it takes the default")
                let sent = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<2 { group.addTask { try await reviews.sendDueRequests(merchant: id, now: Date(), logger: testLogger) } }
                    return try await group.reduce(0, +)
                }
                // Every service the tests run has its own pass on the shared database: one of those
                // may announce it first, so these two send it at most once between them.
                #expect(sent <= 1)
                #expect(try await reviews.sendDueRequests(merchant: id, now: Date(), logger: testLogger) == 0)
            }
            // Whoever sent it, it was sent once: the outbox holds every committed event.
            #expect(try await outboxEventTypes(merchant, typePrefix: "review.requested") == ["review.requested"])
            let later = Date().addingTimeInterval(60)
            let requested = try await service.feedEvents(merchant, typePrefix: "review.", atLeast: 1).filter { $0["type"] as? String == "review.requested" }
            #expect(requested.count == 1, "once, and not for the delivery whose request is 20 days stale")
            let data = try #require(requested.first?["data"] as? [String: Any])
            #expect(data["shipment_id"] as? String == recent.shipment && data["order_id"] as? String == recent.id)
            #expect(data["skus"] as? [String] == ["MUG", "TEE"] && (data["customer"] as? [String: Any])?["email"] as? String == "ana@example.com")
            let page = try await service.call(.get, "/v1/review-requests?due_before=\(isoTime(later))", key: merchant.apiKey)
            let items = try #require(page["items"] as? [[String: Any]])
            #expect(items.first { $0["shipment_id"] as? String == recent.shipment }?["requested_at"] is String)
            #expect(items.contains { $0["shipment_id"] as? String == old.shipment && $0["requested_at"] == nil })

            // The review that follows the request is syndicated as solicited after fulfilment, one
            // never asked for as unsolicited; one without words is not syndicated at all.
            let review = try await service.call(.post, "/v1/orders/\(recent.id)/reviews", key: recent.token,
                                                json: ["sku": "TEE", "rating": 5, "title": "Ótimo", "text": "Chegou rápido.", "display_name": "Ana P.",
                                                       "incentivised": true])
            let unasked = try await service.call(.post, "/v1/orders/\(old.id)/reviews", key: old.token,
                                                 json: ["sku": "TEE", "rating": 4, "text": "Bom.", "display_name": "Ana"])
            let blank = try await service.call(.post, "/v1/orders/\(recent.id)/reviews", key: recent.token,
                                               json: ["sku": "MUG", "rating": 4, "text": " \n ", "display_name": "Ana"])
            for created in [review, unasked, blank] {
                let id = try #require(created["id"] as? String, "\(created.text)")
                _ = try await service.call(.post, "/v1/reviews/\(id)/moderation", key: merchant.apiKey, json: ["status": "published"])
            }
            let first = try await service.call(.get, "/v1/review-feed?limit=1", key: merchant.apiKey)
            let next = try #require(first["next_cursor"] as? String, "\(first.text)")
            let second = try await service.call(.get, "/v1/review-feed?limit=1&cursor=\(next)", key: merchant.apiKey)
            #expect(second["next_cursor"] == nil)
            let entries = try [first, second].flatMap { try #require($0["items"] as? [[String: Any]]) }
            #expect(entries.compactMap { $0["review_id"] as? String } == [review["id"] as? String, unasked["id"] as? String].compactMap { $0 })
            #expect(entries.last?["collection_method"] as? String == "unsolicited")
            let entry = try #require(entries.first)
            #expect(entry["review_id"] as? String == review["id"] as? String && entry["content"] as? String == "Chegou rápido.")
            #expect(entry["collection_method"] as? String == "post_fulfillment" && entry["is_incentivized_review"] as? Bool == true)
            let product = try #require((entry["products"] as? [[String: Any]])?.first)
            #expect(product["product_name"] as? String == "Red tee" && (product["product_ids"] as? [String: Any])?["skus"] as? [String] == ["TEE"])
            #expect((entry["ratings"] as? [String: Any]).flatMap { $0["overall"] as? [String: Int] } == ["value": 5, "min": 1, "max": 5])
            let since = try await service.call(.get, "/v1/review-feed?changed_since=\(isoTime(later))", key: merchant.apiKey)
            #expect((since["items"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test func aDeliveryIsRatedOnceAndCountedPerCarrierService() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let order = try await service.shippedOrder(merchant, at: Date().addingTimeInterval(-60))
            let waiting = try await service.shippedOrder(merchant, scanned: nil)
            func rate(_ orderID: String, _ body: [String: Any], key: String) async throws -> Reply {
                try await service.call(.post, "/v1/orders/\(orderID)/delivery-ratings", key: key, json: body)
            }
            let rated = try await rate(order.id, ["shipment_id": order.shipment, "rating": 2, "comment": "Chegou amassado."], key: order.token)
            #expect(rated.status == .created, "\(rated.text)")
            #expect(rated["carrier"] as? String == "dhl" && rated["service_level"] as? String == "standard" && rated["submitted_by"] as? String == "customer")
            #expect(try await rate(order.id, ["shipment_id": order.shipment, "rating": 5], key: order.token).status == .conflict)
            let early = try await rate(waiting.id, ["shipment_id": waiting.shipment, "rating": 5], key: waiting.token)
            #expect(try fieldErrors(early)["shipment_id"] == "cannot be rated before it is delivered")
            let foreign = try await rate(order.id, ["shipment_id": waiting.shipment, "rating": 5], key: order.token)
            #expect(try fieldErrors(foreign)["shipment_id"] == "is not a shipment of this order")
            #expect(try await rate(order.id, ["shipment_id": order.shipment, "rating": 5], key: waiting.token).status == .notFound)
            #expect(try fieldErrors(try await rate(order.id, ["shipment_id": order.shipment, "rating": 6], key: order.token))["rating"] == "must be between 1 and 5")

            let analytics = try await service.call(.get, "/v1/promise-analytics", key: merchant.apiKey)
            let ratings = try #require(analytics["delivery_ratings"] as? [String: Any], "\(analytics.text)")
            #expect((ratings["overall"] as? [String: Any])?["histogram"] as? [Int] == [0, 1, 0, 0, 0])
            let service = try #require((ratings["by_service"] as? [[String: Any]])?.first)
            #expect(service["carrier"] as? String == "dhl" && service["service_level"] as? String == "standard")
            #expect(service["ratings"] as? Int == 1 && service["average_rating"] as? Double == 2)
        }
    }
}
