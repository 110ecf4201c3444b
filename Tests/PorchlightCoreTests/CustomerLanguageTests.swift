import PorchlightCore
import Testing

@Suite struct CustomerLanguageTests {
    @Test func aHeaderLanguageTheServiceCannotSpeakGivesWayToTheStoredLocale() {
        #expect(CustomerLanguage.negotiate("de", storedLocale: "es") == .es)
        #expect(CustomerLanguage.negotiate("de-AT, fr;q=0.8", storedLocale: "es_MX") == .es, "a locale written with an underscore")
        #expect(CustomerLanguage.negotiate("*", storedLocale: "ro-RO") == .ro, "any language: the customer's own")
        #expect(CustomerLanguage.negotiate(nil, storedLocale: "zh-CN") == .zhHans)
        #expect(CustomerLanguage.negotiate("", storedLocale: "ru") == .ru)
    }

    @Test func aLanguageTheServiceSpeaksInTheHeaderStillWins() {
        #expect(CustomerLanguage.negotiate("de, ro;q=0.5", storedLocale: "es") == .ro)
        #expect(CustomerLanguage.negotiate("en", storedLocale: "es") == .en)
    }

    @Test func englishIsLeftWhenNeitherSaysALanguageTheServiceSpeaks() {
        #expect(CustomerLanguage.negotiate("de", storedLocale: "fr") == .en)
        #expect(CustomerLanguage.negotiate("de", storedLocale: nil) == .en)
        #expect(CustomerLanguage.negotiate(nil, storedLocale: "pt_BR") == .en)
        #expect(CustomerLanguage.negotiate("de, es;q=0", storedLocale: "es") == .en, "the header refuses the stored language")
    }
}
