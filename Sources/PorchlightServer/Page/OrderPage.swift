import Foundation
import PorchlightAPI
import PorchlightCore

/// The customer view as the page reads it: the JSON the API sends for the same proof
/// (`CustomerOrderView`), decoded with its times kept as written, so the page can show no more
/// than the API and writes each scan in the carrier's own local time.
struct CustomerViewSource: Decodable {
    struct Line: Decodable { var sku: String; var name: String; var quantity: Int; var delivered_quantity: Int; var image_url: String? }
    struct LineQuantity: Decodable { var sku: String; var quantity: Int }
    struct Window: Decodable { var earliest: String; var latest: String }
    struct Event: Decodable {
        struct Place: Decodable { var city: String?; var region: String?; var country: String? }
        var status: TrackingStatus; var description: String?; var location: Place?; var occurred_at: String
    }
    struct Shipment: Decodable {
        var carrier: String; var tracking_number: String?; var status: TrackingStatus; var delivered_at: String?
        var estimate: Window?; var lines: [LineQuantity]; var events: [Event]
    }
    struct Return: Decodable {
        var decision: ReturnDecision; var logistics: ReturnLogistics; var money: ReturnMoney; var lines: [LineQuantity]

        enum CodingKeys: String, CodingKey { case decision, logistics, money, lines }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func value<Value: RawRepresentable<String>>(_ key: CodingKeys) throws -> Value {
                let raw = try container.decode(String.self, forKey: key)
                guard let value = Value(rawValue: raw) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "unknown value '\(raw)'")
                }
                return value
            }
            (decision, logistics, money) = (try value(.decision), try value(.logistics), try value(.money))
            lines = try container.decode([LineQuantity].self, forKey: .lines)
        }
    }
    struct Alert: Decodable { var severity: AlertSeverity }
    struct Promise: Decodable { var earliest: String; var latest: String }

    struct Contact: Decodable { var name: String? }
    struct Destination: Decodable { var country: String }

    var order_number: String
    var status: OrderStatus
    /// With the email or a link proof only.
    var contact: Contact?
    var destination: Destination
    var placed_at: String
    var lines: [Line]
    var shipments: [Shipment]
    var returns: [Return]?
    var alert: Alert?
    var promise: Promise?
    var estimate: Window?
    var promise_at_risk: Bool?
    var confirmation: OrderConfirmation?
}

/// Everything the order page shows, computed from what the API answers the same customer.
struct OrderPageModel {
    struct Option { var kind: String; var text: String; var remedyID: String; var actionable: Bool }
    /// `choosable`: this customer may choose now (the intro and the deadline say so only then).
    struct Remedy { var choiceText: String?; var codeText: String?; var expiresText: String; var choosable: Bool; var options: [Option] }
    struct Alert { var severityText: String; var remedies: [Remedy] }
    struct Arrival { var sentence: String; var windowText: String?; var confidenceText: String?; var late: Bool; var promiseText: String? }
    struct Checkpoint { var when: String; var what: String; var detail: String?; var place: String? }
    struct Parcel {
        var number: Int; var heading: String; var statusText: String; var tone: String; var carrier: String; var trackingNumber: String?
        var windowText: String?; var items: [String]; var recent: [Checkpoint]; var older: [Checkpoint]
        // Stored, not computed: templates read stored properties only (Mirror).
        var hasCheckpoints: Bool; var hasOlder: Bool
        var showAllText: String
    }
    struct Choice { var value: String; var text: String }
    struct ReturnLine { var index: Int; var sku: String; var name: String; var max: Int }
    struct ReturnForm { var lines: [ReturnLine]; var reasons: [Choice]; var resolutions: [Choice]; var methods: [Choice] }
    struct Eligibility { var name: String; var message: String }
    struct Progress { var lines: String; var state: String }
    struct Returns { var progress: [Progress]; var hasProgress: Bool; var eligibility: [Eligibility]; var form: ReturnForm? }
    struct Star { var value: Int; var text: String }
    struct ReviewLine { var index: Int; var sku: String; var prompt: String; var stars: [Star]; var displayName: String }
    struct Rating { var number: Int; var prompt: String; var stars: [Star] }
    struct Reviews { var lines: [ReviewLine]; var ratings: [Rating] }
    struct Recommendation { var href: String; var name: String; var imageURL: String? }
    /// What may be chosen after a failed attempt; each field of the form belongs to one kind.
    struct DeliveryForm {
        var respondByText: String; var kinds: [Choice]; var dates: [Choice]; var pickupPoints: [Choice]
        var hasDates: Bool; var offersInstructions: Bool; var offersAddress: Bool; var hasPickupPoints: Bool
    }
    /// A parcel's failed delivery attempt: why, what was asked of the carrier, what may be chosen.
    struct DeliveryProblem { var exceptionID: String; var heading: String; var reasonText: String; var actionText: String?; var retryText: String?; var form: DeliveryForm? }
    struct Line { var text: String }

