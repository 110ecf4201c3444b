import Foundation
import PorchlightCore
import Testing

/// The service's ids are version 4 UUIDs with the RFC 9562 variant, as Foundation's own; ids of
/// appended rows are version 7, ordered by time.
@Suite struct RandomUUIDTests {
    @Test func idsAreVersionFourWithTheStandardVariant() throws {
        let text = UUID.random().uuidString.lowercased()
        let characters = Array(text)
        #expect(characters[14] == "4", "version nibble of \(text)")
        #expect("89ab".contains(characters[19]), "variant nibble of \(text)")
        #expect(UUID(uuidString: text)?.uuidString.lowercased() == text)
    }

    @Test func eachIDIsNew() {
        let ids = Set((1...1000).map { _ in UUID.random() })
        #expect(ids.count == 1000)
    }

    @Test func timeOrderedIDsAreVersionSevenAndSortByTheirTime() {
        let time = Date(timeIntervalSince1970: 1_796_000_000.5)
        let (first, second) = (UUID.timeOrdered(at: time), UUID.timeOrdered(at: time.addingTimeInterval(0.001)))
        let text = first.uuidString.lowercased()
        #expect(Array(text)[14] == "7", "version nibble of \(text)")
        #expect("89ab".contains(Array(text)[19]), "variant nibble of \(text)")
        #expect(text.replacingOccurrences(of: "-", with: "").prefix(12) == String(1_796_000_000_500, radix: 16).leftPadded(to: 12),
                "the first 48 bits are the milliseconds: \(text)")
        // PostgreSQL orders uuids byte by byte, as their text sorts.
        #expect(first.uuidString < second.uuidString)
    }
}

private extension String {
    func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
