import PorchlightCore
import Testing

@Suite struct CustomerLanguageTests {
    @Test func aHeaderLanguageTheServiceCannotSpeakGivesWayToTheStoredLocale() {
        #expect(CustomerLanguage.negotiate("ja", storedLocale: "es") == .es)
        #expect(CustomerLanguage.negotiate("sv-SE, ko;q=0.8", storedLocale: "es_MX") == .es, "a locale written with an underscore")
        #expect(CustomerLanguage.negotiate("*", storedLocale: "ro-RO") == .ro, "any language: the customer's own")
        #expect(CustomerLanguage.negotiate(nil, storedLocale: "zh-CN") == .zhHans)
        #expect(CustomerLanguage.negotiate("", storedLocale: "ru") == .ru)
        #expect(CustomerLanguage.negotiate("uk", storedLocale: "pl_PL") == .pl, "Ukrainian is not Russian: the stored Polish")
    }

    @Test func aLanguageTheServiceSpeaksInTheHeaderStillWins() {
        #expect(CustomerLanguage.negotiate("ja, ro;q=0.5", storedLocale: "es") == .ro)
        #expect(CustomerLanguage.negotiate("en", storedLocale: "es") == .en)
        #expect(CustomerLanguage.negotiate("de", storedLocale: "es") == .de)
        #expect(CustomerLanguage.negotiate("fr;q=0.4, nl-BE;q=0.9, ja", storedLocale: "it") == .nl, "the higher quality of the two it speaks")
    }

    @Test func englishIsLeftWhenNeitherSaysALanguageTheServiceSpeaks() {
        #expect(CustomerLanguage.negotiate("ja", storedLocale: "ko") == .en)
        #expect(CustomerLanguage.negotiate("ja", storedLocale: nil) == .en)
        #expect(CustomerLanguage.negotiate(nil, storedLocale: "sv_SE") == .en)
        #expect(CustomerLanguage.negotiate("ja, es;q=0", storedLocale: "es") == .en, "the header refuses the stored language")
    }

    @Test func everyPortugueseIsBrazilianPortuguese() {
        for tag in ["pt", "pt-BR", "pt-PT", "pt-br", "PT-pt", "pt-AO"] {
            #expect(CustomerLanguage.negotiate(tag) == .ptBR, "\(tag)")
        }
        #expect(CustomerLanguage.negotiate(nil, storedLocale: "pt_PT") == .ptBR)
        #expect(CustomerLanguage.negotiate(nil, storedLocale: "pt_BR") == .ptBR)
        #expect(CustomerLanguage.negotiate("ja, pt-PT;q=0", storedLocale: "pt_BR") == .en, "refusing one Portuguese refuses the only one")
        #expect(CustomerLanguage(rawValue: "pt-BR") == .ptBR && CustomerLanguage(rawValue: "pt") == nil, "stored and listed as pt-BR")
    }

    @Test func theOtherNewLanguagesMatchByTheirPrimarySubtag() {
        let expected: [String: CustomerLanguage] = [
            "de": .de, "de-AT": .de, "de-CH": .de, "fr": .fr, "fr-CA": .fr, "fr-BE": .fr, "it": .it, "it-CH": .it,
            "pl": .pl, "pl-PL": .pl, "tr": .tr, "tr-TR": .tr, "nl": .nl, "nl-BE": .nl, "NL-nl": .nl,
        ]
        for (tag, language) in expected {
            #expect(CustomerLanguage.negotiate(tag) == language, "\(tag)")
        }
        #expect(CustomerLanguage.negotiate(nil, storedLocale: "tr_TR") == .tr)
        #expect(CustomerLanguage.negotiate("nb, no, da", storedLocale: nil) == .en, "Norwegian and Danish are not Dutch")
    }
}
