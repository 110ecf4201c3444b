import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// The merchant's return policy, one version per change.
public struct ReturnPolicyStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The version in force now: the latest, or the standard policy (version 0) in the zone of
    /// the merchant's first location.
    public func current(merchant: MerchantID, logger: Logger) async throws -> ReturnPolicyVersion {
        let (stored, zone) = try await load(merchant: merchant, on: nil, logger: logger)
        return stored.last ?? .standard(firstLocationZone: zone)
    }

    /// Stores `policy` as the next version, in force from `now`, unless it is the one in force.
    /// Two changes at the same moment: the second finds its version taken, a conflict.
    public func update(_ policy: ReturnPolicy, now: Date, merchant: MerchantID, logger: Logger) async throws -> ReturnPolicyVersion {
        if let index = try await unknownLocation(among: policy.inStoreLocations, merchant: merchant, logger: logger) {
            throw DomainError.validation([FieldError(field: "in_store_locations[\(index)]", message: "must be the code of one of your fulfilment locations")])
        }
        return try await database.withTransaction(logger: logger) { connection in
            let latest = try await load(merchant: merchant, on: connection, logger: logger).stored.last
            if let latest, latest.policy == policy { return latest }
            let next = ReturnPolicyVersion(version: (latest?.version ?? 0) + 1, policy: policy, effectiveAt: now)
            let inserted = try await connection.query("""
                INSERT INTO return_policies (merchant_id, version, policy, effective_at)
                VALUES (\(merchant.rawValue), \(next.version), \(try Documents.encode(StoredReturnPolicy(policy)))::jsonb, \(now))
                ON CONFLICT (merchant_id, version) DO NOTHING
                RETURNING version
                """, logger: logger).collect()
            guard !inserted.isEmpty else {
                throw DomainError.conflict("The return policy was changed at the same moment; read it again and repeat the change if it still applies.")
            }
            return next
        }
    }

    /// The index of the first code that is not one of the merchant's fulfilment locations. An
    /// empty code stands for none, and one PostgreSQL cannot hold (a NUL) is left to Core to
    /// refuse: neither is looked up.
    public func unknownLocation(among codes: [String], merchant: MerchantID, logger: Logger) async throws -> Int? {
        let storable = codes.map { $0.unicodeScalars.contains("\0") ? "" : $0 }
        let rows = try await database.query("""
            SELECT min(wanted.position) FROM unnest(\(storable)::text[]) WITH ORDINALITY AS wanted(code, position)
            WHERE wanted.code <> ''
              AND NOT EXISTS (SELECT 1 FROM fulfilment_locations l WHERE l.merchant_id = \(merchant.rawValue) AND l.code = wanted.code)
            """, logger: logger)
        return try rows.first?.decode(Int?.self).map { $0 - 1 }
    }

    /// The versions the merchant's orders are judged by, oldest first (Core's `history`: the
    /// standard one while it has set none).
    func versions(merchant: MerchantID, on connection: PostgresConnection?, logger: Logger) async throws -> [ReturnPolicyVersion] {
        let (stored, zone) = try await load(merchant: merchant, on: connection, logger: logger)
        return ReturnPolicyVersion.history(stored: stored, firstLocationZone: zone)
    }

    /// In one round trip, the versions the merchant stored, oldest first (it changes its policy
    /// a handful of times a year), and the time zone of its first fulfilment location (the
    /// first set up), which the standard policy counts in.
    private func load(merchant: MerchantID, on connection: PostgresConnection?, logger: Logger)
        async throws -> (stored: [ReturnPolicyVersion], firstLocationZone: TimeZone?) {
        // One row per version, or a row without one: each carries the zone.
        let query: PostgresQuery = """
            SELECT p.version, p.policy::text, p.effective_at, first_location.time_zone
            FROM (SELECT (SELECT time_zone FROM fulfilment_locations WHERE merchant_id = \(merchant.rawValue)
                          ORDER BY created_at, code LIMIT 1)) AS first_location(time_zone)
            LEFT JOIN return_policies p ON p.merchant_id = \(merchant.rawValue)
            ORDER BY p.version
            """
        let rows = if let connection { try await connection.query(query, logger: logger).collect() } else { try await database.query(query, logger: logger) }
        var stored: [ReturnPolicyVersion] = []
        var zone: TimeZone?
        for row in rows {
            let (version, json, effectiveAt, timeZone) = try row.decode((Int?, String?, Date?, String?).self)
            zone = try timeZone.map { try StoredValue.timeZone($0, "fulfilment_locations.time_zone") }
            guard let version, let json, let effectiveAt else { continue }
            let policy = try Documents.decode(StoredReturnPolicy.self, from: json)
            stored.append(ReturnPolicyVersion(version: version, policy: try policy.policy(), effectiveAt: effectiveAt))
        }
        return (stored, zone)
    }
}