    var slug: String
    var lang: String
    var formToken: String
    var version: Int
    var heading: String
    var statusText: String
    var statusTone: String
    var placedText: String
    var notice: String?
    var error: String?
    var arrival: Arrival
    var alert: Alert?
    /// A cash-on-delivery order this customer may confirm now.
    var awaitsConfirmation: Bool
    var deliveryProblems: [DeliveryProblem]
    var parcels: [Parcel]
    var lines: [Line]
    var returns: Returns?
    var reviews: Reviews?
    var recommendations: [Recommendation]
    var hasRecommendations: Bool
    /// Every page text in the page's language, by key (`{{t.returnsHeading}}`).
    var t: [String: String]
}

/// What the order page is built from: the customer's view and what the API answers the same
/// customer about arrival, remedies and returns, plus what only the page needs.
struct OrderPageInputs {
    var view: CustomerViewSource
    var version: Int
    var proof: CustomerProof
    var estimate: Components.Schemas.ArrivalEstimate
    var remedies: [Components.Schemas.Remedy]
    var deliveryExceptions: [Components.Schemas.DeliveryException]
    /// The order's shipment ids, in the customer view's order: how the page numbers parcels.
    var shipmentIDs: [String]
    var eligibility: Components.Schemas.ReturnEligibility
    var policy: ReturnPolicy
    /// Lines already reviewed, and parcels (numbered from 1) already rated.
    var reviewedSKUs: Set<String>
    var ratedParcels: Set<Int>
    var recommendations: [PageBranding.Recommendation]
}

