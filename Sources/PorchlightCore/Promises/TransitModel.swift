import Foundation

/// One shipment as history knows it: where it went, when it was ordered, handed to the carrier
/// and delivered (either may still be ahead), and its order's learning key (`LearningSample`).
public struct ShipmentHistoryRecord: Sendable, Equatable {
    public var service: ServiceKey
    public var locationCode: String
    public var origin: Destination
    public var destination: Destination
    public var placedAt: Date
    public var handedOffAt: Date?
    public var deliveredAt: Date?
    public var learningKey: Date

    public init(service: ServiceKey, locationCode: String, origin: Destination, destination: Destination,
                placedAt: Date, handedOffAt: Date?, deliveredAt: Date?, learningKey: Date) {
        self.service = service
        self.locationCode = locationCode
        self.origin = origin
        self.destination = destination
        self.placedAt = placedAt
        self.handedOffAt = handedOffAt
        self.deliveredAt = deliveredAt
        self.learningKey = learningKey
    }
}

/// Where a learned duration came from, most specific first. A level is named once it has
/// `TransitModel.namedEvidence` recent shipments; below that, the estimate is named `configured`.
public enum EstimateBasis: String, Sendable, Codable, CaseIterable {
    /// This carrier service from this origin region to this destination region.
    case lane
    /// This carrier service into the destination region, from anywhere.
    case destinationRegion = "destination_region"
    /// This carrier service between the two countries.
    case route
    /// This carrier service into the destination country, from anywhere. (Promises and
    /// estimates stored before transit stayed within the destination country pooled every
    /// country under this name.)
    case carrierService = "carrier_service"
    /// Handling measured at this location.
    case location
    /// Handling measured at the merchant's other locations in the same country.
    case merchant
    /// The merchant's configuration: no shipments yet, or too few to name a level (they move
    /// the configured range only in proportion to their number).
    case configured
    /// The carrier's latest scan ("out for delivery" means today).
    case latestScan = "latest_scan"
    /// The day the carrier was asked to deliver after a failed attempt (`DeliveryActionRequest`).
    case customerChoice = "customer_choice"
}

enum TransitKey: Hashable, Sendable {
    case lane(ServiceKey, String, String?, String, String?)
    case destinationRegion(ServiceKey, String, String?)
    case route(ServiceKey, String, String)
    case country(ServiceKey, String)

    /// Most general first: the order in which learned data refines the estimate. Every level
    /// lies within the destination country: how a service does in Spain says nothing about
    /// Romania, so above the country there is only the configured range for it.
    static func chain(service: ServiceKey, origin: Destination, destination: Destination) -> [(TransitKey, EstimateBasis)] {
        [(.country(service, destination.country), .carrierService),
         (.route(service, origin.country, destination.country), .route),
         (.destinationRegion(service, destination.country, destination.region), .destinationRegion),
         (.lane(service, origin.country, origin.region, destination.country, destination.region), .lane)]
    }
}

/// History with its local dates and working-day counts worked out once, so that models learned at
/// many moments (the backtest learns one per day) share the calendar work.
public struct PreparedHistory: Sendable {
    struct Entry: Sendable {
        var locationCode: String
        var timeZone: TimeZone
        var workingDays: WorkCalendar
        var placedAt: Date
        var learningKey: Date
        var handlingStart: LocalDate
        var handedOffAt: Date?
        var handedOffOn: LocalDate?
        var handlingDays: Int?
        /// Working days of handling past which an order not yet handed off has stalled.
        var stallsAfter: Int
        var deliveredAt: Date?
        var transitDays: Int?
        /// Where transit observations count, and the carrier's delivery days; nil for unknown services.
        var transitKeys: [TransitKey]
        var deliveryDays: WorkCalendar?
    }

    let entries: [Entry]
    /// The country of each of the merchant's locations, by code.
    let locationCountries: [String: String]

    /// The shipments of orders placed in the lookback before `asOf`.
    func known(at asOf: Date) -> [Entry] {
        entries.filter { $0.placedAt <= asOf && asOf.timeIntervalSince($0.placedAt) <= TransitModel.lookbackDays * 86_400 }
    }

