import Foundation
import PorchlightCore
import Testing

@Suite struct ArrivalSentenceTests {
    func window(_ earliest: String, _ latest: String) -> DeliveryWindow {
        DeliveryWindow(earliest: date(earliest), latest: date(latest), confidence: 0.93)
    }

    @Test func aRussianWindowReadsFromAndTo() {
        #expect(ArrivalMessage.sentence(.onItsWay(window("2026-12-10", "2026-12-16")), in: .ru)
            == "Ваш заказ в пути и будет доставлен с 10 по 16 декабря.", "the month once when both days are in it")
        #expect(ArrivalMessage.sentence(.runningLate(window("2026-11-30", "2026-12-02")), in: .ru)
            == "Ваш заказ задерживается и теперь будет доставлен с 30 ноября по 2 декабря.")
        #expect(ArrivalMessage.sentence(.onItsWay(window("2026-12-30", "2027-01-04")), in: .ru)
            == "Ваш заказ в пути и будет доставлен с 30 декабря по 4 января.")
        #expect(ArrivalMessage.sentence(.onItsWay(window("2026-12-10", "2026-12-10")), in: .ru)
            == "Ваш заказ в пути и будет доставлен 10 декабря.", "a single day is not a range")
    }

    @Test func aChineseDateRunsIntoItsWeekday() {
        #expect(ArrivalMessage.sentence(.onItsWay(window("2026-12-10", "2026-12-16")), in: .zhHans)
            == "您的订单正在运输途中，预计12月10日星期四至12月16日星期三送达。")
        #expect(ArrivalMessage.sentence(.outForDelivery(today: date("2026-12-10")), in: .zhHans) == "您的订单正在派送中，预计今天（12月10日星期四）送达。")
    }

    @Test func theMerchantsEnglishWordsReachOnlyEnglishReaders() {
        let snow = "Snow in Bucharest."
        func sentence(_ message: String?, in language: CustomerLanguage) -> String {
            let delay = DeclaredDelay(disruptionID: UUID(), cause: .weather, extraDays: 3, customerMessage: message, shipmentIDs: [UUID()])
            return ArrivalMessage.sentence(.disrupted(.declaredDisruption, delay, window("2026-12-10", "2026-12-11")), in: language)
        }
        #expect(sentence(snow, in: .en) == sentence(nil, in: .en) + " " + snow)
        for language in CustomerLanguage.allCases where language != .en {
            #expect(sentence(snow, in: language) == sentence(nil, in: language), "\(language): the sentence alone, no English tail")
        }
    }

    @Test func wordsInAnyLanguageReachOnlyTheReadersOfIt() {
        let delay = DeclaredDelay(disruptionID: UUID(), cause: .weather, extraDays: 3, customerMessage: "Ninge în București.",
                                  customerMessageLanguage: .ro, customerMessages: [.zhHans: "布加勒斯特下雪。"], shipmentIDs: [UUID()])
        let silent = DeclaredDelay(disruptionID: UUID(), cause: .weather, extraDays: 3, customerMessage: nil, shipmentIDs: [UUID()])
        func sentence(_ delay: DeclaredDelay, in language: CustomerLanguage) -> String {
            ArrivalMessage.sentence(.disrupted(.declaredDisruption, delay, nil), in: language)
        }
        #expect(sentence(delay, in: .ro) == sentence(silent, in: .ro) + " Ninge în București.")
        #expect(sentence(delay, in: .zhHans) == sentence(silent, in: .zhHans) + "布加勒斯特下雪。", "Chinese sentences run on without a space")
        for language in [CustomerLanguage.en, .es, .id, .ru] {
            #expect(sentence(delay, in: language) == sentence(silent, in: language), "\(language)")
        }
    }
}
