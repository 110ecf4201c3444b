import Foundation

/// What Porchlight knows about a destination country: its postal code format and the time zone
/// its customers' clocks are counted in. Countries without an entry take any postal code that
/// `Formats.isPostalCode` accepts, and UTC.
public enum Countries {
    /// The country's time zone: the most populous one where a country spans several (a parcel's
    /// exact zone is not known from a postal address alone).
    public static func timeZone(of country: String) -> TimeZone {
        facts[country].flatMap { TimeZone(identifier: $0.timeZone) } ?? TimeZone(identifier: "UTC")!
    }

    /// Whether the postal code has the country's format (letters compared in capitals, spaces and
    /// dashes where the country writes them).
    public static func hasPostalFormat(_ code: String, country: String) -> Bool {
        guard Formats.isPostalCode(code) else { return false }
        guard let pattern = facts[country]?.postalCode else { return true }
        return (try? Regex(pattern).wholeMatch(in: code.uppercased())) != nil
    }

    /// The format in words, for a refusal: "5 digits", as in the table.
    public static func postalFormatExample(_ country: String) -> String? {
        facts[country]?.example
    }

    private struct Facts {
        var timeZone: String
        var postalCode: String
        var example: String
    }

    private static let facts: [String: Facts] = [
        "AR": Facts(timeZone: "America/Argentina/Buenos_Aires", postalCode: #"[A-Z]\d{4}[A-Z]{3}|\d{4}"#, example: "C1425DKA"),
        "AT": Facts(timeZone: "Europe/Vienna", postalCode: #"\d{4}"#, example: "1010"),
        "AU": Facts(timeZone: "Australia/Sydney", postalCode: #"\d{4}"#, example: "2000"),
        "BE": Facts(timeZone: "Europe/Brussels", postalCode: #"\d{4}"#, example: "1000"),
        "BG": Facts(timeZone: "Europe/Sofia", postalCode: #"\d{4}"#, example: "1000"),
        "BR": Facts(timeZone: "America/Sao_Paulo", postalCode: #"\d{5}-?\d{3}"#, example: "01310-100"),
        "CA": Facts(timeZone: "America/Toronto", postalCode: #"[A-Z]\d[A-Z] ?\d[A-Z]\d"#, example: "M5V 3L9"),
        "CH": Facts(timeZone: "Europe/Zurich", postalCode: #"\d{4}"#, example: "8001"),
        "CL": Facts(timeZone: "America/Santiago", postalCode: #"\d{7}"#, example: "8320000"),
        "CN": Facts(timeZone: "Asia/Shanghai", postalCode: #"\d{6}"#, example: "100000"),
        "CO": Facts(timeZone: "America/Bogota", postalCode: #"\d{6}"#, example: "110111"),
        "CZ": Facts(timeZone: "Europe/Prague", postalCode: #"\d{3} ?\d{2}"#, example: "110 00"),
        "DE": Facts(timeZone: "Europe/Berlin", postalCode: #"\d{5}"#, example: "10115"),
        "DK": Facts(timeZone: "Europe/Copenhagen", postalCode: #"\d{4}"#, example: "1050"),
        "EE": Facts(timeZone: "Europe/Tallinn", postalCode: #"\d{5}"#, example: "10111"),
        "ES": Facts(timeZone: "Europe/Madrid", postalCode: #"\d{5}"#, example: "28001"),
        "FI": Facts(timeZone: "Europe/Helsinki", postalCode: #"\d{5}"#, example: "00100"),
        "FR": Facts(timeZone: "Europe/Paris", postalCode: #"\d{5}"#, example: "75001"),
        "GB": Facts(timeZone: "Europe/London", postalCode: #"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"#, example: "SW1A 1AA"),
        "GR": Facts(timeZone: "Europe/Athens", postalCode: #"\d{3} ?\d{2}"#, example: "105 57"),
        "HU": Facts(timeZone: "Europe/Budapest", postalCode: #"\d{4}"#, example: "1051"),
        "ID": Facts(timeZone: "Asia/Jakarta", postalCode: #"\d{5}"#, example: "10110"),
        "IE": Facts(timeZone: "Europe/Dublin", postalCode: #"[A-Z]\d[\dW] ?[A-Z\d]{4}"#, example: "D02 X285"),
        "IN": Facts(timeZone: "Asia/Kolkata", postalCode: #"\d{3} ?\d{3}"#, example: "110001"),
        "IT": Facts(timeZone: "Europe/Rome", postalCode: #"\d{5}"#, example: "00184"),
        "JP": Facts(timeZone: "Asia/Tokyo", postalCode: #"\d{3}-?\d{4}"#, example: "100-0001"),
        "KR": Facts(timeZone: "Asia/Seoul", postalCode: #"\d{5}"#, example: "03187"),
        "LT": Facts(timeZone: "Europe/Vilnius", postalCode: #"(LT-)?\d{5}"#, example: "LT-01100"),
        "LU": Facts(timeZone: "Europe/Luxembourg", postalCode: #"(L-)?\d{4}"#, example: "L-1111"),
        "LV": Facts(timeZone: "Europe/Riga", postalCode: #"(LV-)?\d{4}"#, example: "LV-1050"),
        "MX": Facts(timeZone: "America/Mexico_City", postalCode: #"\d{5}"#, example: "06000"),
        "NL": Facts(timeZone: "Europe/Amsterdam", postalCode: #"\d{4} ?[A-Z]{2}"#, example: "1012 AB"),
        "NO": Facts(timeZone: "Europe/Oslo", postalCode: #"\d{4}"#, example: "0150"),
        "NZ": Facts(timeZone: "Pacific/Auckland", postalCode: #"\d{4}"#, example: "1010"),
        "PL": Facts(timeZone: "Europe/Warsaw", postalCode: #"\d{2}-\d{3}"#, example: "00-001"),
        "PT": Facts(timeZone: "Europe/Lisbon", postalCode: #"\d{4}-\d{3}"#, example: "1100-148"),
        "RO": Facts(timeZone: "Europe/Bucharest", postalCode: #"\d{6}"#, example: "010011"),
        "RU": Facts(timeZone: "Europe/Moscow", postalCode: #"\d{6}"#, example: "101000"),
        "SE": Facts(timeZone: "Europe/Stockholm", postalCode: #"\d{3} ?\d{2}"#, example: "111 22"),
        "SG": Facts(timeZone: "Asia/Singapore", postalCode: #"\d{6}"#, example: "018956"),
        "SK": Facts(timeZone: "Europe/Bratislava", postalCode: #"\d{3} ?\d{2}"#, example: "811 01"),
        "TR": Facts(timeZone: "Europe/Istanbul", postalCode: #"\d{5}"#, example: "34000"),
        "UA": Facts(timeZone: "Europe/Kiev", postalCode: #"\d{5}"#, example: "01001"),
        "US": Facts(timeZone: "America/New_York", postalCode: #"\d{5}(-\d{4})?"#, example: "10001"),
        "ZA": Facts(timeZone: "Africa/Johannesburg", postalCode: #"\d{4}"#, example: "2000"),
    ]
}
