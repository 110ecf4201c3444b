import Foundation

public struct MailAddress: Sendable, Hashable {
    /// The addr-spec, e.g. "orders@example.com".
    public var address: String
    /// The display name, e.g. "Porchlight"; any Unicode.
    public var name: String?

    public init(address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }
}

public struct MailMessage: Sendable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var textBody: String
    /// When set, the message is multipart/alternative: the text part first, then this.
    public var htmlBody: String?
    /// Written as the Message-ID header, e.g. "<abc@porchlight.local>".
    public var messageID: String
    public var date: Date
    /// More headers, e.g. List-Unsubscribe, List-Unsubscribe-Post, Auto-Submitted.
    public var extraHeaders: [(name: String, value: String)]

    public init(
        from: MailAddress, to: MailAddress, subject: String, textBody: String, htmlBody: String? = nil,
        messageID: String, date: Date, extraHeaders: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.messageID = messageID
        self.date = date
        self.extraHeaders = extraHeaders
    }
}

/// Writes a `MailMessage` as RFC 5322 / MIME text with CRLF line endings. Pure, so it is tested without a server.
///
/// Bodies are UTF-8 in quoted-printable, so no body line is longer than 76 characters. A body that does not
/// end with a line break gets one in a single-part message (SMTP ends the message with a line break).
enum MIMEComposer {
    /// Header lines are folded to stay within this where a header has spaces to fold at (RFC 5322 2.1.1).
    static let foldAt = 78
    /// No line may be longer than this (RFC 5322 2.1.1).
    static let maxLineLength = 998

    /// Headers this composer writes itself; an extra header with one of these names would duplicate it.
    private static let composedHeaderNames: Set<String> = [
        "mime-version", "date", "from", "to", "subject", "message-id", "content-type", "content-transfer-encoding",
    ]

