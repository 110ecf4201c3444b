import Foundation
import PorchlightCore

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

extension Date {
    /// The instant as PostgreSQL will give it back: PostgresNIO sends whole microseconds since
    /// 2000-01-01, truncated. Times a change writes are taken this way, so that an unchanged
    /// order read back compares equal to the one written.
    var asStored: Date {
        let epoch = Date(timeIntervalSince1970: 946_684_800)
        let microseconds = Int64(timeIntervalSince(epoch) * 1_000_000)
        return Date(timeInterval: Double(microseconds) / 1_000_000, since: epoch)
    }
}
