import Foundation

/// Replays delivered orders in time order against a fresh merchant: before each order the engine
/// knows only what had happened by the start of that order's day (hand-offs and deliveries after
/// it are still ahead, so shipments under way count as censored), makes its promise, and the
/// promise is scored against the actual delivery and against the merchant's own `promised_by`.
public struct PromiseBacktest {
    public static let calibrationLevels = [0.5, 0.7, 0.8, 0.9, 0.95]

    public struct Calibration: Codable, Sendable {
        public var level: Double
        public var statedConfidence: Double
        public var realisedOnTimeRate: Double
    }

    /// How often hand-off estimates aimed at one coverage (a window between the two quantiles
    /// that leave (1 − level) / 2 on each side) held the delivery, and how wide they were.
    public struct Coverage: Codable, Sendable {
        public var level: Double
        public var realisedInsideRate: Double
        public var medianWindowDays: Double
    }

    public struct Report: Codable, Sendable {
        public var ordersRead: Int
        public var ordersScored: Int
        public var ordersWithoutPromise: Int
        public var onTimeTarget: Double
        public var onTimeRate: Double
        public var medianPromisedLeadDays: Double
        public var medianWindowDays: Double
        public var meanStatedConfidence: Double
        public var calibration: [Calibration]
        public var merchantOnTimeRate: Double
        public var merchantMedianPromisedLeadDays: Double
        public var handoffEstimates: Int
        public var handoffOnTimeRate: Double
        /// How often the parcel came by the hand-off estimate's latest date: the merchant's target
        /// when estimates are calibrated like promises.
        public var handoffByLatestRate: Double
        public var handoffMedianWindowDays: Double
        public var handoffCalibration: [Coverage]
        public var transitBasis: [String: Int]
        /// How well `promise_at_risk` raised when the carrier took the parcel foretold a missed
        /// promise: Porchlight's own promise, then the merchant's `promised_by`.
        public var atRiskAtHandoff: [AtRiskScore]
    }

    /// A flag raised at hand-off (the estimate then puts the promise at risk) scored against
    /// whether the promise was missed.
    public struct AtRiskScore: Codable, Sendable {
        public var promise: String
        public var orders: Int
        public var lateOrders: Int
        public var flagged: Int
        /// The share of late orders that were flagged.
        public var recall: Double
        /// The share of flags that came true.
        public var precision: Double
        /// How many days before the promised latest date the flags that came true were raised.
        public var medianLeadDays: Double
        /// Hand-offs after the promised latest date, left out: the promise was already missed.
        public var handedOffLate: Int
    }

    public let orders: [HistoricalOrder]
    public let policy: PromisePolicy
    public let scoreFrom: LocalDate?
    /// Shipments each model learns from at most (the service's `LearningSample.size`).
    public let learningSample: Int
    /// Whether the merchant's calendars close on the origin country's public holidays.
    public let publicHolidays: Bool
    /// Whether each origin postal area is a location of its own (handling learned per seller),
    /// rather than each origin region.
    public let locationPerOrigin: Bool
    /// Whether promises are cut at an adaptive level (`AdaptiveLevel`) after recalibration.
    public let adaptiveCalibration: Bool

    public init(orders: [HistoricalOrder], policy: PromisePolicy, scoreFrom: LocalDate?, learningSample: Int = LearningSample.size,
                publicHolidays: Bool = false, locationPerOrigin: Bool = false, adaptiveCalibration: Bool = true) {
        self.orders = orders.sorted { $0.placedAt < $1.placedAt }
        self.policy = policy
        self.scoreFrom = scoreFrom
        self.learningSample = learningSample
        self.publicHolidays = publicHolidays
        self.locationPerOrigin = locationPerOrigin
        self.adaptiveCalibration = adaptiveCalibration
    }