extension OrderPageModel {
    /// The page for these inputs in `language`. `formToken` is nil in a merchant's preview, whose
    /// forms are shown but cannot be sent.
    init(_ inputs: OrderPageInputs, language: CustomerLanguage, slug: String, formToken: String?, notice: String?, error: String?) {
        let view = inputs.view
        func t(_ key: PageText, _ values: [String: String] = [:]) -> String { key.text(language, values) }
        func day(_ text: String) -> String { LocalDate(text).map(language.format) ?? text }
        let names = Dictionary(view.lines.map { ($0.sku, $0.name) }, uniquingKeysWith: { first, _ in first })
        let acts = inputs.proof.satisfies(.email)
        let stars = [PageText.starsFive, .starsFour, .starsThree, .starsTwo, .starsOne].enumerated().map { Star(value: 5 - $0.offset, text: t($0.element)) }

        self.slug = slug
        lang = language.rawValue
        self.t = PageTexts.all(language)
        self.formToken = formToken ?? ""
        version = inputs.version
        heading = t(.orderHeading, ["number": view.order_number])
        (statusText, statusTone) = Self.orderStatus(view.status, language)
        placedText = t(.placedOn, ["date": LocalDate(String(view.placed_at.prefix(10))).map(language.format) ?? view.placed_at])
        (self.notice, self.error) = (notice, error)

        let estimate = inputs.estimate
        arrival = Arrival(
            sentence: estimate.message,
            windowText: estimate.deliveredAt == nil ? estimate.window.map { t(.arrivalWindow, ["earliest": day($0.earliest), "latest": day($0.latest)]) } : nil,
            confidenceText: estimate.deliveredAt == nil ? estimate.confidence.map { t(.arrivalConfidence, ["percent": String(Int(($0 * 100).rounded()))]) } : nil,
            late: estimate.deliveredAt == nil && (view.promise_at_risk ?? false),
            promiseText: view.promise.map { t(.promisedWindow, ["earliest": day($0.earliest), "latest": day($0.latest)]) })

        alert = view.alert.map { alert in
            let severity: PageText = switch alert.severity { case .critical: .alertCritical; case .longDelay: .alertLongDelay; case .delay: .alertDelay }
            let remedies = inputs.remedies.filter { $0.status == .offered || $0.status == .chosen || $0.status == .applied }.map { remedy in
                Remedy(choiceText: remedy.choice.map { t(.remedyChosen, ["choice": Self.remedyText($0.kind, language)]) },
                       codeText: remedy.code.map { t(.remedyCode, ["code": $0]) },
                       expiresText: t(.remedyExpires, ["date": language.formatInstant(APITime.text(remedy.expiresAt))]),
                       choosable: acts && remedy.status == .offered,
                       options: remedy.offers.map { Option(kind: $0.kind.rawValue, text: Self.remedyText($0.kind, language), remedyID: remedy.id,
                                                           actionable: acts && remedy.status == .offered) })
            }
            return Alert(severityText: t(severity), remedies: remedies)
        }

        awaitsConfirmation = acts && view.confirmation == .awaiting && view.status != .cancelled
        let count = view.shipments.count
        deliveryProblems = inputs.deliveryExceptions.filter { $0.status != .closed }.map { exception in
            Self.deliveryProblem(exception, parcel: (inputs.shipmentIDs.firstIndex(of: exception.shipmentId) ?? 0) + 1, of: count,
                                 timeZone: Countries.timeZone(of: view.destination.country), language)
        }
        parcels = view.shipments.enumerated().map { index, shipment in
            let checkpoints = shipment.events.sorted { (APITime.instant($0.occurred_at) ?? .distantPast) > (APITime.instant($1.occurred_at) ?? .distantPast) }
                .map { event in
                    Checkpoint(when: language.formatInstant(event.occurred_at), what: Self.scanText(event.status, language), detail: event.description,
                               place: event.location.map { [$0.city, $0.region, $0.country].compactMap { $0 }.joined(separator: ", ") }.flatMap { $0.isEmpty ? nil : $0 })
                }
            let (status, tone) = Self.parcelStatus(shipment.status, language)
            return Parcel(number: index + 1, heading: t(.parcelHeading, ["number": String(index + 1), "count": String(count)]), statusText: status, tone: tone,
                          carrier: shipment.carrier, trackingNumber: shipment.tracking_number,
                          windowText: shipment.delivered_at.map { t(.deliveredOn, ["date": language.formatInstant($0)]) }
                              ?? shipment.estimate.map { t(.arrivalWindow, ["earliest": day($0.earliest), "latest": day($0.latest)]) },
                          items: shipment.lines.map { t(.quantityOf, ["quantity": String($0.quantity), "name": names[$0.sku] ?? $0.sku]) },
                          recent: Array(checkpoints.prefix(3)), older: Array(checkpoints.dropFirst(3)),
                          hasCheckpoints: !checkpoints.isEmpty, hasOlder: checkpoints.count > 3,
                          showAllText: t(.showAllCheckpoints, ["count": String(checkpoints.count)]))
        }
        lines = view.lines.map { Line(text: t(.quantityOf, ["quantity": String($0.quantity), "name": $0.name])) }

        let eligible = inputs.eligibility.lines.filter { $0.eligible && $0.returnableQuantity > 0 }
        let progress = (view.returns ?? []).map { item in
            Progress(lines: item.lines.map { t(.quantityOf, ["quantity": String($0.quantity), "name": names[$0.sku] ?? $0.sku]) }.joined(separator: ", "),
                     state: Self.returnState(item, language))
        }
        let resolutions = ReturnResolution.allCases.filter { inputs.policy.resolutions.contains($0) && $0 != .exchange && $0 != .reship }
        let form = acts && !eligible.isEmpty && !resolutions.isEmpty ? ReturnForm(
            lines: eligible.enumerated().map { ReturnLine(index: $0.offset, sku: $0.element.sku, name: names[$0.element.sku] ?? $0.element.sku, max: $0.element.returnableQuantity) },
            reasons: ReturnReason.allCases.map { Choice(value: $0.rawValue, text: Self.reasonText($0, language)) },
            resolutions: resolutions.map { Choice(value: $0.rawValue, text: Self.resolutionText($0, language)) },
            methods: ReturnMethod.allCases.filter(inputs.policy.methods.contains).map { Choice(value: $0.rawValue, text: Self.methodText($0, language)) }) : nil
        let eligibility = inputs.eligibility.lines.filter { $0.purchasedQuantity > 0 }.map { Eligibility(name: names[$0.sku] ?? $0.sku, message: $0.message) }
        returns = progress.isEmpty && eligible.isEmpty && view.status != .delivered && view.status != .partiallyDelivered
            ? nil : Returns(progress: progress, hasProgress: !progress.isEmpty, eligibility: eligibility, form: form)

        if acts {
            let reviewable = view.lines.filter { $0.delivered_quantity > 0 && !inputs.reviewedSKUs.contains($0.sku) }
            let rateable = view.shipments.enumerated().filter { $0.element.status == .delivered && !inputs.ratedParcels.contains($0.offset + 1) }
            let reviews = Reviews(
                lines: reviewable.enumerated().map {
                    ReviewLine(index: $0.offset, sku: $0.element.sku, prompt: t(.reviewIntro, ["name": $0.element.name]), stars: stars,
                               displayName: Self.reviewerName(view.contact?.name))
                },
                ratings: rateable.map { Rating(number: $0.offset + 1, prompt: count > 1 ? "\(t(.deliveryRatingLabel)) (\(t(.parcelHeading, ["number": String($0.offset + 1), "count": String(count)])))" : t(.deliveryRatingLabel), stars: stars) })
            self.reviews = reviews.lines.isEmpty && reviews.ratings.isEmpty ? nil : reviews
        } else {
            reviews = nil
        }
        recommendations = inputs.recommendations.map { item in
            Recommendation(href: "/pages/\(slug)/recommendations/\(item.sku.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? item.sku)",
                           name: item.name, imageURL: item.imageURL)
        }
        hasRecommendations = !recommendations.isEmpty
    }

