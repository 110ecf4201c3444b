import Foundation
import OpenAPIRuntime
import PorchlightCore

/// Reads every RFC 3339 date-time (`APITime.instant`); writes UTC with milliseconds (`APITime.text`).
/// (The runtime's default transcoder accepts only one fraction form, and Foundation's parser refuses
/// offsets beyond ±18:00, which RFC 3339 allows.)
struct RFC3339DateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        APITime.text(date)
    }

    func decode(_ text: String) throws -> Date {
        guard let date = APITime.instant(text) else { throw InvalidDateTime(text: text) }
        return date
    }

    /// Its own type, because the decoders pass it on without the field's path:
    /// `DateTimeFieldMiddleware` finds the field by its value.
    struct InvalidDateTime: Error {
        var text: String
        var message: String { "'\(text)' is not an RFC 3339 date-time such as 2026-11-20T09:30:00+02:00" }
    }
}
