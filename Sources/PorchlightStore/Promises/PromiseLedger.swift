import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// The promise ledger: an order made from a quote option keeps that option's window as its
/// promise, written once (a trigger refuses any change), and marked kept or missed on delivery.
enum PromiseLedger {
    /// Records the order's promise from the chosen option, inside the order's transaction.
    /// Repeating the same choice is a no-op; a different one is a conflict.
    static func record(_ selection: DeliverySelection, orderID: UUID, merchant: MerchantID, now: Date,
                       on connection: PostgresConnection, logger: Logger) async throws {
        let existing = try await connection.query("""
            SELECT quote_id, option_id, slot_id FROM delivery_promises
            WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID)
            """, logger: logger).collect().decode((UUID, String, String?).self)
        if let (quoteID, optionID, slotID) = existing.first {
            guard quoteID == selection.quoteID, optionID == selection.optionID, slotID == selection.slotID else {
                throw DomainError.conflict("This order already has a delivery promise (quote \(quoteID.uuidString.lowercased()), option \(optionID)); a promise never changes.")
            }
            return
        }
        let quotes = try await connection.query("""
            SELECT q.location_code, q.destination::text, q.expires_at, q.options::text, l.region
            FROM delivery_quotes q
            LEFT JOIN fulfilment_locations l ON l.merchant_id = q.merchant_id AND l.code = q.location_code
            WHERE q.merchant_id = \(merchant.rawValue) AND q.id = \(selection.quoteID)
            """, logger: logger).collect().decode((String, String, Date, String, String?).self)
        guard let (locationCode, destinationJSON, expiresAt, optionsJSON, originRegion) = quotes.first else {
            throw DomainError.validation([FieldError(field: "delivery.quote_id", message: "must be the id of a quote from POST /v1/delivery-quotes")])
        }
        guard expiresAt > now else {
            throw DomainError.validation([FieldError(field: "delivery.quote_id", message: "expired at \(ISO8601DateFormatter().string(from: expiresAt)); request a new quote")])
        }
        let options = try Documents.decode([QuotedOption].self, from: optionsJSON)
        let destination = try Documents.decode(StoredDestination.self, from: destinationJSON)
        guard let option = options.first(where: { $0.optionID == selection.optionID }) else {
            throw DomainError.validation([FieldError(field: "delivery.option_id", message: "must be one of the quote's options: \(options.map(\.optionID).joined(separator: ", "))")])
        }
        var slot: QuotedSlot?
        if let slotID = selection.slotID {
            guard let offered = option.slots.first(where: { $0.slotID == slotID }) else {
                throw DomainError.validation([FieldError(field: "delivery.slot_id", message: "must be one of the option's slots")])
            }
            slot = offered
            try await bookSlot(offered, option: option, merchant: merchant, on: connection, logger: logger)
        }
        try await connection.query("""
            INSERT INTO delivery_promises (merchant_id, order_id, quote_id, option_id, slot_id, carrier, service_level,
                location_code, origin_region, destination_country, destination_region, earliest, latest,
                slot_date, slot_start, slot_end, confidence, basis, engine_version, promised_at, forecast_start, forecast)
            VALUES (\(merchant.rawValue), \(orderID), \(selection.quoteID), \(option.optionID), \(slot?.slotID),
                \(option.carrier), \(option.serviceLevel), \(locationCode), \(originRegion), \(destination.country),
                \(destination.region), \(slot?.date ?? option.earliest)::date, \(slot?.date ?? option.latest)::date,
                \(slot?.date)::date, \(slot?.start), \(slot?.end), \(option.confidence), \(option.transitBasis.rawValue),
                \(PromiseEngine.version), \(now), \(option.handlingStartsOn)::date, \(option.forecast))
            """, logger: logger)
    }

    /// Takes one place in a slot, or refuses when it is full. The advisory lock serialises
    /// bookings of the same slot across concurrent checkouts.
    private static func bookSlot(_ slot: QuotedSlot, option: QuotedOption, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        let key = "\(merchant.rawValue.uuidString)/\(option.optionID)/\(slot.slotID)"
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
        let booked = try await connection.query("""
            SELECT count(*) FROM delivery_promises
            WHERE merchant_id = \(merchant.rawValue) AND carrier = \(option.carrier) AND service_level = \(option.serviceLevel)
              AND slot_id = \(slot.slotID)
            """, logger: logger).collect().decode(Int.self).first ?? 0
        if booked >= slot.capacity {
            throw DomainError.conflict("The delivery slot \(slot.slotID) is fully booked; request a new quote for other slots.")
        }
    }

    /// Marks the promise kept or missed once the order is delivered: kept when the last parcel
    /// arrived, as a local date at the location it left from, no later than the promised latest date.
    /// Also records where that date fell in the forecast (see `Recalibration`).
    static func resolve(_ orderID: UUID, merchant: MerchantID, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("""
            SELECT api_date(d.delivered_on), api_date(p.latest), api_date(p.forecast_start), p.forecast
            FROM delivery_promises p
            LEFT JOIN fulfilment_locations l ON l.merchant_id = p.merchant_id AND l.code = p.location_code
            CROSS JOIN LATERAL (
                SELECT (max(s.delivered_at) AT TIME ZONE coalesce(l.time_zone, 'UTC'))::date AS delivered_on
                FROM shipments s WHERE s.merchant_id = p.merchant_id AND s.order_id = p.order_id
            ) d
            WHERE p.merchant_id = \(merchant.rawValue) AND p.order_id = \(orderID) AND p.outcome IS NULL
              AND d.delivered_on IS NOT NULL
            """, logger: logger).collect()
        for (deliveredText, latestText, startText, forecast) in try rows.decode((String, String, String, [Double]).self) {
            guard let deliveredOn = LocalDate(deliveredText), let latest = LocalDate(latestText), let start = LocalDate(startText) else { continue }
            try await connection.query("""
                UPDATE delivery_promises SET delivered_on = \(deliveredText)::date,
                    outcome = \(deliveredOn <= latest ? "kept" : "missed"),
                    pit = \(Recalibration.pit(of: deliveredOn, cumulative: forecast, from: start))
                WHERE merchant_id = \(merchant.rawValue) AND order_id = \(orderID)
                """, logger: logger)
        }
    }
}
