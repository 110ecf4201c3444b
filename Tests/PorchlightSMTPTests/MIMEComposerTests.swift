import Foundation
import Testing

@testable import PorchlightSMTP

/// The composer on its own: header encoding and folding, quoted-printable, boundaries and SMTP framing.
@Suite struct MIMEComposerTests {
    static func message(
        subject: String = "Hello", text: String = "Hi\n", html: String? = nil,
        from: MailAddress = MailAddress(address: "orders@porchlight.example", name: "Porchlight"),
        extraHeaders: [(name: String, value: String)] = []
    ) -> MailMessage {
        MailMessage(
            from: from, to: MailAddress(address: "jan@example.com"), subject: subject, textBody: text, htmlBody: html,
            messageID: "<m1@porchlight.local>", date: Date(timeIntervalSince1970: 1_764_925_505), extraHeaders: extraHeaders)
    }

    /// The header block split into (unfolded) fields, and the raw physical lines of it.
    static func headers(of composed: String) -> (fields: [(name: String, value: String)], lines: [String]) {
        let head = composed.components(separatedBy: "\r\n\r\n")[0]
        let lines = head.components(separatedBy: "\r\n")
        var fields: [(name: String, value: String)] = []
        for line in lines {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), let last = fields.popLast() {
                fields.append((last.name, last.value + line))  // unfolding removes only the CRLF
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst())))
            }
        }
        return (fields, lines)
    }

    static func field(_ name: String, in composed: String) -> String? {
        headers(of: composed).fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Decodes a header value the way a mail reader does (RFC 2047 6.2): each "B" encoded word is base64 UTF-8,
    /// the space between two encoded words is dropped, other spaces and words stay. Nil for a bad encoded word.
    static func decodeHeaderValue(_ value: String) -> String? {
        var decoded = ""
        var previousWasEncoded = false
        for (index, token) in value.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if token.hasPrefix("=?UTF-8?B?") && token.hasSuffix("?=") {
                guard let data = Data(base64Encoded: String(token.dropFirst(10).dropLast(2))),
                    let text = String(data: data, encoding: .utf8)
                else { return nil }
                if index > 0 && !previousWasEncoded { decoded += " " }
                decoded += text
                previousWasEncoded = true
            } else {
                if index > 0 { decoded += " " }
                decoded += token
                previousWasEncoded = false
            }
        }
        return decoded
    }

    /// An independent quoted-printable decoder (RFC 2045 6.7) for checking the encoder.
    static func decodeQuotedPrintable(_ text: String) -> String? {
        var bytes: [UInt8] = []
        let lines = text.components(separatedBy: "\r\n")
        for (index, line) in lines.enumerated() {
            var scalars = Array(line.utf8)[...]
            var softBreak = false
            while let byte = scalars.popFirst() {
                if byte == UInt8(ascii: "=") {
                    if scalars.isEmpty { softBreak = true; break }
                    guard scalars.count >= 2, let value = UInt8(String(decoding: scalars.prefix(2), as: UTF8.self), radix: 16) else {
                        return nil
                    }
                    bytes.append(value)
                    scalars = scalars.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            }
            if !softBreak && index < lines.count - 1 { bytes.append(UInt8(ascii: "\n")) }
        }
        return String(bytes: bytes, encoding: .utf8)
    }

    @Test func polishSubjectIsOneKnownEncodedWord() throws {
        let composed = try MIMEComposer.compose(Self.message(subject: "Zażółć"))
        // base64("Zażółć" in UTF-8), worked out with Python's base64 module.
        #expect(Self.field("Subject", in: composed) == "=?UTF-8?B?WmHFvMOzxYLEhw==?=")
    }

    @Test func chineseSubjectIsEncodedAndDecodesBack() throws {
        let composed = try MIMEComposer.compose(Self.message(subject: "你好"))
        #expect(Self.field("Subject", in: composed) == "=?UTF-8?B?5L2g5aW9?=")
    }

    @Test(arguments: [
        "Zażółć gęślą jaźń — zamówienie nr 1042 zostało wysłane, śledź przesyłkę na stronie sklepu Porchlight",
        "您的订单已发货，请在波奇莱特网站上查看包裹的最新状态。感谢您的购买，祝您生活愉快！您的订单已发货，请在网站上查看。",
    ])
    func longNonASCIISubjectIsSplitIntoShortWholeCharacterWords(subject: String) throws {
        let composed = try MIMEComposer.compose(Self.message(subject: subject))
        let (fields, lines) = Self.headers(of: composed)
        let value = try #require(fields.first { $0.name == "Subject" }?.value)
        let encodedWords = value.split(separator: " ").filter { $0.hasPrefix("=?") }
        #expect(encodedWords.count > 1)
        #expect(encodedWords.allSatisfy { $0.count <= 75 })
        // Each word decodes to valid UTF-8 by itself: no character is cut between two words.
        #expect(encodedWords.allSatisfy { Self.decodeHeaderValue(String($0)) != nil })
        #expect(Self.decodeHeaderValue(value) == subject)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func onlyTheNonASCIIWordsOfASubjectAreEncodedAndSpacesSurvive() throws {
        let subject = "Zamówienie #1042  wysłane: gęślą jaźń ok "
        let composed = try MIMEComposer.compose(Self.message(subject: subject))
        let value = try #require(Self.field("Subject", in: composed))
        #expect(value.hasPrefix("=?UTF-8?B?"))
        #expect(value.contains(" #1042 "))
        #expect(value.contains(" ok "))
        #expect(Self.decodeHeaderValue(value) == subject)
    }

    @Test func longASCIISubjectIsFoldedAtSpacesAndUnfoldsUnchanged() throws {
        let subject = (1...30).map { "word\($0)" }.joined(separator: " ")
        let composed = try MIMEComposer.compose(Self.message(subject: subject))
        let (fields, lines) = Self.headers(of: composed)
        let subjectLines = lines.drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectLines.count >= 3)
        #expect(subjectLines.allSatisfy { $0.utf8.count <= 78 })
        #expect(fields.first { $0.name == "Subject" }?.value == subject)
    }

    @Test func subjectThatLooksLikeAnEncodedWordIsEncoded() throws {
        let composed = try MIMEComposer.compose(Self.message(subject: "=?UTF-8?B?SGk=?="))
        let value = try #require(Self.field("Subject", in: composed))
        #expect(value != "=?UTF-8?B?SGk=?=")
        #expect(Self.decodeHeaderValue(value) == "=?UTF-8?B?SGk=?=")
    }

    @Test func lineBreakInSubjectCannotStartANewHeader() throws {
        let composed = try MIMEComposer.compose(Self.message(subject: "Hi\r\nBcc: victim@example.com"))
        #expect(!Self.headers(of: composed).fields.contains { $0.name == "Bcc" })
        #expect(Self.field("Subject", in: composed) == "Hi Bcc: victim@example.com")
    }

    @Test func lineBreakInExtraHeaderIsRefused() {
        #expect(throws: SMTPError.self) {
            try MIMEComposer.compose(Self.message(extraHeaders: [("X-Tag", "a\r\nBcc: victim@example.com")]))
        }
    }

    @Test func headerWordOver998CharactersIsRefusedAndOneUnderIsKept() throws {
        let url = "<https://porchlight.example/unsubscribe?token=" + String(repeating: "a", count: 900) + ">"
        let composed = try MIMEComposer.compose(Self.message(extraHeaders: [("List-Unsubscribe", url)]))
        #expect(Self.field("List-Unsubscribe", in: composed) == url)
        #expect(Self.headers(of: composed).lines.allSatisfy { $0.utf8.count <= 998 })

        let tooLong = "<https://porchlight.example/" + String(repeating: "a", count: 1000) + ">"
        #expect(throws: SMTPError.self) {
            try MIMEComposer.compose(Self.message(extraHeaders: [("List-Unsubscribe", tooLong)]))
        }
    }

    @Test func nonASCIINameInAnExtraAddressHeaderLeavesTheAddressReadable() throws {
        let composed = try MIMEComposer.compose(Self.message(extraHeaders: [("Reply-To", "Sklep Zażółć <shop@porchlight.example>")]))
        let value = try #require(Self.field("Reply-To", in: composed))
        #expect(value.hasPrefix("Sklep =?UTF-8?B?"))
        #expect(value.hasSuffix(" <shop@porchlight.example>"))
        #expect(Self.decodeHeaderValue(value) == "Sklep Zażółć <shop@porchlight.example>")
    }

    @Test func extraHeaderMayNotDuplicateAComposedOne() {
        #expect(throws: SMTPError.self) {
            try MIMEComposer.compose(Self.message(extraHeaders: [("subject", "again")]))
        }
    }

    @Test func displayNamesAreQuotedEncodedOrLeftPlain() throws {
        func from(_ name: String) throws -> String? {
            try Self.field("From", in: MIMEComposer.compose(Self.message(from: MailAddress(address: "a@b.example", name: name))))
        }
        #expect(try from("Porchlight") == "Porchlight <a@b.example>")
        #expect(try from("Porchlight, Inc.") == "\"Porchlight, Inc.\" <a@b.example>")
        #expect(try from("Say \"hi\" \\ bye") == "\"Say \\\"hi\\\" \\\\ bye\" <a@b.example>")
        #expect(try from("Zażółć") == "=?UTF-8?B?WmHFvMOzxYLEhw==?= <a@b.example>")
    }

    @Test(arguments: ["jan@example.com>\r\nRCPT TO:<x@y.z", "no-at-sign", "@example.com", "a b@example.com"])
    func addressWithALineBreakOrNoAtIsRefused(address: String) {
        #expect(throws: SMTPError.self) {
            try MIMEComposer.compose(Self.message(from: MailAddress(address: address)))
        }
    }

    @Test func dateIsRFC5322InUTC() {
        // Expected values from Python's email.utils.format_datetime.
        #expect(MIMEComposer.rfc5322Date(Date(timeIntervalSince1970: 1_764_925_505)) == "Fri, 05 Dec 2025 09:05:05 +0000")
        #expect(MIMEComposer.rfc5322Date(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 +0000")
    }

    @Test func quotedPrintableKeepsLinesShortAndDecodesBack() throws {
        let longLine = String(repeating: "Zażółć gęślą jaźń = 100% ", count: 60)  // about 1500 characters, one line
        let text = "Short line\n\(longLine)\ntrailing space \n\ttab\n"
        let encoded = MIMEComposer.quotedPrintable(text)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.count > 20)
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(!encoded.contains(" \r\n"))
        #expect(encoded.contains("trailing space=20\r\n"))
        #expect(Self.decodeQuotedPrintable(encoded) == text)
    }

    @Test func quotedPrintableOfKnownBytes() {
        #expect(MIMEComposer.quotedPrintable("a=b é\n") == "a=3Db =C3=A9\r\n")
    }

    @Test func bodyLinesStartingWithADotAreDotStuffedAndBareLineFeedsBecomeCRLF() {
        let payload = MIMEComposer.smtpDataPayload("a\n.b\n..c\r\n.\rend")
        #expect(String(decoding: payload, as: UTF8.self) == "a\r\n..b\r\n...c\r\n..\r\nend\r\n.\r\n")
    }

    @Test func messageEndingWithALineBreakGetsNoEmptyLineBeforeTheEnd() {
        #expect(String(decoding: MIMEComposer.smtpDataPayload("x\r\n"), as: UTF8.self) == "x\r\n.\r\n")
    }

    @Test func multipartHasTextThenHTMLAndItsBoundaryOnlyAsDelimiters() throws {
        let boundary = MIMEComposer.makeBoundary()
        // A body that quotes the boundary itself must still not contain a delimiter line.
        let text = "Plain\n--\(boundary)\n"
        let composed = try MIMEComposer.compose(Self.message(text: text, html: "<p>--\(boundary)--</p>"), boundary: boundary)
        let contentType = try #require(Self.field("Content-Type", in: composed))
        #expect(contentType == "multipart/alternative; boundary=\"\(boundary)\"")
        let lines = composed.components(separatedBy: "\r\n")
        #expect(lines.filter { $0 == "--\(boundary)" }.count == 2)
        #expect(lines.filter { $0 == "--\(boundary)--" }.count == 1)
        let textPart = try #require(composed.range(of: "Content-Type: text/plain; charset=utf-8"))
        let htmlPart = try #require(composed.range(of: "Content-Type: text/html; charset=utf-8"))
        #expect(textPart.lowerBound < htmlPart.lowerBound)
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
    }

    @Test func boundariesAreRandomAndQuotedPrintableSafe() {
        let first = MIMEComposer.makeBoundary()
        let second = MIMEComposer.makeBoundary()
        #expect(first != second)
        #expect(first.hasPrefix("=_"))
        #expect(first.count <= 70)
    }

    @Test func standardHeadersArePresent() throws {
        let composed = try MIMEComposer.compose(
            Self.message(extraHeaders: [("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"), ("Auto-Submitted", "auto-generated")]))
        let names = Self.headers(of: composed).fields.map(\.name)
        #expect(names == [
            "MIME-Version", "Date", "From", "To", "Subject", "Message-ID", "List-Unsubscribe-Post", "Auto-Submitted",
            "Content-Type", "Content-Transfer-Encoding",
        ])
        #expect(Self.field("Message-ID", in: composed) == "<m1@porchlight.local>")
        #expect(Self.field("Date", in: composed) == "Fri, 05 Dec 2025 09:05:05 +0000")
    }

    @Test func messageIDGetsAngleBracketsOrIsRefused() throws {
        var message = Self.message()
        message.messageID = "abc@porchlight.local"
        #expect(Self.field("Message-ID", in: try MIMEComposer.compose(message)) == "<abc@porchlight.local>")
        message.messageID = "<no at sign>"
        #expect(throws: SMTPError.self) { try MIMEComposer.compose(message) }
    }
}
