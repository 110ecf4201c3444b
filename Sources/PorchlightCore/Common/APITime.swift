import Foundation

/// Instants as the API writes them (RFC 3339 in UTC with milliseconds) and reads them (any RFC 3339
/// date-time: `T` or `t`, any fraction, `Z` or any offset up to ±23:59, years 0000 to 9999).
public enum APITime {
    /// nil for anything RFC 3339 does not allow, including impossible dates such as 2026-02-30.
    /// A leap second (`:60`) is read as the first second of the next minute.
    public static func instant(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
              [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy({ digit(bytes[$0]) != nil }),
              let date = LocalDate(String(decoding: bytes[0..<10], as: UTF8.self)),
              let hour = number(bytes, 11), bytes[13] == UInt8(ascii: ":"), let minute = number(bytes, 14),
              bytes[16] == UInt8(ascii: ":"), let second = number(bytes, 17),
              hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, let digit = digit(bytes[index]) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
            guard index > start, index < bytes.count else { return nil }
        }
        var offset = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard bytes.count == index + 6, let hours = number(bytes, index + 1), bytes[index + 3] == UInt8(ascii: ":"),
                  let minutes = number(bytes, index + 4), hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// Two digits at `index`.
    private static func number(_ bytes: [UInt8], _ index: Int) -> Int? {
        guard index + 1 < bytes.count, let tens = digit(bytes[index]), let ones = digit(bytes[index + 1]) else { return nil }
        return tens * 10 + ones
    }

    public static func text(_ instant: Date) -> String {
        let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded())
        let (days, dayMillis) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, ms) = dayMillis < 0 ? (days - 1, dayMillis + 86_400_000) : (days, dayMillis)
        let date = LocalDate(daysSinceEpoch: Int(day))
        let seconds = ms / 1000
        return "\(date)T\(pad(seconds / 3600)):\(pad(seconds / 60 % 60)):\(pad(seconds % 60)).\(pad(ms % 1000, width: 3))Z"
    }

    private static func pad(_ value: Int64, width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