    /// The deadline is written in the destination's time zone, where it is counted.
    static func deliveryProblem(_ exception: Components.Schemas.DeliveryException, parcel: Int, of count: Int, timeZone: TimeZone,
                                _ language: CustomerLanguage) -> DeliveryProblem {
        func t(_ key: PageText, _ values: [String: String] = [:]) -> String { key.text(language, values) }
        let reason: PageText = switch exception.reason {
        case .customerUnavailable: .deliveryReasonCustomerUnavailable
        case .addressProblem: .deliveryReasonAddressProblem
        case .refused: .deliveryReasonRefused
        case .paymentOrId: .deliveryReasonPaymentOrID
        case .accessProblem: .deliveryReasonAccessProblem
        case .carrierProblem: .deliveryReasonCarrierProblem
        }
        let last = exception.actions.last
        let actionText: String? = switch last?.status {
        case .requested?: t(.deliveryActionRequested, ["choice": deliveryKindText(last!.kind, language)])
        case .acknowledged?: t(.deliveryActionConfirmed, ["choice": deliveryKindText(last!.kind, language)])
        case .failed?, .withdrawn?, nil: nil
        }
        let choices = exception.choices
        let form = choices.kinds.isEmpty ? nil : DeliveryForm(
            respondByText: t(.deliveryRespondBy, ["date": language.formatInstant(exception.respondBy, in: timeZone)]),
            kinds: choices.kinds.map { Choice(value: $0.rawValue, text: deliveryKindText($0, language)) },
            dates: choices.dates.map { Choice(value: $0, text: LocalDate($0).map(language.format) ?? $0) },
            pickupPoints: choices.pickupPoints.map { point in
                let hours = point.openingHours.map { hours in
                    hours.days.compactMap { Weekday(rawValue: $0.rawValue).map(language.shortName) }.joined(separator: ", ") + " \(hours.opens)–\(hours.closes)"
                }.joined(separator: "; ")
                return Choice(value: point.id, text: "\(point.name), \(point.address.line1), \(point.address.city) (\(hours))")
            },
            hasDates: choices.kinds.contains(.reattempt), offersInstructions: choices.kinds.contains(.instructions),
            offersAddress: choices.kinds.contains(.addressChange), hasPickupPoints: choices.kinds.contains(.pickupPoint))
        return DeliveryProblem(
            exceptionID: exception.id, heading: count > 1 ? "\(t(.deliveryFailedHeading)) (\(t(.parcelHeading, ["number": String(parcel), "count": String(count)])))" : t(.deliveryFailedHeading),
            reasonText: t(reason), actionText: actionText,
            retryText: last?.status == .failed && form != nil ? t(.deliveryCarrierCouldNot) : nil, form: form)
    }

    static func deliveryKindText(_ kind: Components.Schemas.DeliveryActionKind, _ language: CustomerLanguage) -> String {
        let key: PageText = switch kind {
        case .reattempt: .deliveryKindReattempt
        case .instructions: .deliveryKindInstructions
        case .addressChange: .deliveryKindAddressChange
        case .pickupPoint: .deliveryKindPickupPoint
        case .returnToSender: .deliveryKindReturnToSender
        }
        return key.text(language)
    }

