import Foundation
import OpenAPIRuntime

/// Reads RFC 3339 timestamps with or without fractional seconds and with any offset; writes UTC
/// with milliseconds. (The runtime's default transcoder accepts only one of the two forms.)
struct RFC3339DateTranscoder: DateTranscoder {
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let whole = Date.ISO8601FormatStyle()

    func encode(_ date: Date) throws -> String {
        Self.fractional.format(date)
    }

    func decode(_ text: String) throws -> Date {
        if let date = try? Self.fractional.parse(text) { return date }
        if let date = try? Self.whole.parse(text) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(text)' is not an RFC 3339 date-time such as 2026-11-20T09:30:00+02:00"))
    }
}
