import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// The promise ledger: an order made from a quote option keeps that option's window as its
/// promise, written once (a trigger refuses any change); Core marks it kept or missed on delivery.
enum PromiseLedger {
    /// The order's promise from the chosen option, inside the order's transaction (the order's
    /// save writes it). Repeating the same choice keeps the promise; a different one is a conflict.
    static func promise(for selection: DeliverySelection, order: OrderRecord, now: Date, merchant: MerchantID,
                        on connection: PostgresConnection, logger: Logger) async throws -> PromiseRecord {
        if let existing = order.promise {
            guard existing.quoteID == selection.quoteID, existing.optionID == selection.optionID, existing.slot?.id == selection.slotID else {
                throw DomainError.conflict("This order already has a delivery promise (quote \(existing.quoteID.apiText), option \(existing.optionID)); a promise never changes.")
            }
            return existing
        }
        let quotes = try await connection.query("""
            SELECT q.location_code, q.destination::text, q.expires_at, q.options::text, l.region, coalesce(l.time_zone, 'UTC')
            FROM delivery_quotes q
            LEFT JOIN fulfilment_locations l ON l.merchant_id = q.merchant_id AND l.code = q.location_code
            WHERE q.merchant_id = \(merchant.rawValue) AND q.id = \(selection.quoteID)
            """, logger: logger).collect().decode((String, String, Date, String, String?, String).self)
        guard let (locationCode, destinationJSON, expiresAt, optionsJSON, originRegion, zone) = quotes.first else {
            throw DomainError.validation([FieldError(field: "delivery.quote_id", message: "must be the id of a quote from POST /v1/delivery-quotes")])
        }
        guard expiresAt > now else {
            throw DomainError.validation([FieldError(field: "delivery.quote_id", message: "expired at \(APITime.text(expiresAt)); request a new quote")])
        }
        let options = try Documents.decode([QuotedOption].self, from: optionsJSON)
        let destination = try Documents.decode(StoredDestination.self, from: destinationJSON)
        guard let option = options.first(where: { $0.optionID == selection.optionID }) else {
            throw DomainError.validation([FieldError(field: "delivery.option_id", message: "must be one of the quote's options: \(options.map(\.optionID).joined(separator: ", "))")])
        }
        var slot: PromiseRecord.Slot?
        if let slotID = selection.slotID {
            guard let offered = option.slots.first(where: { $0.slotID == slotID }), let day = LocalDate(offered.date) else {
                throw DomainError.validation([FieldError(field: "delivery.slot_id", message: "must be one of the option's slots")])
            }
            try await bookSlot(offered, option: option, merchant: merchant, on: connection, logger: logger)
            slot = PromiseRecord.Slot(id: offered.slotID, date: day, start: offered.start, end: offered.end)
        }
        guard let earliest = LocalDate(option.earliest), let latest = LocalDate(option.latest),
              let forecastStart = LocalDate(option.handlingStartsOn) else {
            throw StoredValue.Unknown(column: "delivery_quotes.options", value: option.optionID)
        }
        // A slot promises its own day.
        return PromiseRecord(
            quoteID: selection.quoteID, optionID: option.optionID, slot: slot, carrier: option.carrier,
            serviceLevel: option.serviceLevel, locationCode: locationCode, originRegion: originRegion,
            destinationCountry: destination.country, destinationRegion: destination.region,
            window: DeliveryWindow(earliest: slot?.date ?? earliest, latest: slot?.date ?? latest, confidence: option.confidence),
            basis: option.transitBasis, engineVersion: PromiseEngine.version, promisedAt: now,
            forecastStart: forecastStart, forecast: option.forecast, timeZone: try StoredValue.timeZone(zone, "fulfilment_locations.time_zone"),
            outcome: nil, deliveredOn: nil, pit: nil)
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
}
