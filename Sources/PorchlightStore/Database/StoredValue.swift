import Foundation
import PorchlightCore
import PostgresNIO

/// Reading stored values into Core types. A value no Core type knows means the code and the data
/// disagree (CHECK constraints refuse such values on the way in), which must be loud: decoding
/// it is an error, never a default.
enum StoredValue {
    struct Unknown: Error, CustomStringConvertible {
        var column: String
        var value: String
        var description: String { "unknown value '\(value)' in \(column)" }
    }

    static func decode<Value: RawRepresentable<String>>(_ type: Value.Type, _ raw: String, _ column: String) throws -> Value {
        guard let value = Value(rawValue: raw) else { throw Unknown(column: column, value: raw) }
        return value
    }

    static func date(_ text: String, _ column: String) throws -> LocalDate {
        guard let date = LocalDate(text) else { throw Unknown(column: column, value: text) }
        return date
    }

    static func timeZone(_ identifier: String, _ column: String) throws -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else { throw Unknown(column: column, value: identifier) }
        return zone
    }
}

extension PostgresRandomAccessRow {
    /// The column of that name: a row read column by column is read by name, so a statement's
    /// list can change without shifting what the decoder reads. (A row decoded whole, as a
    /// tuple, is read by position; PostgresNIO checks its column count.)
    func column<T: PostgresDecodable>(_ name: String, _ type: T.Type = T.self) throws -> T { try self[name].decode(T.self) }
}

extension Date {
    /// The instant as PostgreSQL will give it back, whatever the number of round trips: times a
    /// change writes are taken this way, so that an unchanged order read back compares equal to
    /// the one written. PostgresNIO sends whole microseconds since 2000-01-01, truncated, and in
    /// some years (2008, 2034, ...) a value read back can be sent a microsecond lower again, so
    /// this repeats the round trip until it changes nothing (at most a few times).
    var asStored: Date {
        var stored = Self.roundTrip(self)
        for _ in 0..<8 {
            let again = Self.roundTrip(stored)
            if again == stored { break }
            stored = again
        }
        return stored
    }

    private static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)

    private static func roundTrip(_ instant: Date) -> Date {
        let microseconds = Int64(instant.timeIntervalSince(postgresEpoch) * 1_000_000)
        return Date(timeInterval: Double(microseconds) / 1_000_000, since: postgresEpoch)
    }
}