    /// Records from unknown locations teach nothing; from unknown services, only handling.
    public init(_ history: [ShipmentHistoryRecord], locations: [String: FulfilmentLocation], services: [ServiceKey: CarrierService]) {
        locationCountries = locations.mapValues(\.country)
        entries = history.compactMap { record in
            guard let location = locations[record.locationCode] else { return nil }
            let start = location.handlingStart(forOrderPlacedAt: record.placedAt)
            let handedOffOn = record.handedOffAt.map { LocalDate($0, in: location.timeZone) }
            let service = services[record.service]
            var transitDays: Int?
            if let handedOffOn, let deliveredAt = record.deliveredAt, let service {
                transitDays = service.deliveryDays.openDays(after: handedOffOn, through: LocalDate(deliveredAt, in: location.timeZone))
            }
            return Entry(locationCode: record.locationCode, timeZone: location.timeZone, workingDays: location.workingDays,
                         placedAt: record.placedAt, learningKey: record.learningKey, handlingStart: start, handedOffAt: record.handedOffAt, handedOffOn: handedOffOn,
                         handlingDays: handedOffOn.map { location.workingDays.openDays(after: start, through: $0) },
                         stallsAfter: location.handlingDays + TransitModel.stallGraceDays, deliveredAt: record.deliveredAt, transitDays: transitDays,
                         transitKeys: service == nil ? [] : TransitKey.chain(service: record.service, origin: record.origin, destination: record.destination).map(\.0),
                         deliveryDays: service?.deliveryDays)
        }
    }
}

/// What the engine has learned from history up to one moment: handling time per location and
/// transit time per lane, each as a distribution over working days, with recent shipments weighing
/// more and shipments still under way counted as censored. A lane with little data leans on the
/// broader levels above it within the destination country (destination region, route, the
/// service in that country, the configured range) in proportion to how little it has; a
/// location's handling leans on the merchant's other locations in its country, then on its
/// configured handling days.
public struct TransitModel: Sendable {
    public static let halfLifeDays = 30.0
    public static let lookbackDays = 365.0
    /// How many observations a broader level's opinion is worth against a narrower level's data.
    public static let priorWeight = 20.0
    /// Evidence a level needs before it is named as the basis of an estimate.
    public static let namedEvidence = 10.0
    /// Working days past its location's handling days after which an order still waiting for
    /// its hand-off has stalled (a working week late). A stalled order is an alert for the
    /// merchant (forgotten, out of stock), not evidence that handling takes weeks: while it
    /// waits it does not count; once handed off, its real handling time does.
    public static let stallGraceDays = 5

    public let asOf: Date
    private var handlingByLocation: [String: DayDistribution] = [:]
    /// By location code: handling measured at the merchant's other locations in its country.
    private var handlingElsewhere: [String: DayDistribution] = [:]
    private var transit: [TransitKey: DayDistribution] = [:]

    /// Learns from what was known at `asOf` only: later hand-offs and deliveries are treated as not
    /// yet happened. With a `threshold`, learns from the sample of orders whose learning key is
    /// later, each weighed as `LearningSample` says.
    public init(history: PreparedHistory, asOf: Date, threshold: Date?) {
        self.asOf = asOf
        var handling: [String: DurationTally] = [:]
        var transitObservations: [TransitKey: [DurationObservation]] = [:]
        for entry in history.known(at: asOf) where threshold.map({ entry.learningKey > $0 }) ?? true {
            let sampling = LearningSample.inverseInclusion(placedAt: entry.placedAt, threshold: threshold)
            // Time-zone lookups are slow; only observations still under way need one.
            var yesterday: LocalDate { LocalDate(asOf, in: entry.timeZone).adding(days: -1) }
            // Handling: finished at the hand-off; still going, it is known only that every working
            // day until yesterday passed without one, unless the order has stalled.
            let placedWeight = Self.weight(since: entry.placedAt, asOf: asOf)
            if let handedOffAt = entry.handedOffAt, handedOffAt <= asOf, let days = entry.handlingDays {
                handling[entry.locationCode, default: DurationTally()].add(
                    DurationObservation(days: days, finished: true, weight: placedWeight * sampling, evidence: placedWeight))
            } else if yesterday >= entry.handlingStart {
                let waited = entry.workingDays.openDays(after: entry.handlingStart, through: yesterday)
                if waited <= entry.stallsAfter {
                    handling[entry.locationCode, default: DurationTally()].add(
                        DurationObservation(days: waited, finished: false, weight: placedWeight * sampling, evidence: placedWeight))
                }
            }
            // Transit, likewise from the hand-off to the delivery.
            guard let handedOffAt = entry.handedOffAt, handedOffAt <= asOf, let handedOffOn = entry.handedOffOn,
                  let deliveryDays = entry.deliveryDays
            else { continue }
            let weight = Self.weight(since: handedOffAt, asOf: asOf)
            let observation: DurationObservation
            if let deliveredAt = entry.deliveredAt, deliveredAt <= asOf, let days = entry.transitDays {
                observation = DurationObservation(days: days, finished: true, weight: weight * sampling, evidence: weight)
            } else if yesterday >= handedOffOn {
                observation = DurationObservation(days: deliveryDays.openDays(after: handedOffOn, through: yesterday), finished: false,
                                                  weight: weight * sampling, evidence: weight)
            } else { continue }
            for key in entry.transitKeys { transitObservations[key, default: []].append(observation) }
        }
        handlingByLocation = handling.compactMapValues(\.kaplanMeier)
        // A location's "elsewhere" is the sum of the tallies before it and after it in its
        // country (in code order, so that every pass adds them up alike).
        for locations in Dictionary(grouping: history.locationCountries.sorted { $0.key < $1.key }, by: \.value).values {
            let tallies = locations.map { handling[$0.key] ?? DurationTally() }
            func runningSums(_ tallies: some Sequence<DurationTally>) -> [DurationTally] {
                tallies.reduce(into: [DurationTally()]) { sums, tally in sums.append(sums[sums.count - 1] + tally) }
            }
            let before = runningSums(tallies), after = runningSums(tallies.reversed())
            for (index, location) in locations.enumerated() {
                handlingElsewhere[location.key] = (before[index] + after[locations.count - 1 - index]).kaplanMeier
            }
        }
        transit = transitObservations.compactMapValues(DayDistribution.kaplanMeier)
    }

