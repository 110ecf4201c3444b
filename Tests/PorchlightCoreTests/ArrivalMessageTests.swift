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
        for language in CustomerLanguage.allCases where language != .ro && language != .zhHans {
            #expect(sentence(delay, in: language) == sentence(silent, in: language), "\(language)")
        }
    }

    @Test func everySituationReadsInEveryLanguageWithoutEnglish() {
        let (day, range) = (date("2026-11-26"), window("2026-11-26", "2026-11-28"))
        let declared = DeclaredDelay(disruptionID: UUID(), cause: .strike, extraDays: 2, customerMessage: nil, shipmentIDs: [UUID()])
        let dated: [ArrivalSituation] = [.delivered(on: day), .outForDelivery(today: day), .onItsWay(range), .runningLate(range), .beingPrepared(range)]
            + AlertReason.allCases.filter { [.noScan, .promiseAtRisk, .promiseBreached, .declaredDisruption].contains($0) }
                .map { .disrupted($0, $0 == .declaredDisruption ? declared : nil, range) }
        let undated: [ArrivalSituation] = [.onItsWay(nil), .beingPrepared(nil), .deliveryProblem, .cancelled]
            + AlertReason.allCases.map { .disrupted($0, $0 == .declaredDisruption ? declared : nil, nil) }
            + DisruptionCause.allCases.map { .disrupted(.declaredDisruption, DeclaredDelay(disruptionID: UUID(), cause: $0, extraDays: 2, customerMessage: nil, shipmentIDs: [UUID()]), nil) }
        let situations = dated + undated
        let english = situations.map { ArrivalMessage.sentence($0, in: .en) }
        for language in CustomerLanguage.allCases where language != .en {
            let sentences = situations.map { ArrivalMessage.sentence($0, in: language) }
            #expect(Set(sentences).count == Set(english).count, "\(language): as many different sentences as English")
            for (sentence, reference) in zip(sentences, english) {
                #expect(sentence != reference && englishWords(in: sentence).isEmpty, "\(language): \(sentence)")
            }
            // The day, as the language writes it, ends every dated sentence's date.
            for (situation, sentence) in zip(dated, sentences) {
                let last = switch situation {
                case .delivered, .outForDelivery: day
                default: range.latest
                }
                #expect(sentence.contains(language.format(last)), "\(language): \(sentence)")
            }
        }
    }

    @Test func aBrazilianWeekdayTakesItsArticle() {
        #expect(ArrivalMessage.sentence(.delivered(on: date("2026-11-26")), in: .ptBR) == "Seu pedido foi entregue na quinta-feira, 26 de novembro.")
        #expect(ArrivalMessage.sentence(.delivered(on: date("2026-11-28")), in: .ptBR) == "Seu pedido foi entregue no sábado, 28 de novembro.")
        #expect(ArrivalMessage.sentence(.onItsWay(window("2026-11-29", "2026-11-29")), in: .ptBR)
            == "Seu pedido está a caminho e deve chegar no domingo, 29 de novembro.")
    }

    @Test func aPolishWindowNamesASharedMonthOnce() {
        #expect(ArrivalMessage.sentence(.onItsWay(window("2026-12-10", "2026-12-16")), in: .pl)
            == "Twoje zamówienie jest w drodze i powinno dotrzeć między 10 a 16 grudnia.")
        #expect(ArrivalMessage.sentence(.onItsWay(window("2026-11-30", "2026-12-02")), in: .pl)
            == "Twoje zamówienie jest w drodze i powinno dotrzeć między 30 listopada a 2 grudnia.")
        #expect(ArrivalMessage.sentence(.delivered(on: date("2026-12-10")), in: .pl) == "Twoje zamówienie zostało doręczone 10 grudnia.")
    }

    @Test func theOtherNewLanguagesPutTheirDatesTheirOwnWay() {
        let range = window("2026-11-26", "2026-11-28")
        #expect(ArrivalMessage.sentence(.onItsWay(range), in: .de)
            == "Ihre Bestellung ist unterwegs und kommt voraussichtlich zwischen Donnerstag, 26. November und Samstag, 28. November an.")
        #expect(ArrivalMessage.sentence(.delivered(on: date("2026-11-26")), in: .fr) == "Votre commande a été livrée le jeudi 26 novembre.")
        #expect(ArrivalMessage.sentence(.onItsWay(range), in: .fr)
            == "Votre commande est en route et devrait arriver entre le jeudi 26 novembre et le samedi 28 novembre.")
        #expect(ArrivalMessage.sentence(.onItsWay(range), in: .it)
            == "Il tuo ordine è in viaggio e dovrebbe arrivare tra giovedì 26 novembre e sabato 28 novembre.")
        #expect(ArrivalMessage.sentence(.delivered(on: date("2026-11-26")), in: .nl) == "Je bestelling is op donderdag 26 november bezorgd.")
        #expect(ArrivalMessage.sentence(.delivered(on: date("2026-11-26")), in: .tr) == "Siparişiniz 26 Kasım Perşembe günü teslim edildi.")
        #expect(ArrivalMessage.sentence(.onItsWay(range), in: .tr)
            == "Siparişiniz yolda ve 26 Kasım Perşembe ile 28 Kasım Cumartesi arasında teslim edilmesi bekleniyor.")
    }
}

/// The English words of `text` that no other language's sentence should have: one of them there
/// is English leaking in (a phrase left untranslated, a date formatted the English way). Months
/// are left out: "November" is German and Indonesian too.
func englishWords(in text: String) -> Set<String> {
    let english: Set<String> = ["your", "order", "the", "carrier", "should", "will", "delivered", "delivery", "between", "sorry",
                                "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    return english.intersection(text.split { !$0.isLetter }.map { $0.lowercased() })
}
