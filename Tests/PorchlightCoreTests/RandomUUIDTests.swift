import Foundation
import PorchlightCore
import Testing

/// The service's ids are version 4 UUIDs with the RFC 9562 variant, as Foundation's own.
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
}