/// A policy as `return_policies.policy` keeps it.
struct StoredReturnPolicy: Codable {
    struct Holiday: Codable {
        var placedFrom: String
        var placedThrough: String
        var returnableThrough: String
    }

    var windowDays: Int
    var transitBufferDays: Int
    var timeZone: String
    var holidayExtension: Holiday?
    var finalSaleSkus: [String]
    var finalSaleCategories: [String]
    var resolutions: [String]
    var methods: [String]
    var restockingFeePercent: Int
    var returnShippingFee: Int
    var freeExchangeShipping: Bool
    var keepItThreshold: Int
    var approval: String
    var inStoreLocations: [String]
    /// Absent from versions stored before returns expired: the standard 30 days.
    var shipBackDays: Int?

    init(_ policy: ReturnPolicy) {
        windowDays = policy.windowDays
        transitBufferDays = policy.transitBufferDays
        timeZone = policy.timeZone.identifier
        holidayExtension = policy.holidayExtension.map {
            Holiday(placedFrom: $0.placedFrom.description, placedThrough: $0.placedThrough.description, returnableThrough: $0.returnableThrough.description)
        }
        finalSaleSkus = policy.finalSaleSKUs.sorted()
        finalSaleCategories = policy.finalSaleCategories.sorted()
        resolutions = policy.resolutions.map(\.rawValue).sorted()
        methods = policy.methods.map(\.rawValue).sorted()
        restockingFeePercent = policy.restockingFeePercent
        returnShippingFee = policy.returnShippingFee
        freeExchangeShipping = policy.freeExchangeShipping
        keepItThreshold = policy.keepItThreshold
        approval = policy.approval.rawValue
        inStoreLocations = policy.inStoreLocations
        shipBackDays = policy.shipBackDays
    }

    func policy() throws -> ReturnPolicy {
        func date(_ text: String, _ field: String) throws -> LocalDate { try StoredValue.date(text, "return_policies.policy.\(field)") }
        return ReturnPolicy(
            windowDays: windowDays, transitBufferDays: transitBufferDays, timeZone: try StoredValue.timeZone(timeZone, "return_policies.policy.time_zone"),
            holidayExtension: try holidayExtension.map {
                HolidayExtension(placedFrom: try date($0.placedFrom, "placed_from"), placedThrough: try date($0.placedThrough, "placed_through"),
                                 returnableThrough: try date($0.returnableThrough, "returnable_through"))
            },
            finalSaleSKUs: Set(finalSaleSkus), finalSaleCategories: Set(finalSaleCategories),
            resolutions: Set(try resolutions.map { try StoredValue.decode(ReturnResolution.self, $0, "return_policies.policy.resolutions") }),
            methods: Set(try methods.map { try StoredValue.decode(ReturnMethod.self, $0, "return_policies.policy.methods") }),
            restockingFeePercent: restockingFeePercent, returnShippingFee: returnShippingFee, freeExchangeShipping: freeExchangeShipping,
            keepItThreshold: keepItThreshold, approval: try StoredValue.decode(ReturnApproval.self, approval, "return_policies.policy.approval"),
            inStoreLocations: inStoreLocations, shipBackDays: shipBackDays ?? ReturnPolicy.standard.shipBackDays)
    }
}