    static func compose(_ message: MailMessage, boundary: String = makeBoundary()) throws -> String {
        var headers = [
            "MIME-Version: 1.0",
            "Date: \(rfc5322Date(message.date))",
            try fold("From", addressWords(message.from, field: "From")),
            try fold("To", addressWords(message.to, field: "To")),
            try fold("Subject", unstructuredWords(withoutLineBreaks(message.subject), headerName: "Subject")),
            "Message-ID: \(try messageIDValue(message.messageID))",
        ]
        for header in message.extraHeaders {
            headers.append(try extraHeader(name: header.name, value: header.value))
        }

        let body: String
        if let html = message.htmlBody {
            headers.append(try fold("Content-Type", ["multipart/alternative;", "boundary=\"\(boundary)\""]))
            // The CRLF before each delimiter belongs to the delimiter, not to the part (RFC 2046 5.1.1).
            body = "--\(boundary)\r\n\(textPart(message.textBody, subtype: "plain"))\r\n"
                + "--\(boundary)\r\n\(textPart(html, subtype: "html"))\r\n"
                + "--\(boundary)--\r\n"
        } else {
            headers.append("Content-Type: text/plain; charset=utf-8")
            headers.append("Content-Transfer-Encoding: quoted-printable")
            body = quotedPrintable(message.textBody)
        }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// "=_" cannot occur in quoted-printable text ('=' is always followed by hex digits or a line break there),
    /// so a boundary starting with it cannot occur in the bodies; the random part keeps nested mail apart.
    static func makeBoundary() -> String {
        let random = (0..<2).map { _ in
            let hex = String(UInt64.random(in: .min ... .max), radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
        return "=_porchlight_" + random.joined()
    }

    private static func textPart(_ text: String, subtype: String) -> String {
        "Content-Type: text/\(subtype); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + quotedPrintable(text)
    }

    // MARK: Headers

    private static func extraHeader(name: String, value: String) throws -> String {
        guard !name.isEmpty, name.count <= 76,
            name.unicodeScalars.allSatisfy({ (33...126).contains($0.value) && $0 != ":" })
        else {
            throw SMTPError.invalidMessage("header name '\(name)' must be printable ASCII without ':' or spaces")
        }
        guard !composedHeaderNames.contains(name.lowercased()) else {
            throw SMTPError.invalidMessage("header '\(name)' is written from the message's own fields; set it there")
        }
        // A line break in a value would start a new header (header injection), so it is refused, not cleaned.
        guard !value.unicodeScalars.contains(where: isControl) else {
            throw SMTPError.invalidMessage("header '\(name)' has a line break or control character in its value")
        }
        // "=?" is left alone here: in a URL (List-Unsubscribe) encoding it would break the header.
        return try fold(name, unstructuredWords(value, headerName: name, encodeLookalikes: false))
    }

    /// Unstructured text (Subject): printable ASCII words stay as they are; each run of words that needs
    /// encoding becomes RFC 2047 encoded words, the spaces inside the run included, because a reader drops
    /// the space between two encoded words. With `encodeLookalikes`, a word containing "=?" is encoded too,
    /// so a reader shows it as written instead of decoding it.
    static func unstructuredWords(_ text: String, headerName: String, encodeLookalikes: Bool = true) -> [String] {
        var words: [String] = []
        var run: [Substring] = []
        func endRun() {
            guard !run.isEmpty else { return }
            let room = words.isEmpty ? foldAt - headerName.utf8.count - 2 : foldAt - 1
            words += encodedWords(run.joined(separator: " "), firstLineRoom: room)
            run = []
        }
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if needsEncoding(word, encodeLookalikes: encodeLookalikes) || (word.isEmpty && !run.isEmpty) {
                run.append(word)
            } else {
                endRun()
                words.append(String(word))
            }
        }
        endRun()
        return words
    }

    private static func addressWords(_ mailbox: MailAddress, field: String) throws -> [String] {
        try validateAddress(mailbox.address, field: field)
        let name = withoutLineBreaks(mailbox.name ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return [mailbox.address] }
        let angleAddress = "<\(mailbox.address)>"
        let nameRoom = foldAt - field.utf8.count - 2
        if needsEncoding(name[...], encodeLookalikes: true) {
            return encodedWords(name, firstLineRoom: nameRoom) + [angleAddress]
        }
        if name.unicodeScalars.allSatisfy({ $0 == " " || isAtext($0) }) {
            return name.split(separator: " ").map(String.init) + [angleAddress]
        }
        // Specials such as ',' or '.' need a quoted string; a long one, which cannot be folded, is encoded instead.
        let quoted = "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        if quoted.utf8.count <= nameRoom {
            return [quoted, angleAddress]
        }
        return encodedWords(name, firstLineRoom: nameRoom) + [angleAddress]
    }

    static func validateAddress(_ address: String, field: String) throws {
        let forbidden: (Unicode.Scalar) -> Bool = { isControl($0) || $0 == " " || "<>(),;\"\\".unicodeScalars.contains($0) }
        guard let at = address.lastIndex(of: "@"), at != address.startIndex, address.index(after: at) != address.endIndex,
            !address.unicodeScalars.contains(where: forbidden), address.utf8.count <= 254
        else {
            throw SMTPError.invalidMessage("\(field) address '\(address)' is not an address like name@example.com")
        }
    }

    private static func messageIDValue(_ id: String) throws -> String {
        let trimmed = id.trimmingCharacters(in: .whitespaces)
        let value = trimmed.hasPrefix("<") || trimmed.hasSuffix(">") ? trimmed : "<\(trimmed)>"
        let inner = value.dropFirst().dropLast()
        guard value.hasPrefix("<"), value.hasSuffix(">"), inner.contains("@"), !inner.hasPrefix("@"), !inner.hasSuffix("@"),
            inner.unicodeScalars.allSatisfy({ (33...126).contains($0.value) && $0 != "<" && $0 != ">" })
        else {
            throw SMTPError.invalidMessage("Message-ID '\(id)' is not like <unique@host>")
        }
        return value
    }

    /// Joins `words` with single spaces after "Name:", starting a continuation line (CRLF + space) before a word
    /// that would pass `foldAt`. Unfolding removes only the CRLF, so the value reads back unchanged.
    static func fold(_ name: String, _ words: [String]) throws -> String {
        var lines: [String] = []
        var line = name + ":"
        var lineHasWord = false
        for word in words {
            let piece = " " + word
            if lineHasWord, !word.isEmpty, line.utf8.count + piece.utf8.count > foldAt {
                lines.append(line)
                line = piece
            } else {
                line += piece
            }
            lineHasWord = true
        }
        lines.append(line)
        guard lines.allSatisfy({ $0.utf8.count <= maxLineLength }) else {
            throw SMTPError.invalidMessage("header '\(name)' has a word longer than \(maxLineLength) characters")
        }
        return lines.joined(separator: "\r\n")
    }

    /// RFC 2047 "B" encoded words of at most 75 characters each; the first fits in `firstLineRoom`.
    /// Words are cut between Unicode scalars so each holds whole UTF-8 characters.
    static func encodedWords(_ text: String, firstLineRoom: Int) -> [String] {
        let overhead = "=?UTF-8?B?".count + "?=".count
        // Base64 turns 3 bytes into 4 characters.
        func byteLimit(room: Int) -> Int { max(3, (min(75, room) - overhead) / 4 * 3) }
        func word(_ bytes: [UInt8]) -> String { "=?UTF-8?B?\(Data(bytes).base64EncodedString())?=" }

        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = byteLimit(room: firstLineRoom)
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if !chunk.isEmpty, chunk.count + bytes.count > limit {
                words.append(word(chunk))
                chunk = []
                limit = byteLimit(room: foldAt - 1)
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(word(chunk)) }
        return words
    }

    private static func needsEncoding(_ text: Substring, encodeLookalikes: Bool) -> Bool {
        text.unicodeScalars.contains { !(32...126).contains($0.value) } || (encodeLookalikes && text.contains("=?"))
    }

    private static func withoutLineBreaks(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 32 || scalar.value == 127
    }

    /// RFC 5322 atext: may stand in a display name without quotes.
    private static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar))
    }

    /// "Thu, 04 Dec 2025 09:05:00 +0000" in UTC (RFC 5322 3.3).
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func twoDigits(_ value: Int?) -> String { let text = String(value ?? 0); return text.count < 2 ? "0" + text : text }
        let weekday = weekdays[((parts.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((parts.month ?? 1) - 1 + 12) % 12]
        return "\(weekday), \(twoDigits(parts.day)) \(month) \(parts.year ?? 1970) "
            + "\(twoDigits(parts.hour)):\(twoDigits(parts.minute)):\(twoDigits(parts.second)) +0000"
    }

    // MARK: Bodies

    /// Quoted-printable (RFC 2045 6.7) of the UTF-8 text: line breaks become CRLF, lines are at most 76 characters
    /// (soft breaks end with '='), and spaces at a line's end are encoded so no relay strips them.
    static func quotedPrintable(_ text: String) -> String {
        splitLines(Array(text.utf8)).map(quotedPrintableLine).joined(separator: "\r\n")
    }

    private static func quotedPrintableLine(_ bytes: ArraySlice<UInt8>) -> String {
        var encoded = ""
        var current = ""
        for (offset, byte) in bytes.enumerated() {
            let isLast = offset == bytes.count - 1
            let piece: String
            switch byte {
            case 33...60, 62...126:
                piece = String(UnicodeScalar(byte))
            case 9 where !isLast, 32 where !isLast:
                piece = String(UnicodeScalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                piece = "=" + (hex.count < 2 ? "0" + hex : hex)
            }
            // 75 leaves room for the soft break's '=' within 76.
            if current.utf8.count + piece.utf8.count > 75 {
                encoded += current + "=\r\n"
                current = ""
            }
            current += piece
        }
        return encoded + current
    }

    /// Splits at CRLF, lone CR and lone LF. Text ending with a line break gives a last, empty line.
    static func splitLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 13 || byte == 10 else {
                index += 1
                continue
            }
            lines.append(bytes[lineStart..<index])
            index += (byte == 13 && index + 1 < bytes.count && bytes[index + 1] == 10) ? 2 : 1
            lineStart = index
        }
        lines.append(bytes[lineStart..<bytes.count])
        return lines
    }

    // MARK: SMTP framing

    /// The bytes sent after DATA's 354: CRLF line endings, an extra "." before each line that starts with "."
    /// (RFC 5321 4.5.2), and the closing CRLF "." CRLF.
    static func smtpDataPayload(_ message: String) -> [UInt8] {
        var lines = splitLines(Array(message.utf8))
        if lines.last?.isEmpty == true { lines.removeLast() }
        var payload: [UInt8] = []
        payload.reserveCapacity(message.utf8.count + 64)
        for line in lines {
            if line.first == UInt8(ascii: ".") { payload.append(UInt8(ascii: ".")) }
            payload += line
            payload += [13, 10]
        }
        payload += Array(".\r\n".utf8)
        return payload
    }
}
