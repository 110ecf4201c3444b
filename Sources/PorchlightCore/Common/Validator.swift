import Foundation

/// Collects every invalid field of one request, so a client learns all it must fix at once.
/// The limits mirror the constraints declared in openapi.yaml.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func fail(_ field: String, _ message: String) {
        errors.append(FieldError(field: field, message: message))
    }

    public mutating func check(_ condition: Bool, _ field: String, _ message: @autoclosure () -> String) {
        if !condition { fail(field, message()) }
    }

    /// Text must be within the length limits (counted in Unicode code points, as JSON Schema does)
    /// and free of NUL characters, which PostgreSQL cannot store.
    /// Returns whether the text passed.
    @discardableResult
    public mutating func text(_ value: String?, _ field: String, min: Int = 0, max: Int) -> Bool {
        guard let value else { return true }
        let length = value.unicodeScalars.count
        if length < min || length > max {
            fail(field, min > 0 ? "must be \(min) to \(max) characters long" : "must be at most \(max) characters long")
            return false
        } else if value.unicodeScalars.contains("\0") {
            fail(field, "must not contain NUL characters")
            return false
        }
        return true
    }

    /// An identifier the merchant chooses (carrier, service level, location code): 1 to 64
    /// ASCII letters, digits, '_', '.' and '-', so it is safe in a URL path as it is.
    public mutating func code(_ value: String?, _ field: String) {
        guard let value else { return }
        text(value, field, min: 1, max: 64)
        check(value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) },
              field, "must use only letters, digits, '_', '.' and '-'")
    }

    public mutating func range(_ value: Int, _ field: String, _ bounds: ClosedRange<Int>) {
        check(bounds.contains(value), field, "must be between \(bounds.lowerBound) and \(bounds.upperBound)")
    }

    public mutating func count(_ count: Int, _ field: String, _ bounds: ClosedRange<Int>) {
        check(bounds.contains(count), field, "must have \(bounds.lowerBound) to \(bounds.upperBound) items")
    }

    /// Throws `DomainError.validation` when any check failed.
    public func finish() throws(DomainError) {
        if !errors.isEmpty { throw .validation(errors) }
    }
}

/// Format rules shared by every capability.
public enum Formats {
    public static func isEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        // NUL is refused for every text, by `Validator.text`.
        return !value.unicodeScalars.contains { CharacterSet.whitespacesAndNewlines.contains($0) }
    }

    /// E.164: a plus sign and 7 to 15 digits, the first not zero.
    public static func isPhoneNumber(_ value: String) -> Bool {
        let digits = value.utf8.dropFirst()
        return value.first == "+" && (7...15).contains(digits.count)
            && digits.allSatisfy { (0x30...0x39).contains($0) } && digits.first != 0x30
    }

    /// A BCP 47 language tag such as `en`, `ro-RO` or `zh-Hans`.
    public static func isLanguageTag(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard let language = parts.first, (2...3).contains(language.count),
              language.allSatisfy({ $0.isASCII && $0.isLetter })
        else { return false }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    public static let countryCodes: Set<String> = Set(ISOCodes.countries)
    public static let currencyCodes: Set<String> = Set(ISOCodes.currencies)

    /// `http://` or `https://` and then at least one character, none of them white space.
    public static func isHTTPURL(_ value: String) -> Bool {
        guard let scheme = ["https://", "http://"].first(where: value.hasPrefix) else { return false }
        return value.count > scheme.count && !value.unicodeScalars.contains { CharacterSet.whitespacesAndNewlines.contains($0) }
    }

    /// 2 to 10 ASCII letters and digits, with any spaces and dashes between them; this covers every
    /// country's format (and is the contract's pattern for a quote's postal code).
    public static func isPostalCode(_ value: String) -> Bool {
        let separators = value.utf8.filter { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "-") }.count
        let characters = value.utf8.count - separators
        return (2...10).contains(characters) && value.allSatisfy { $0 == " " || $0 == "-" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }

    /// Postal codes compare without spaces, dashes or case: "sw1a 1aa" finds "SW1A1AA".
    public static func normalizedPostalCode(_ value: String) -> String {
        String(value.uppercased().unicodeScalars.filter { !CharacterSet.whitespaces.contains($0) && $0 != "-" })
    }
}