    /// How a review is signed unless the customer changes it: the first name and the initial of
    /// the last ("Ana P."), never the whole name.
    static func reviewerName(_ name: String?) -> String {
        let words = (name ?? "").split(whereSeparator: \.isWhitespace)
        guard let first = words.first else { return "" }
        guard words.count > 1, let last = words.last else { return String(first) }
        return "\(first) \(last.prefix(1))."
    }

    /// The order's status as the header states it, and its tone (`good`, `bad`, `neutral`) for colour.
    static func orderStatus(_ status: OrderStatus, _ language: CustomerLanguage) -> (String, String) {
        let tone = switch status {
        case .processing, .partiallyShipped, .shipped, .inTransit: "neutral"
        case .outForDelivery, .availableForPickup, .partiallyDelivered, .delivered: "good"
        case .attemptedDelivery, .exception, .cancelled: "bad"
        }
        return (status.pageText.text(language), tone)
    }

    static func parcelStatus(_ status: TrackingStatus, _ language: CustomerLanguage) -> (String, String) {
        let tone = switch status {
        case .delivered, .outForDelivery, .availableForPickup: "good"
        case .exception, .attemptedDelivery, .returnedToSender: "bad"
        case .pending, .infoReceived, .inTransit: "neutral"
        }
        return (scanText(status, language), tone)
    }

    static func scanText(_ status: TrackingStatus, _ language: CustomerLanguage) -> String {
        let key: PageText = switch status {
        case .pending: .parcelPending
        case .infoReceived: .scanInfoReceived
        case .inTransit: .scanInTransit
        case .outForDelivery: .scanOutForDelivery
        case .attemptedDelivery: .scanAttemptedDelivery
        case .availableForPickup: .scanAvailableForPickup
        case .delivered: .scanDelivered
        case .exception: .scanException
        case .returnedToSender: .scanReturnedToSender
        }
        return key.text(language)
    }

    static func remedyText(_ kind: Components.Schemas.RemedyKind, _ language: CustomerLanguage) -> String {
        RemedyKind(kind).pageText.text(language)
    }

    static func reasonText(_ reason: ReturnReason, _ language: CustomerLanguage) -> String {
        let key: PageText = switch reason {
        case .damaged: .reasonDamaged
        case .defective: .reasonDefective
        case .wrongItem: .reasonWrongItem
        case .notAsDescribed: .reasonNotAsDescribed
        case .tooSmall: .reasonTooSmall
        case .tooLarge: .reasonTooLarge
        case .changedMind: .reasonChangedMind
        case .arrivedLate: .reasonArrivedLate
        case .other: .reasonOther
        }
        return key.text(language)
    }

    static func resolutionText(_ resolution: ReturnResolution, _ language: CustomerLanguage) -> String {
        let key: PageText = switch resolution {
        case .refund: .resolutionRefund
        case .storeCredit: .resolutionStoreCredit
        case .exchange: .resolutionExchange
        case .keepItem: .resolutionKeepItem
        case .reship: .resolutionReship
        }
        return key.text(language)
    }

    static func methodText(_ method: ReturnMethod, _ language: CustomerLanguage) -> String {
        let key: PageText = switch method {
        case .mail: .methodMail
        case .inStore: .methodInStore
        case .returnless: .methodReturnless
        }
        return key.text(language)
    }

    /// A return's progress in one phrase: the money once settled, else the parcel once it moves,
    /// else the decision.
    static func returnState(_ item: CustomerViewSource.Return, _ language: CustomerLanguage) -> String {
        let decision: PageText = switch item.decision {
        case .requested: .returnRequested
        case .approved: .returnApproved
        case .declined: .returnDeclined
        case .cancelled: .returnCancelled
        }
        let logistics: PageText? = switch item.logistics {
        case .notRequired: nil
        case .awaiting: .returnAwaitingParcel
        case .inTransit: .returnParcelInTransit
        case .received: .returnReceived
        case .lost: .returnLost
        case .expired: .returnExpired
        }
        let money: PageText? = switch item.money {
        case .pending, .none: nil
        case .refunded: .returnRefunded
        case .credited: .returnCredited
        case .exchanged: .returnExchanged
        case .kept: .returnKept
        case .reshipped: .returnReshipped
        }
        let ended = item.decision == .declined || item.decision == .cancelled
        return (ended ? decision : money ?? logistics ?? decision).text(language)
    }
}
