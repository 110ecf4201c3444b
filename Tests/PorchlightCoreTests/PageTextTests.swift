import Foundation
@testable import PorchlightCore
import Testing

@Suite struct PageTextTests {
    /// The only values a translation may leave as the English has them. `quantityOf` is
    /// "{quantity} × {name}": a number, a multiplication sign and the product's own name, with no
    /// word to translate. A key belongs here only if its English has no letters outside its
    /// placeholders (checked below), so a brand word or a forgotten sentence cannot slip in.
    static let sameInEveryLanguage: Set<PageText> = [.quantityOf]

    /// The keys of `table` whose value is the English one, those of the allow-list aside.
    static func leftInEnglish(_ table: [PageText: String]) -> [PageText] {
        PageText.allCases.filter { !sameInEveryLanguage.contains($0) && table[$0] == $0.english }
    }

    @Test(arguments: CustomerLanguage.allCases)
    func everyLanguageHasEveryKey(_ language: CustomerLanguage) {
        let table = PageTranslations.table(for: language)
        let missing = PageText.allCases.filter { table[$0] == nil }
        #expect(missing.isEmpty, "\(language) lacks \(missing)")
        let blank = PageText.allCases.filter { table[$0].map { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } == true }
        #expect(blank.isEmpty, "\(language) leaves \(blank) blank")
        let untrimmed = PageText.allCases.filter { table[$0].map { $0 != $0.trimmingCharacters(in: .whitespacesAndNewlines) || $0.contains("  ") } == true }
        #expect(untrimmed.isEmpty, "\(language): stray spaces in \(untrimmed)")
    }

    @Test(arguments: CustomerLanguage.allCases)
    func everyTranslationHasExactlyTheEnglishPlaceholders(_ language: CustomerLanguage) {
        let table = PageTranslations.table(for: language)
        for key in PageText.allCases {
            guard let text = table[key] else { continue }
            #expect(PageText.placeholders(in: text) == key.placeholders, "\(language) \(key): \(text)")
            // A brace left open or written twice would slip past the names.
            let braces = { (text: String) in (text.filter { $0 == "{" }.count, text.filter { $0 == "}" }.count) }
            #expect(braces(text) == braces(key.english), "\(language) \(key): \(text)")
        }
    }

    @Test(arguments: CustomerLanguage.allCases.filter { $0 != .en })
    func noTranslationIsLeftInEnglish(_ language: CustomerLanguage) {
        let untranslated = Self.leftInEnglish(PageTranslations.table(for: language))
        #expect(untranslated.isEmpty, "\(language) still reads in English: \(untranslated.map { "\($0): \($0.english)" })")
    }

    @Test func aValueLeftInEnglishIsCaught() {
        var table = PageTranslations.table(for: .de)
        #expect(Self.leftInEnglish(table).isEmpty)
        table[.lookupTitle] = PageText.lookupTitle.english
        table[.poweredBy] = PageText.poweredBy.english
        #expect(Self.leftInEnglish(table) == [.lookupTitle, .poweredBy])
    }

    @Test func onlyAValueWithoutWordsMayReadAsTheEnglish() {
        for key in Self.sameInEveryLanguage {
            var words = key.english
            for name in key.placeholders { words = words.replacingOccurrences(of: "{\(name)}", with: "") }
            #expect(!words.contains { $0.isLetter }, "\(key): \(key.english)")
        }
    }

    @Test func theTextFillsItsPlaceholdersInTheLanguage() {
        #expect(PageText.orderHeading.text(.de, ["number": "1001"]) == "Bestellung 1001")
        #expect(PageText.parcelHeading.text(.zhHans, ["number": "1", "count": "2"]) == "第1个包裹（共2个）")
        #expect(PageText.arrivalConfidence.text(.tr, ["percent": "93"]) == "Bu aralıkta ulaşma olasılığı: %93", "Turkish puts % first")
        #expect(PageText.arrivalConfidence.text(.fr, ["percent": "93"]) == "93\u{A0}% de chances d’arriver dans ce délai")
        #expect(PageText.placedOn.text(.nl, ["date": CustomerLanguage.nl.format(date("2026-11-26"))]) == "Geplaatst op donderdag 26 november")
    }

    @Test func englishIsTheReferenceAndNeverAwaitsReview() {
        #expect(!PageTranslations.unreviewed.contains(.en))
        #expect(PageTranslations.unreviewed.isSubset(of: Set(CustomerLanguage.allCases)))
        #expect(PageText.allCases.allSatisfy { PageTranslations.english[$0] != nil })
    }
}