    /// Learns from what the store read.
    public init(history: HistorySample, asOf: Date, locations: [String: FulfilmentLocation], services: [ServiceKey: CarrierService]) {
        self.init(history: PreparedHistory(history.shipments, locations: locations, services: services), asOf: asOf,
                  threshold: history.threshold)
    }

    /// Learns from at most `sampleSize` of the shipments known at `asOf`, chosen as the store
    /// chooses them (the backtest, which holds the whole history in memory).
    public static func sampling(_ history: PreparedHistory, asOf: Date, sampleSize: Int) -> TransitModel {
        let keys = history.known(at: asOf).map(\.learningKey)
        return TransitModel(history: history, asOf: asOf, threshold: LearningSample.threshold(of: keys, size: sampleSize))
    }

    /// Working days from the start of handling to the hand-off at `location`: its configured
    /// days, refined by what the merchant's other locations in its country measured, refined by
    /// its own measured handling, each in proportion to how much there is of it. A location's
    /// own shipments count once (a lone warehouse's thin data leans on its configured days, not
    /// on itself), and never another country's.
    public func handling(at location: FulfilmentLocation) -> (DayDistribution, EstimateBasis) {
        var estimate = DayDistribution.fixed(location.handlingDays)
        var basis = EstimateBasis.configured
        for (learned, level) in [(handlingElsewhere[location.code], EstimateBasis.merchant), (handlingByLocation[location.code], .location)] {
            guard let learned else { continue }
            estimate = learned.shrunk(towards: estimate, priorWeight: Self.priorWeight)
            if learned.evidence >= Self.namedEvidence { basis = level }
        }
        return (estimate, basis)
    }

    /// The carrier's delivery days from hand-off to delivery: the configured range for the
    /// destination, refined level by level (the service in the destination country, route,
    /// destination region, lane) by what shipments showed. Nil where the service has no
    /// configured range: the merchant's baselines say where each service delivers.
    public func transit(_ service: CarrierService, from origin: Destination, to destination: Destination) -> (DayDistribution, EstimateBasis)? {
        guard let range = service.baseline(for: destination) else { return nil }
        var estimate = DayDistribution.uniform(range)
        var basis = EstimateBasis.configured
        for (key, level) in TransitKey.chain(service: service.key, origin: origin, destination: destination) {
            guard let learned = transit[key] else { continue }
            estimate = learned.shrunk(towards: estimate, priorWeight: Self.priorWeight)
            if learned.evidence >= Self.namedEvidence { basis = level }
        }
        return (estimate, basis)
    }

    private static func weight(since instant: Date, asOf: Date) -> Double {
        pow(0.5, max(0, asOf.timeIntervalSince(instant)) / 86_400 / halfLifeDays)
    }
}