    /// The fresh merchant: one location per origin region (working Monday to Friday, cut-off at
    /// noon, two handling days until data says otherwise) and each carrier service picking up
    /// Monday to Friday, delivering Monday to Saturday, with a wide 2–20 day baseline per country.
    /// With `publicHolidays`, locations and carriers close on the holidays of the country the
    /// shipments leave from (`PublicHolidays`).
    public static func merchantSetup(for orders: [HistoricalOrder], publicHolidays: Bool, locationPerOrigin: Bool)
        -> ([String: FulfilmentLocation], [ServiceKey: CarrierService]) {
        var locations: [String: FulfilmentLocation] = [:]
        var services: [ServiceKey: CarrierService] = [:]
        let years = orders.map { LocalDate($0.placedAt, in: $0.timeZone).components.year }
        var holidays: [String: Set<LocalDate>] = [:]
        for order in orders {
            let code = locationCode(order, perOrigin: locationPerOrigin)
            let country = order.origin.country
            if holidays[country] == nil, let first = years.min(), let last = years.max() {
                holidays[country] = publicHolidays ? PublicHolidays.dates(country: country, years: first...last + 1) : []
            }
            let closed = holidays[country] ?? []
            if locations[code] == nil {
                locations[code] = FulfilmentLocation(code: code, country: order.origin.country, region: order.origin.region,
                                                     timeZone: order.timeZone, cutoffMinutes: 12 * 60, handlingDays: 2,
                                                     workingDays: WorkCalendar(days: Weekday.mondayToFriday, holidays: closed))
            }
            var service = services[order.service] ?? CarrierService(
                carrier: order.service.carrier, serviceLevel: order.service.serviceLevel,
                pickupDays: WorkCalendar(days: Weekday.mondayToFriday, holidays: closed),
                deliveryDays: WorkCalendar(days: Weekday.mondayToSaturday, holidays: closed),
                baselineTransit: [])
            if service.baseline(for: order.destination) == nil {
                service.baselineTransit.append(BaselineTransit(country: order.destination.country, days: 2...20))
            }
            services[order.service] = service
        }
        return (locations, services)
    }

    static func locationCode(_ order: HistoricalOrder, perOrigin: Bool) -> String {
        "\(order.origin.country)-\(order.origin.region ?? "")" + (perOrigin ? "-\(order.originPostalPrefix)" : "")
    }

