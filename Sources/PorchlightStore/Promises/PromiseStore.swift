import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// A stored value with its timestamps.
public struct Stamped<Value: Sendable>: Sendable {
    public var value: Value
    public var createdAt: Date
    public var updatedAt: Date

    /// Just inserted: an upsert that updated a row moves `updated_at` past `created_at`.
    var isNew: Bool { createdAt == updatedAt }
}

/// What the promise engine needs to know about a merchant: locations, carrier services, policy.
public struct PromiseSetup: Sendable {
    public var locations: [String: FulfilmentLocation]
    public var services: [ServiceKey: CarrierService]
    public var policy: PromisePolicy
    /// From how the promises of the last 90 days stand.
    public var recalibration: Recalibration
    /// The merchant's adaptive level, stepped through yesterday.
    public var adaptive: AdaptiveLevel
}

/// Fulfilment locations, carrier services, promise settings, quotes and the history the engine
/// learns from. Every query is scoped by merchant.
public struct PromiseStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: Locations

    /// Creates or replaces a location. Its working days and holidays count a parcel's silence,
    /// so the merchant's open orders are re-checked (`DisruptionStore.makeOpenOrdersDue`).
    public func upsertLocation(_ location: FulfilmentLocation, merchant: MerchantID, logger: Logger) async throws -> (Stamped<FulfilmentLocation>, created: Bool) {
        try await database.withTransaction(logger: logger) { connection in
            try await connection.query("""
                INSERT INTO fulfilment_locations (merchant_id, code, name, country, region, postal_code, time_zone,
                    cutoff_minutes, handling_days, working_days, holidays)
                VALUES (\(merchant.rawValue), \(location.code), \(location.name), \(location.country), \(location.region),
                    \(location.postalCode), \(location.timeZone.identifier), \(location.cutoffMinutes), \(location.handlingDays),
                    \(Self.weekdays(location.workingDays.days)), \(location.workingDays.holidays.sorted().map(\.description))::date[])
                ON CONFLICT (merchant_id, code) DO UPDATE SET
                    name = excluded.name, country = excluded.country, region = excluded.region, postal_code = excluded.postal_code,
                    time_zone = excluded.time_zone, cutoff_minutes = excluded.cutoff_minutes, handling_days = excluded.handling_days,
                    working_days = excluded.working_days, holidays = excluded.holidays, updated_at = excluded.updated_at
                """, logger: logger)
            // Read apart from the upsert: Citus runs no cast of a date to text in a RETURNING.
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.locationColumns) FROM fulfilment_locations
                WHERE merchant_id = \(merchant.rawValue) AND code = \(location.code)
                """, logger: logger).collect()
            guard let row = rows.first else { throw PostgresNotFound(what: "upserted location") }
            try await DisruptionStore.makeOpenOrdersDue(at: database.clock.now.asStored, merchant: merchant, on: connection, logger: logger)
            let stamped = try Self.location(row)
            return (stamped, stamped.isNew)
        }
    }

    public func location(_ code: String, merchant: MerchantID, logger: Logger) async throws -> Stamped<FulfilmentLocation>? {
        try await locations(merchant: merchant, code: code, logger: logger).first
    }

    public func locations(merchant: MerchantID, code: String? = nil, logger: Logger) async throws -> [Stamped<FulfilmentLocation>] {
        let rows = try await database.query("""
            SELECT \(unescaped: Self.locationColumns) FROM fulfilment_locations
            WHERE merchant_id = \(merchant.rawValue) AND (\(code)::text IS NULL OR code = \(code)) ORDER BY code
            """, logger: logger)
        return try rows.map(Self.location)
    }

    static let locationColumns = "code, name, country, region, postal_code, time_zone, cutoff_minutes, handling_days, working_days, holidays::text[], created_at, updated_at"

    static func location(_ row: PostgresRow) throws -> Stamped<FulfilmentLocation> {
        let (code, name, country, region, postalCode, zone, cutoff, handling, workingDays, holidays, createdAt, updatedAt)
            = try row.decode((String, String?, String, String?, String?, String, Int, Int, [String], [String], Date, Date).self)
        let location = FulfilmentLocation(
            code: code, name: name, country: country, region: region, postalCode: postalCode,
            timeZone: try StoredValue.timeZone(zone, "fulfilment_locations.time_zone"), cutoffMinutes: cutoff, handlingDays: handling,
            workingDays: WorkCalendar(days: try weekdays(workingDays, "fulfilment_locations.working_days"),
                                      holidays: Set(try holidays.map { try StoredValue.date($0, "fulfilment_locations.holidays") })))
        return Stamped(value: location, createdAt: createdAt, updatedAt: updatedAt)
    }

    static func weekdays(_ days: Set<Weekday>) -> [String] {
        Weekday.allCases.filter(days.contains).map(\.rawValue)
    }

    static func weekdays(_ stored: [String], _ column: String) throws -> Set<Weekday> {
        Set(try stored.map { try StoredValue.decode(Weekday.self, $0, column) })
    }

    static func clockTime(_ stored: String) throws -> Int {
        guard let minutes = ClockTime.minutes(stored) else { throw StoredValue.Unknown(column: "carrier_services.scheduled_delivery", value: stored) }
        return minutes
    }

    // MARK: Carrier services

    /// The stored form of a service's baseline and slots (the API's field names).
    struct ServiceDetails: Codable {
        struct Baseline: Codable { var country: String; var region: String?; var minDays: Int; var maxDays: Int }
        struct Slot: Codable { var start: String; var end: String; var capacity: Int }
        struct Scheduled: Codable { var minimumLeadDays: Int; var horizonDays: Int; var slots: [Slot] }
    }

    /// Creates or replaces a carrier service. Its delivery days count a parcel's silence, so the
    /// merchant's open orders are re-checked.
    public func upsertService(_ service: CarrierService, merchant: MerchantID, logger: Logger) async throws -> (Stamped<CarrierService>, created: Bool) {
        let baseline = try Documents.encode(service.baselineTransit.map {
            ServiceDetails.Baseline(country: $0.country, region: $0.region, minDays: $0.days.lowerBound, maxDays: $0.days.upperBound)
        })
        let scheduled = try service.scheduledDelivery.map { scheduled in
            try Documents.encode(ServiceDetails.Scheduled(
                minimumLeadDays: scheduled.minimumLeadDays, horizonDays: scheduled.horizonDays,
                slots: scheduled.slots.map { .init(start: ClockTime.text($0.startMinutes), end: ClockTime.text($0.endMinutes), capacity: $0.capacity) }))
        }
        return try await database.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                INSERT INTO carrier_services (merchant_id, carrier, service_level, pickup_days, delivery_days, baseline_transit, scheduled_delivery,
                    ndr_actions)
                VALUES (\(merchant.rawValue), \(service.carrier), \(service.serviceLevel), \(Self.weekdays(service.pickupDays.days)),
                    \(Self.weekdays(service.deliveryDays.days)), \(baseline)::jsonb, \(scheduled)::jsonb,
                    \(service.deliveryActions.map(DeliveryStore.kinds))::text[])
                ON CONFLICT (merchant_id, carrier, service_level) DO UPDATE SET
                    pickup_days = excluded.pickup_days, delivery_days = excluded.delivery_days,
                    baseline_transit = excluded.baseline_transit, scheduled_delivery = excluded.scheduled_delivery,
                    ndr_actions = excluded.ndr_actions, updated_at = excluded.updated_at
                RETURNING \(unescaped: Self.serviceColumns)
                """, logger: logger).collect()
            guard let row = rows.first else { throw PostgresNotFound(what: "upserted carrier service") }
            try await DisruptionStore.makeOpenOrdersDue(at: database.clock.now.asStored, merchant: merchant, on: connection, logger: logger)
            let stamped = try Self.service(row)
            return (stamped, stamped.isNew)
        }
    }

    public func services(merchant: MerchantID, logger: Logger) async throws -> [Stamped<CarrierService>] {
        let rows = try await database.query("""
            SELECT \(unescaped: Self.serviceColumns) FROM carrier_services
            WHERE merchant_id = \(merchant.rawValue) ORDER BY carrier, service_level
            """, logger: logger)
        return try rows.map(Self.service)
    }

    static let serviceColumns = """
        carrier, service_level, pickup_days, delivery_days, baseline_transit::text, scheduled_delivery::text, created_at, updated_at, ndr_actions
        """

    static func service(_ row: PostgresRow) throws -> Stamped<CarrierService> {
        let (carrier, level, pickup, delivery, baselineJSON, scheduledJSON, createdAt, updatedAt, actions)
            = try row.decode((String, String, [String], [String], String, String?, Date, Date, [String]?).self)
        let baseline = try Documents.decode([ServiceDetails.Baseline].self, from: baselineJSON)
        let scheduled = try scheduledJSON.map { try Documents.decode(ServiceDetails.Scheduled.self, from: $0) }
        let service = CarrierService(
            carrier: carrier, serviceLevel: level,
            pickupDays: WorkCalendar(days: try weekdays(pickup, "carrier_services.pickup_days")),
            deliveryDays: WorkCalendar(days: try weekdays(delivery, "carrier_services.delivery_days")),
            baselineTransit: baseline.map { BaselineTransit(country: $0.country, region: $0.region, days: $0.minDays...$0.maxDays) },
            scheduledDelivery: try scheduled.map { scheduled in
                ScheduledDelivery(minimumLeadDays: scheduled.minimumLeadDays, horizonDays: scheduled.horizonDays, slots: try scheduled.slots.map {
                    .init(startMinutes: try clockTime($0.start), endMinutes: try clockTime($0.end), capacity: $0.capacity)
                })
            },
            deliveryActions: try actions.map { try DeliveryStore.kinds($0, "carrier_services.ndr_actions") })
        return Stamped(value: service, createdAt: createdAt, updatedAt: updatedAt)
    }

    // MARK: Settings

    public func policy(merchant: MerchantID, logger: Logger) async throws -> PromisePolicy {
        let rows = try await database.query("SELECT on_time_target FROM promise_settings WHERE merchant_id = \(merchant.rawValue)", logger: logger)
        return PromisePolicy(onTimeTarget: try rows.decode(Double.self).first ?? PromisePolicy.defaultOnTimeTarget)
    }

    public func updatePolicy(_ policy: PromisePolicy, merchant: MerchantID, logger: Logger) async throws {
        try await database.query("""
            INSERT INTO promise_settings (merchant_id, on_time_target) VALUES (\(merchant.rawValue), \(policy.onTimeTarget))
            ON CONFLICT (merchant_id) DO UPDATE SET on_time_target = excluded.on_time_target, updated_at = excluded.updated_at
            -- When the target changed: calibration counts only the promises made since.
            WHERE promise_settings.on_time_target <> excluded.on_time_target
            """, logger: logger)
    }

    /// Promises made this many days back feed calibration: recalibration reads those of the last
    /// 90 days, and a new adaptive level warms up on the promises decided in the last 90 (made
    /// up to about 90 days before that).
    static let calibrationLookbackDays = 180.0

    /// What the engine needs, with the adaptive level stepped through yesterday and stored, so
    /// that the next learning pass, on any replica, carries on from it.
    public func setup(merchant: MerchantID, now: Date, logger: Logger) async throws -> PromiseSetup {
        async let locations = locations(merchant: merchant, logger: logger)
        async let services = services(merchant: merchant, logger: logger)
        async let settings = database.query(
            "SELECT on_time_target, updated_at FROM promise_settings WHERE merchant_id = \(merchant.rawValue)", logger: logger)
        async let storedLevel = adaptiveLevel(merchant: merchant, logger: logger)
        // At most 4,000 promises chosen by a hash of the order: spread over the lookback, not
        // only the newest, most of them still under way.
        async let promises = database.query("""
            SELECT p.promised_at, p.location_code, p.forecast_start::text, p.forecast, p.latest::text, p.delivered_on::text,
                p.slot_date IS NOT NULL, o.cancelled_at
            FROM delivery_promises p
            JOIN orders o ON o.merchant_id = p.merchant_id AND o.id = p.order_id
            WHERE p.merchant_id = \(merchant.rawValue)
              AND p.promised_at BETWEEN \(now.addingTimeInterval(-Self.calibrationLookbackDays * 86_400)) AND \(now)
            ORDER BY hashtext(p.order_id::text) LIMIT 4000
            """, logger: logger)
        let locationsByCode = Dictionary(try await locations.map { ($0.value.code, $0.value) }, uniquingKeysWith: { first, _ in first })
        let made = try await promises.decode((Date, String, String, [Double], String, String?, Bool, Date?).self).compactMap {
            promisedAt, code, start, forecast, latest, deliveredOn, hasSlot, cancelledAt -> MadePromise? in
            guard let location = locationsByCode[code] else { return nil }  // a promise always names a location of the merchant
            return MadePromise(promisedAt: promisedAt, forecastStart: try StoredValue.date(start, "delivery_promises.forecast_start"),
                               forecast: forecast, latest: try StoredValue.date(latest, "delivery_promises.latest"),
                               deliveredOn: try deliveredOn.map { try StoredValue.date($0, "delivery_promises.delivered_on") },
                               cancelledAt: cancelledAt, timeZone: location.timeZone, hasSlot: hasSlot)
        }
        let setting = try await settings.decode((Double, Date).self).first
        let policy = PromisePolicy(onTimeTarget: setting?.0 ?? PromisePolicy.defaultOnTimeTarget)
        let zones = locationsByCode.values.map(\.timeZone)
        var adaptive = AdaptiveLevel.none(target: policy.onTimeTarget)
        if let today = AdaptiveLevel.today(now, timeZones: zones) {
            let stored = try await storedLevel
            adaptive = AdaptiveLevel.start(from: stored, target: policy.onTimeTarget, today: today)
                .advanced(to: today, now: now, promises: made, targetSetAt: setting?.1)
            if adaptive != stored { adaptive = try await save(adaptive, merchant: merchant, logger: logger) }
        }
        return PromiseSetup(
            locations: locationsByCode,
            services: Dictionary(try await services.map { ($0.value.key, $0.value) }, uniquingKeysWith: { first, _ in first }),
            policy: policy,
            recalibration: Recalibration(made, now: now),
            adaptive: adaptive)
    }

    /// The merchant's stored adaptive level, if it has one yet.
    public func adaptiveLevel(merchant: MerchantID, logger: Logger) async throws -> AdaptiveLevel? {
        let rows = try await database.query(
            "SELECT on_time_target, level_offset, stepped_through::text FROM adaptive_levels WHERE merchant_id = \(merchant.rawValue)",
            logger: logger)
        return try rows.decode((Double, Double, String).self).first.map { target, offset, steppedThrough in
            AdaptiveLevel(target: target, offset: offset, steppedThrough: try StoredValue.date(steppedThrough, "adaptive_levels.stepped_through"))
        }
    }

    /// Stores the level unless another replica has stored one stepped as far for the same
    /// target; returns the level stored.
    private func save(_ level: AdaptiveLevel, merchant: MerchantID, logger: Logger) async throws -> AdaptiveLevel {
        let rows = try await database.query("""
            INSERT INTO adaptive_levels (merchant_id, on_time_target, level_offset, stepped_through)
            VALUES (\(merchant.rawValue), \(level.target), \(level.offset), \(level.steppedThrough.description)::date)
            ON CONFLICT (merchant_id) DO UPDATE SET on_time_target = excluded.on_time_target, level_offset = excluded.level_offset,
                stepped_through = excluded.stepped_through, updated_at = excluded.updated_at
            WHERE adaptive_levels.on_time_target <> excluded.on_time_target OR adaptive_levels.stepped_through < excluded.stepped_through
            RETURNING 1
            """, logger: logger)
        if !rows.isEmpty { return level }
        return try await adaptiveLevel(merchant: merchant, logger: logger) ?? level
    }

    // MARK: History

    /// What the transit model learns from at `asOf`: up to `LearningSample.size` shipments that
    /// left from a known location, of orders placed in the lookback, latest learning key first, and
    /// the first key left out. Orders whose key is not set yet (stored by the previous version,
    /// until `porchlight migrate` runs) are not read.
    public func history(merchant: MerchantID, asOf: Date, logger: Logger) async throws -> HistorySample {
        let since = asOf.addingTimeInterval(-TransitModel.lookbackDays * 86_400)
        // A key is never earlier than its order's placement: the key bound ends the index scan
        // at the lookback, and the placement bound drops older orders whose key fell inside it.
        let rows = try await database.query("""
            SELECT o.learning_key, s.carrier, coalesce(s.service_level, ''), s.origin_location, l.country, l.region,
                   o.destination->>'country', o.destination->>'region', o.placed_at, s.shipped_at, s.delivered_at
            FROM orders o
            JOIN shipments s ON s.merchant_id = o.merchant_id AND s.order_id = o.id
            JOIN fulfilment_locations l ON l.merchant_id = s.merchant_id AND l.code = s.origin_location
            WHERE o.merchant_id = \(merchant.rawValue) AND o.learning_key >= \(since) AND o.placed_at BETWEEN \(since) AND \(asOf)
            ORDER BY o.learning_key DESC
            LIMIT \(LearningSample.size + 1)
            """, logger: logger)
        var shipments = try rows.decode((Date, String, String, String, String, String?, String, String?, Date, Date?, Date?).self).map {
            (learningKey, carrier, level, location, originCountry, originRegion, country, region, placedAt, shippedAt, deliveredAt) in
            ShipmentHistoryRecord(
                service: ServiceKey(carrier: carrier, serviceLevel: level), locationCode: location,
                origin: Destination(country: originCountry, region: originRegion),
                destination: Destination(country: country, region: region),
                placedAt: placedAt, handedOffAt: shippedAt, deliveredAt: deliveredAt, learningKey: learningKey)
        }
        guard shipments.count > LearningSample.size else { return HistorySample(shipments: shipments, threshold: nil) }
        let leftOut = shipments.removeLast()
        return HistorySample(shipments: shipments, threshold: leftOut.learningKey)
    }

    // MARK: Quotes

    public func save(_ quote: DeliveryQuote, merchant: MerchantID, logger: Logger) async throws {
        let destination = try Documents.encode(StoredDestination(quote.destination))
        let options = try Documents.encode(quote.options)
        try await database.query("""
            INSERT INTO delivery_quotes (merchant_id, id, location_code, destination, quoted_at, expires_at, options)
            VALUES (\(merchant.rawValue), \(quote.id), \(quote.location), \(destination)::jsonb, \(quote.quotedAt),
                \(quote.expiresAt), \(options)::jsonb)
            """, logger: logger)
    }

    /// Deletes the merchant's quotes that expired over a day ago (promises keep their own copy).
    public func purgeExpiredQuotes(merchant: MerchantID, logger: Logger) async throws {
        try await database.query("""
            DELETE FROM delivery_quotes WHERE merchant_id = \(merchant.rawValue) AND expires_at < now() - interval '1 day'
            """, logger: logger)
    }

    /// Bookings per slot id for a service on some days.
    public func slotBookings(_ service: ServiceKey, days: [LocalDate], merchant: MerchantID, logger: Logger) async throws -> [String: Int] {
        let rows = try await database.query("""
            SELECT slot_id, count(*) FROM delivery_promises
            WHERE merchant_id = \(merchant.rawValue) AND carrier = \(service.carrier) AND service_level = \(service.serviceLevel)
              AND slot_date = ANY(\(days.map(\.description))::date[])
            GROUP BY slot_id
            """, logger: logger)
        return Dictionary(try rows.decode((String, Int).self).map { ($0.0, $0.1) }, uniquingKeysWith: +)
    }
}

