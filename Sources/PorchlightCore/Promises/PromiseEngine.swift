import Foundation

/// A delivery window in local dates with the chance that delivery comes no later than `latest`.
public struct DeliveryWindow: Sendable, Equatable {
    public var earliest: LocalDate
    public var latest: LocalDate
    public var confidence: Double

    public init(earliest: LocalDate, latest: LocalDate, confidence: Double) {
        self.earliest = earliest
        self.latest = latest
        self.confidence = confidence
    }

    /// Days the window spans, counting both ends.
    public var widthDays: Int { latest.days(since: earliest) + 1 }

    /// The confidence as the API states it: three decimals, and never 1 (no finite evidence
    /// makes a date certain).
    public var statedConfidence: Double { min((confidence * 1000).rounded(), 999) / 1000 }

    /// The most a forecast resting on `evidence` shipments can claim: had every one of them
    /// arrived in time, the next might still not (Laplace's rule of succession, (n + 1) / (n + 2)).
    /// The configured ranges a forecast starts from count as `TransitModel.priorWeight` shipments.
    static func mostConfident(evidence: Double) -> Double {
        let shipments = evidence + TransitModel.priorWeight
        return (shipments + 1) / (shipments + 2)
    }
}

/// One way to deliver an order, as offered before checkout.
public struct DeliveryOption: Sendable, Equatable {
    public var service: ServiceKey
    /// The raw forecast: cumulative probability of delivery by each day from `handlingStartsOn`.
    public var forecast: [Double]
    /// Order before this instant for handling to start on `handlingStartsOn`.
    public var orderBy: Date
    public var handlingStartsOn: LocalDate
    public var window: DeliveryWindow
    public var transitBasis: EstimateBasis
    public var handlingBasis: EstimateBasis
}

/// A probability per local date, with the mass past the known range left as a tail.
struct DateDistribution {
    let first: LocalDate
    var probabilities: [Double]
    /// The weight of the shipments behind it: those behind its thinner part.
    let evidence: Double

    /// The window between the policy's two quantiles, in honest probabilities, stating no more
    /// confidence than its evidence allows; nil when the latest falls in the unknown tail.
    func window(_ policy: PromisePolicy, _ recalibration: Recalibration = .identity, offset: Double = 0) -> DeliveryWindow? {
        var sum = 0.0
        var earliest: LocalDate?
        for (day, probability) in probabilities.enumerated() {
            sum += probability
            let honest = recalibration.honest(sum)
            if earliest == nil, honest >= policy.earliestLevel - 1e-9 { earliest = first.adding(days: day) }
            if honest >= policy.onTimeTarget + offset - 1e-9, let earliest {
                return DeliveryWindow(earliest: earliest, latest: first.adding(days: day),
                                      confidence: min(max(honest - offset, 0), DeliveryWindow.mostConfident(evidence: evidence)))
            }
        }
        return nil
    }

    /// Raw cumulative probabilities by day from `first`, up to where nearly everything has arrived:
    /// what a promise keeps so that its outcome can later be scored.
    var cumulative: [Double] {
        var sum = 0.0
        var result: [Double] = []
        for probability in probabilities {
            sum += probability
            result.append((sum * 10_000).rounded() / 10_000)
            if sum >= 0.9999 { break }
        }
        return result
    }
}

/// The promise engine: pure calendar and probability arithmetic over what `TransitModel` learned.
public struct PromiseEngine: Sendable {
    public static let version = "promise-engine/3"
    /// Carriers deliver nearly every parcel that is out for delivery the same day.
    public static let outForDeliveryConfidence = 0.95

    public let model: TransitModel
    public let policy: PromisePolicy
    /// Learned from how recent promises turned out; applied to promises and to the estimates
    /// compared with them.
    public let recalibration: Recalibration
    /// Added to the target after recalibration (`AdaptiveLevel.offset`), from how recent
    /// promises were kept.
    public let levelOffset: Double

    public init(model: TransitModel, policy: PromisePolicy, recalibration: Recalibration = .identity, levelOffset: Double = 0) {
        self.model = model
        self.policy = policy
        self.recalibration = recalibration
        self.levelOffset = levelOffset
    }

    /// The option for an order placed at `instant`; nil where the service cannot deliver there.
    public func quote(_ service: CarrierService, from location: FulfilmentLocation, to destination: Destination, at instant: Date) -> DeliveryOption? {
        guard let outlook = outlook(service, from: location, to: destination, at: instant),
              let window = outlook.dates.window(policy, recalibration, offset: levelOffset)
        else { return nil }
        return DeliveryOption(service: service.key, forecast: outlook.dates.cumulative, orderBy: outlook.handlingStart.instant(atMinute: location.cutoffMinutes, in: location.timeZone),
                              handlingStartsOn: outlook.handlingStart, window: window,
                              transitBasis: outlook.transitBasis, handlingBasis: outlook.handlingBasis)
    }

    /// Everything a quote is made of, before the policy picks its window.
    struct Outlook {
        var handlingStart: LocalDate
        var dates: DateDistribution
        var transitBasis: EstimateBasis
        var handlingBasis: EstimateBasis
    }

    func outlook(_ service: CarrierService, from location: FulfilmentLocation, to destination: Destination, at instant: Date) -> Outlook? {
        let origin = Destination(country: location.country, region: location.region)
        guard let (transit, transitBasis) = model.transit(service, from: origin, to: destination) else { return nil }
        let (handling, handlingBasis) = model.handling(at: location)
        let start = location.handlingStart(forOrderPlacedAt: instant)
        let dates = Self.deliveryDates(handlingStart: start, handling: handling, transit: transit, location: location, service: service)
        return Outlook(handlingStart: start, dates: dates, transitBasis: transitBasis, handlingBasis: handlingBasis)
    }

