import Foundation

/// One delivered order of a shipment-history file (the format of `datasets/olist/history.csv`).
public struct HistoricalOrder: Sendable, Equatable {
    public var orderID: String
    public var timeZone: TimeZone
    public var placedAt: Date
    public var shippedAt: Date?
    public var deliveredAt: Date
    public var promisedBy: LocalDate
    public var service: ServiceKey
    public var origin: Destination
    /// Where in the origin country it left from (the seller's postal area); empty when unknown.
    public var originPostalPrefix: String
    public var destination: Destination
}

/// Reads shipment-history CSV: a header row naming the columns, then one order per row, local
/// times `YYYY-MM-DD HH:MM:SS` in the row's IANA `timezone`.
public enum ShipmentHistoryCSV {
    public struct ParseError: Error, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    static let requiredColumns = ["order_id", "placed_at", "shipped_at", "delivered_at", "promised_by", "carrier", "service",
                                  "origin_country", "origin_region", "destination_country", "destination_region", "timezone"]

    public static func parse(_ text: String) throws -> [HistoricalOrder] {
        var records = CSV.records(text)
        guard !records.isEmpty else { return [] }
        let header = records.removeFirst()
        var column: [String: Int] = [:]
        for (index, name) in header.enumerated() { column[name] = index }
        if let missing = requiredColumns.first(where: { column[$0] == nil }) {
            throw ParseError(line: 1, message: "missing column \(missing)")
        }
        var timeZones: [String: TimeZone] = [:]
        return try records.enumerated().map { offset, values in
            let lineNumber = offset + 2
            func value(_ name: String) -> String {
                let index = column[name]!
                return index < values.count ? values[index] : ""
            }
            let zoneName = value("timezone")
            guard let timeZone = timeZones[zoneName] ?? TimeZone(identifier: zoneName) else {
                throw ParseError(line: lineNumber, message: "unknown time zone '\(zoneName)'")
            }
            timeZones[zoneName] = timeZone
            func time(_ name: String) throws -> Date? {
                let text = value(name)
                if text.isEmpty { return nil }
                guard let instant = localTime(text, in: timeZone) else {
                    throw ParseError(line: lineNumber, message: "\(name) '\(text)' is not YYYY-MM-DD HH:MM:SS")
                }
                return instant
            }
            guard let placedAt = try time("placed_at"), let deliveredAt = try time("delivered_at") else {
                throw ParseError(line: lineNumber, message: "placed_at and delivered_at are required")
            }
            guard let promisedBy = LocalDate(value("promised_by")) else {
                throw ParseError(line: lineNumber, message: "promised_by '\(value("promised_by"))' is not YYYY-MM-DD")
            }
            return HistoricalOrder(
                orderID: value("order_id"), timeZone: timeZone, placedAt: placedAt, shippedAt: try time("shipped_at"),
                deliveredAt: deliveredAt, promisedBy: promisedBy,
                service: ServiceKey(carrier: value("carrier"), serviceLevel: value("service")),
                origin: Destination(country: value("origin_country"), region: value("origin_region")),
                originPostalPrefix: column["origin_postal_prefix"] == nil ? "" : value("origin_postal_prefix"),
                destination: Destination(country: value("destination_country"), region: value("destination_region")))
        }
    }

    /// `YYYY-MM-DD HH:MM:SS` as a local clock time in `timeZone`.
    static func localTime(_ text: String, in timeZone: TimeZone) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let date = LocalDate(String(parts[0])) else { return nil }
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]), (0..<62).contains(clock[2]) else { return nil }
        return date.instant(atMinute: clock[0] * 60 + clock[1], in: timeZone).addingTimeInterval(Double(clock[2]))
    }
}