/// A destination in the stored JSON's field names.
struct StoredDestination: Codable {
    var country: String
    var region: String?
    var postalCode: String?

    init(_ destination: Destination) {
        (country, region, postalCode) = (destination.country, destination.region, destination.postalCode)
    }
}

/// Promise figures over one set of promises.
public struct PromiseStats: Sendable {
    public var promises: Int
    public var resolved: Int
    public var kept: Int
    public var medianPromisedLeadDays: Double?
    public var medianWindowDays: Double?

    public var keptRate: Double? { resolved == 0 ? nil : Double(kept) / Double(resolved) }
}

public struct LanePromiseStats: Sendable {
    public var carrier: String
    public var serviceLevel: String
    public var originRegion: String?
    public var destinationCountry: String
    public var destinationRegion: String?
    public var stats: PromiseStats
}

extension PromiseStore {
    /// Promises made in [from, to): overall and per lane and service.
    public func analytics(from: Date, to: Date, merchant: MerchantID, logger: Logger) async throws -> (overall: PromiseStats, lanes: [LanePromiseStats]) {
        // GROUPING SETS gives the overall row (grouping = 1) and one row per lane in one pass.
        let rows = try await database.query("""
            SELECT grouping(carrier), carrier, service_level, origin_region, destination_country, destination_region,
                   count(*), count(outcome), count(*) FILTER (WHERE outcome = 'kept'),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY latest - (promised_at AT TIME ZONE 'UTC')::date),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY latest - earliest + 1)
            FROM delivery_promises
            WHERE merchant_id = \(merchant.rawValue) AND promised_at >= \(from) AND promised_at < \(to)
            GROUP BY GROUPING SETS ((), (carrier, service_level, origin_region, destination_country, destination_region))
            ORDER BY 1 DESC, count(*) DESC, 2, 3, 4, 5, 6
            """, logger: logger)
        var overall = PromiseStats(promises: 0, resolved: 0, kept: 0)
        var lanes: [LanePromiseStats] = []
        for (isOverall, carrier, level, originRegion, country, region, promises, resolved, kept, lead, width)
            in try rows.decode((Int32, String?, String?, String?, String?, String?, Int, Int, Int, Double?, Double?).self) {
            let stats = PromiseStats(promises: promises, resolved: resolved, kept: kept, medianPromisedLeadDays: lead, medianWindowDays: width)
            if isOverall == 1 {
                overall = stats
            } else if let carrier, let level, let country {
                lanes.append(LanePromiseStats(carrier: carrier, serviceLevel: level, originRegion: originRegion,
                                              destinationCountry: country, destinationRegion: region, stats: stats))
            }
        }
        return (overall, lanes)
    }
}