    public func run() -> Report {
        let (locations, services) = Self.merchantSetup(for: orders, publicHolidays: publicHolidays, locationPerOrigin: locationPerOrigin)
        let history = orders.map { order in
            ShipmentHistoryRecord(service: order.service, locationCode: Self.locationCode(order, perOrigin: locationPerOrigin), origin: order.origin,
                                  destination: order.destination, placedAt: order.placedAt,
                                  handedOffAt: order.shippedAt, deliveredAt: order.deliveredAt,
                                  learningKey: LearningSample.key(orderID: order.orderID, placedAt: order.placedAt))
        }
        let prepared = PreparedHistory(history, locations: locations, services: services)
        // One model per local day, learned from what was known at that day's midnight; promises
        // are calibrated with how the promises made before that midnight stood then.
        var models: [Date: TransitModel] = [:]
        // Each order's promise as it would have been made at each level (the policy's target
        // first, then `calibrationLevels`): a level adapts to the promises it shaped itself.
        let levels = [policy.onTimeTarget] + Self.calibrationLevels
        var made = [[MadePromise]](repeating: [], count: levels.count)
        var calibrations: [Date: DayCalibration] = [:]
        let timeZones = Set(locations.values.map(\.timeZone))
        func model(on day: LocalDate, in timeZone: TimeZone) -> TransitModel {
            let midnight = day.instant(atMinute: 0, in: timeZone)
            if let model = models[midnight] { return model }
            let model = TransitModel.sampling(prepared, asOf: midnight, sampleSize: learningSample)
            models[midnight] = model
            return model
        }
        func calibration(on day: LocalDate, in timeZone: TimeZone) -> DayCalibration {
            let midnight = day.instant(atMinute: 0, in: timeZone)
            if let known = calibrations[midnight] { return known }
            // Each level's state carries on from the latest day before this one (as the store
            // keeps it), stepped through the days since with the promises made before midnight.
            let previous = calibrations.filter { $0.key < midnight }.max { $0.key < $1.key }?.value
            let known = made.map { $0.filter { $0.promisedAt < midnight } }
            let today = AdaptiveLevel.today(midnight, timeZones: timeZones) ?? day
            let calibration = DayCalibration(recalibration: Recalibration(known[0], now: midnight), levels: levels.indices.map { index in
                guard adaptiveCalibration else { return .none(target: levels[index]) }
                let state = previous?.levels[index] ?? AdaptiveLevel.start(from: nil, target: levels[index], today: today)
                return state.advanced(to: today, now: midnight, promises: known[index], targetSetAt: nil)
            })
            calibrations[midnight] = calibration
            return calibration
        }

        var scored = 0, withoutPromise = 0, onTime = 0, merchantOnTime = 0
        var leads: [Double] = [], widths: [Double] = [], merchantLeads: [Double] = [], confidences: [Double] = []
        var calibrationStated = [Double](repeating: 0, count: Self.calibrationLevels.count)
        var calibrationKept = [Int](repeating: 0, count: Self.calibrationLevels.count)
        var calibrationCount = [Int](repeating: 0, count: Self.calibrationLevels.count)
        var handedOff: [(HistoricalOrder, shippedAt: Date, promised: DeliveryWindow, FulfilmentLocation, CarrierService)] = []
        var handoffs = 0, handoffInWindow = 0, handoffByLatest = 0
        var handoffWidths: [Double] = []
        var coverageInside = [Int](repeating: 0, count: Self.calibrationLevels.count)
        var coverageWidths = [[Double]](repeating: [], count: Self.calibrationLevels.count)
        var bases: [String: Int] = [:]

        for order in orders {
            let zone = order.timeZone
            let placedOn = LocalDate(order.placedAt, in: zone)
            guard let location = locations[Self.locationCode(order, perOrigin: locationPerOrigin)], let service = services[order.service] else { continue }
            let deliveredOn = LocalDate(order.deliveredAt, in: zone)
            let calibration = calibration(on: placedOn, in: zone)
            let engine = PromiseEngine(model: model(on: placedOn, in: zone), policy: policy, recalibration: calibration.recalibration)
            let outlook = engine.outlook(service, from: location, to: order.destination, at: order.placedAt)
            let windows = levels.indices.map { index in
                outlook?.dates.window(PromisePolicy(onTimeTarget: levels[index]), calibration.recalibration, offset: calibration.levels[index].offset)
            }
            // Every promise teaches calibration, scored or not.
            if let outlook {
                for (index, window) in windows.enumerated() {
                    guard let window else { continue }
                    made[index].append(MadePromise(promisedAt: order.placedAt, forecastStart: outlook.dates.first, forecast: outlook.dates.cumulative,
                                                   latest: window.latest, deliveredOn: deliveredOn, timeZone: zone))
                }
            }
            if let scoreFrom, placedOn < scoreFrom { continue }
            scored += 1
            merchantLeads.append(Double(order.promisedBy.days(since: placedOn)))
            if deliveredOn <= order.promisedBy { merchantOnTime += 1 }

            guard let outlook, let window = windows[0] else { withoutPromise += 1; continue }
            bases[outlook.transitBasis.rawValue, default: 0] += 1
            if deliveredOn <= window.latest { onTime += 1 }
            leads.append(Double(window.latest.days(since: placedOn)))
            widths.append(Double(window.widthDays))
            confidences.append(window.confidence)
            for index in Self.calibrationLevels.indices {
                guard let levelWindow = windows[index + 1] else { continue }
                calibrationCount[index] += 1
                calibrationStated[index] += levelWindow.confidence
                if deliveredOn <= levelWindow.latest { calibrationKept[index] += 1 }
            }

            if let shippedAt = order.shippedAt, shippedAt >= order.placedAt, shippedAt <= order.deliveredAt {
                handedOff.append((order, shippedAt, window, location, service))
            }
        }

        // The estimate made when the carrier took each parcel, once every promise made before
        // that day is known (calibration on the hand-off day counts promises made after this
        // order was placed).
        var ours = AtRiskTally(), merchants = AtRiskTally()
        for (order, shippedAt, promised, location, service) in handedOff {
            let zone = order.timeZone
            let shippedOn = LocalDate(shippedAt, in: zone), deliveredOn = LocalDate(order.deliveredAt, in: zone)
            let calibration = calibration(on: shippedOn, in: zone)
            let engine = PromiseEngine(model: model(on: shippedOn, in: zone), policy: policy, recalibration: calibration.recalibration,
                                       levelOffset: calibration.levels[0].offset)
            if let (estimate, _) = engine.estimate(.inTransit(handedOffAt: shippedAt), service: service, from: location,
                                                   to: order.destination, now: shippedAt) {
                handoffs += 1
                if estimate.earliest <= deliveredOn && deliveredOn <= estimate.latest { handoffInWindow += 1 }
                if deliveredOn <= estimate.latest { handoffByLatest += 1 }
                handoffWidths.append(Double(estimate.widthDays))
                ours.add(estimate: estimate, promised: promised, shippedOn: shippedOn, deliveredOn: deliveredOn)
                merchants.add(estimate: estimate, promised: DeliveryWindow(earliest: order.promisedBy, latest: order.promisedBy, confidence: 1),
                              shippedOn: shippedOn, deliveredOn: deliveredOn)
            }
            for (index, level) in Self.calibrationLevels.enumerated() {
                guard let (window, _) = engine.estimate(.inTransit(handedOffAt: shippedAt), service: service, from: location,
                                                        to: order.destination, now: shippedAt, coverage: level) else { continue }
                if window.earliest <= deliveredOn && deliveredOn <= window.latest { coverageInside[index] += 1 }
                coverageWidths[index].append(Double(window.widthDays))
            }
        }

        func rate(_ count: Int, _ total: Int) -> Double { total == 0 ? 0 : Double(count) / Double(total) }
        let promised = scored - withoutPromise
        return Report(
            ordersRead: orders.count, ordersScored: scored, ordersWithoutPromise: withoutPromise,
            onTimeTarget: policy.onTimeTarget, onTimeRate: rate(onTime, promised),
            medianPromisedLeadDays: Self.median(leads), medianWindowDays: Self.median(widths),
            meanStatedConfidence: confidences.isEmpty ? 0 : confidences.reduce(0, +) / Double(confidences.count),
            calibration: Self.calibrationLevels.indices.map { index in
                Calibration(level: Self.calibrationLevels[index],
                            statedConfidence: calibrationCount[index] == 0 ? 0 : calibrationStated[index] / Double(calibrationCount[index]),
                            realisedOnTimeRate: rate(calibrationKept[index], calibrationCount[index]))
            },
            merchantOnTimeRate: rate(merchantOnTime, scored), merchantMedianPromisedLeadDays: Self.median(merchantLeads),
            handoffEstimates: handoffs, handoffOnTimeRate: rate(handoffInWindow, handoffs), handoffByLatestRate: rate(handoffByLatest, handoffs),
            handoffMedianWindowDays: Self.median(handoffWidths),
            handoffCalibration: Self.calibrationLevels.indices.map { index in
                Coverage(level: Self.calibrationLevels[index], realisedInsideRate: rate(coverageInside[index], coverageWidths[index].count),
                         medianWindowDays: Self.median(coverageWidths[index]))
            },
            transitBasis: bases,
            atRiskAtHandoff: [ours.score("porchlight"), merchants.score("merchant")])
    }

