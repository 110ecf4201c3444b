import Foundation
@testable import PorchlightCore
import Testing

@Suite struct PublicHolidayTests {
    @Test func easterAndBrazilsHolidaysFallOnTheirDates() {
        #expect(PublicHolidays.easterSunday(2017) == date("2017-04-16"))
        #expect(PublicHolidays.easterSunday(2018) == date("2018-04-01"))
        #expect(PublicHolidays.easterSunday(2038) == date("2038-04-25"))
        let brazil2017 = PublicHolidays.dates(country: "BR", years: 2017...2017)
        // Carnival Monday and Tuesday, Good Friday, Tiradentes, Corpus Christi, Independence, Christmas.
        for day in ["2017-02-27", "2017-02-28", "2017-04-14", "2017-04-21", "2017-06-15", "2017-09-07", "2017-12-25"] {
            #expect(brazil2017.contains(date(day)), "\(day)")
        }
        #expect(brazil2017.count == 12)
        #expect(PublicHolidays.dates(country: "RO", years: 2017...2017).isEmpty)
        // Black Consciousness Day became national in 2024.
        #expect(!brazil2017.contains(date("2017-11-20")))
        #expect(PublicHolidays.dates(country: "BR", years: 2024...2024).contains(date("2024-11-20")))
    }
}