    /// What is known about one shipment right now.
    public enum Progress: Sendable {
        /// Ordered at the instant, not yet handed to the carrier.
        case awaitingHandOff(placedAt: Date)
        case inTransit(handedOffAt: Date)
        case outForDelivery(scannedAt: Date)

        /// Where a shipment stands, from its tracking; nil once it is delivered or going back to
        /// the sender, when there is nothing left to estimate.
        public init?(_ shipment: ShipmentProgress, orderPlacedAt: Date) {
            switch (shipment.status, shipment.shippedAt) {
            case (.delivered, _), (.returnedToSender, _): return nil
            case (.outForDelivery, _): self = .outForDelivery(scannedAt: shipment.decidedAt ?? orderPlacedAt)
            case (_, let shippedAt?): self = .inTransit(handedOffAt: shippedAt)
            case (_, nil): self = .awaitingHandOff(placedAt: orderPlacedAt)
            }
        }
    }

    /// The current estimate for a shipment, given its progress: time already spent waiting or
    /// travelling rules out the fast outcomes, and "out for delivery" means today. The window is
    /// the merchant's, cut at the same calibrated level as the promise's, because
    /// `promise_at_risk` compares their latest dates: a raw cut would flag promises whenever
    /// recalibration moved them. A `coverage` asks instead for the raw window that leaves
    /// (1 − coverage) / 2 on each side (the backtest measures how often the model's windows hold
    /// the delivery).
    public func estimate(_ progress: Progress, service: CarrierService, from location: FulfilmentLocation,
                         to destination: Destination, now: Date, coverage: Double? = nil) -> (DeliveryWindow, EstimateBasis)? {
        let today = LocalDate(now, in: location.timeZone)
        let origin = Destination(country: location.country, region: location.region)
        switch progress {
        case .outForDelivery(let scannedAt):
            let day = max(LocalDate(scannedAt, in: location.timeZone), today)
            return (DeliveryWindow(earliest: day, latest: day, confidence: Self.outForDeliveryConfidence), .latestScan)
        case .inTransit(let handedOffAt):
            guard let (transit, basis) = model.transit(service, from: origin, to: destination) else { return nil }
            let handedOffOn = LocalDate(handedOffAt, in: location.timeZone)
            let elapsed = today > handedOffOn ? service.deliveryDays.openDays(after: handedOffOn, through: today.adding(days: -1)) + 1 : 0
            let dates = Self.deliveryDates(pickupOn: handedOffOn, transit: transit.given(atLeast: elapsed), service: service)
            return window(of: dates, coverage: coverage).map { ($0, basis) }
        case .awaitingHandOff(let placedAt):
            guard let (transit, basis) = model.transit(service, from: origin, to: destination) else { return nil }
            let start = location.handlingStart(forOrderPlacedAt: placedAt)
            let elapsed = today > start ? location.workingDays.openDays(after: start, through: today.adding(days: -1)) + 1 : 0
            let handling = model.handling(at: location).0.given(atLeast: elapsed)
            let dates = Self.deliveryDates(handlingStart: start, handling: handling, transit: transit, location: location, service: service)
            return window(of: dates, coverage: coverage).map { ($0, basis) }
        }
    }

    private func window(of dates: DateDistribution, coverage: Double?) -> DeliveryWindow? {
        guard let coverage else { return dates.window(policy, recalibration, offset: levelOffset) }
        return dates.window(PromisePolicy(onTimeTarget: (1 + coverage) / 2))
    }

    /// Combines handling and transit into a distribution over delivery dates. Each handling outcome
    /// gives a hand-off day (rolled to the carrier's next pickup day); each transit outcome counts
    /// the carrier's delivery days from there.
    static func deliveryDates(handlingStart: LocalDate, handling: DayDistribution, transit: DayDistribution,
                              location: FulfilmentLocation, service: CarrierService) -> DateDistribution {
        var combined = DateDistribution(first: handlingStart, probabilities: [], evidence: min(handling.evidence, transit.evidence))
        var handOffDay = handlingStart
        for (days, probability) in handling.probabilities.enumerated() {
            if days > 0 { handOffDay = location.workingDays.advance(handOffDay, by: 1) }
            guard probability > 1e-12 else { continue }
            let pickup = service.pickupDays.firstOpen(onOrAfter: handOffDay)
            let leg = deliveryDates(pickupOn: pickup, transit: transit, service: service)
            let offset = leg.first.days(since: combined.first)
            if combined.probabilities.count < offset + leg.probabilities.count {
                combined.probabilities += [Double](repeating: 0, count: offset + leg.probabilities.count - combined.probabilities.count)
            }
            for (index, legProbability) in leg.probabilities.enumerated() where legProbability > 0 {
                combined.probabilities[offset + index] += probability * legProbability
            }
        }
        return combined
    }

    static func deliveryDates(pickupOn pickup: LocalDate, transit: DayDistribution, service: CarrierService) -> DateDistribution {
        var dates = DateDistribution(first: pickup, probabilities: [], evidence: transit.evidence)
        var day = pickup
        let lastDay = transit.probabilities.lastIndex { $0 > 0 } ?? 0
        for (days, probability) in transit.probabilities[...lastDay].enumerated() {
            if days > 0 { day = service.deliveryDays.advance(day, by: 1) }
            let offset = day.days(since: pickup)
            if dates.probabilities.count <= offset {
                dates.probabilities += [Double](repeating: 0, count: offset + 1 - dates.probabilities.count)
            }
            dates.probabilities[offset] += probability
        }
        return dates
    }
}