    /// Flags at hand-off against missed promises, counted as they come.
    struct AtRiskTally {
        var orders = 0, late = 0, flagged = 0, flaggedLate = 0, handedOffLate = 0
        var leads: [Double] = []

        /// A hand-off after the promise's latest date is no forecast (the promise is missed
        /// already): counted apart.
        mutating func add(estimate: DeliveryWindow, promised: DeliveryWindow, shippedOn: LocalDate, deliveredOn: LocalDate) {
            guard shippedOn <= promised.latest else { handedOffLate += 1; return }
            orders += 1
            let flag = estimate.putsAtRisk(promised), missed = PromiseOutcome(deliveredOn: deliveredOn, latest: promised.latest) == .missed
            if missed { late += 1 }
            if flag { flagged += 1 }
            if flag && missed {
                flaggedLate += 1
                leads.append(Double(promised.latest.days(since: shippedOn)))
            }
        }

        func score(_ promise: String) -> AtRiskScore {
            AtRiskScore(promise: promise, orders: orders, lateOrders: late, flagged: flagged,
                        recall: late == 0 ? 0 : Double(flaggedLate) / Double(late),
                        precision: flagged == 0 ? 0 : Double(flaggedLate) / Double(flagged),
                        medianLeadDays: PromiseBacktest.median(leads), handedOffLate: handedOffLate)
        }
    }

    /// How promises made on one day are calibrated: the recalibration, and the adaptive level of
    /// the policy's target and of each of `calibrationLevels`, in that order.
    struct DayCalibration {
        var recalibration: Recalibration
        var levels: [AdaptiveLevel]
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
