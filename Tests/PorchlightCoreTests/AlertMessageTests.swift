import Foundation
@testable import PorchlightCore
import Testing

@Suite struct AlertMessageTests {
    let window = DeliveryWindow(earliest: date("2026-11-25"), latest: date("2026-11-26"), confidence: 0.93)
    let oneDay = DeliveryWindow(earliest: date("2026-11-26"), latest: date("2026-11-26"), confidence: 0.93)

    func declared(_ cause: DisruptionCause = .weather, days: Int, message: String? = nil) -> DeclaredDelay {
        DeclaredDelay(disruptionID: UUID(), cause: cause, extraDays: days, customerMessage: message, shipmentIDs: [UUID()])
    }

    func sentence(_ delay: DeclaredDelay, _ window: DeliveryWindow?, in language: CustomerLanguage = .en) -> String {
        ArrivalMessage.sentence(.disrupted(.declaredDisruption, delay, window), in: language)
    }

    @Test func everyReasonHasItsOwnSentenceInEveryLanguage() {
        #expect(AlertReason.allCases.count == 8)
        #expect(CustomerLanguage.allCases.count == 13)
        for language in CustomerLanguage.allCases {
            let onItsWay = ArrivalMessage.sentence(.onItsWay(window), in: language)
            let sentences = AlertReason.allCases.map { reason in
                ArrivalMessage.sentence(.disrupted(reason, reason == .declaredDisruption ? declared(days: 2) : nil, window), in: language)
            }
            #expect(sentences.allSatisfy { !$0.isEmpty && $0 != onItsWay }, "\(language)")
            #expect(Set(sentences).count == AlertReason.allCases.count, "\(language): every reason reads differently")
        }
    }

    @Test func eachCauseReadsDifferentlyInEveryLanguage() {
        #expect(DisruptionCause.allCases.count == 6)
        for language in CustomerLanguage.allCases {
            let sentences = DisruptionCause.allCases.map { sentence(declared($0, days: 2), window, in: language) }
            #expect(Set(sentences).count == DisruptionCause.allCases.count, "\(language)")
        }
    }

    @Test func sentencesTellWhatIsHappeningThenWhenItShouldArrive() {
        #expect(ArrivalMessage.sentence(.disrupted(.promiseAtRisk, nil, window), in: .en)
            == "Your order is running later than we promised. Your order should now arrive between Wednesday 25 November and Thursday 26 November.")
        #expect(ArrivalMessage.sentence(.disrupted(.promiseAtRisk, nil, nil), in: .en)
            == "Your order is running later than we promised. We will update you as soon as we know more.")
        #expect(ArrivalMessage.sentence(.disrupted(.noScan, nil, nil), in: .en)
            == "The carrier has not updated your tracking for a while; we are checking with them.")
        #expect(ArrivalMessage.sentence(.disrupted(.returnedToSender, nil, window), in: .en)
            == "Your order is on its way back to us; we will send you a replacement or a refund.", "a parcel going back has no arrival")
        #expect(ArrivalMessage.sentence(.disrupted(.promiseBreached, nil, oneDay), in: .zhHans)
            == "很抱歉，您的订单已晚于我们承诺的时间，我们正在催促承运商。现预计11月26日星期四送达。")
    }

    @Test func aDeclaredDisruptionSaysItsCauseDaysAndNewDate() {
        #expect(sentence(declared(days: 3), window)
            == "Severe weather is delaying deliveries by about 3 days. Your order should now arrive between Wednesday 25 November and Thursday 26 November.")
        #expect(sentence(declared(.strike, days: 1), oneDay) == "A strike is delaying deliveries by about 1 day. Your order should now arrive on Thursday 26 November.")
        #expect(sentence(declared(.customs, days: 2), nil) == "A customs hold-up is delaying deliveries by about 2 days. We will update you as soon as we know more.")
        #expect(sentence(declared(days: 3), oneDay, in: .ru)
            == "Из-за непогоды доставка задерживается примерно на 3 дня. Теперь ваш заказ будет доставлен 26 ноября.")
        #expect(sentence(declared(days: 3), oneDay, in: .zhHans) == "受恶劣天气影响，配送将延迟约3天。现预计11月26日星期四送达。")
    }

    @Test func aWindowOfOneDayReadsOnThatDay() {
        #expect(sentence(declared(days: 2), oneDay).hasSuffix("should now arrive on Thursday 26 November."))
        #expect(sentence(declared(days: 2), oneDay, in: .es).hasSuffix("debería llegar ahora el jueves, 26 de noviembre."))
        #expect(ArrivalMessage.sentence(.disrupted(.noScan, nil, oneDay), in: .id).hasSuffix("diperkirakan tiba pada Kamis, 26 November."))
    }

    @Test func daysAgreeWithTheirNumber() {
        #expect(sentence(declared(days: 1), nil).contains("by about 1 day."))
        #expect(sentence(declared(days: 2), nil).contains("by about 2 days."))
        let russian = [1: "1 день", 3: "3 дня", 5: "5 дней", 11: "11 дней", 21: "21 день", 14: "14 дней", 22: "22 дня"]
        for (days, words) in russian {
            #expect(sentence(declared(days: days), nil, in: .ru).contains("примерно на \(words)."), "\(days)")
        }
        #expect(sentence(declared(days: 1), nil, in: .ro).contains("cu aproximativ 1 zi."))
        #expect(sentence(declared(days: 19), nil, in: .ro).contains("cu aproximativ 19 zile."))
        #expect(sentence(declared(days: 20), nil, in: .ro).contains("cu aproximativ 20 de zile."))
        #expect(sentence(declared(days: 1), nil, in: .id).contains("sekitar 1 hari."))
        #expect(sentence(declared(days: 5), nil, in: .zhHans).contains("约5天"))
        // Polish: "1 dzień", then "dni" for every other number; Turkish keeps the singular after a number.
        let polish = [1: "1 dzień", 2: "2 dni", 5: "5 dni", 22: "22 dni"]
        for (days, words) in polish {
            #expect(sentence(declared(days: days), nil, in: .pl).contains("o około \(words)."), "\(days)")
        }
        #expect(sentence(declared(days: 3), nil, in: .tr).contains("yaklaşık 3 gün gecikiyor."))
        #expect(sentence(declared(days: 1), nil, in: .de).contains("um etwa 1 Tag.") && sentence(declared(days: 3), nil, in: .de).contains("um etwa 3 Tage."))
        #expect(sentence(declared(days: 1), nil, in: .nl).contains("ongeveer 1 dag vertraging") && sentence(declared(days: 3), nil, in: .nl).contains("ongeveer 3 dagen vertraging"))
        #expect(sentence(declared(days: 1), nil, in: .ptBR).contains("em cerca de 1 dia.") && sentence(declared(days: 3), nil, in: .ptBR).contains("em cerca de 3 dias."))
        #expect(sentence(declared(days: 1), nil, in: .fr).contains("environ 1 jour de retard") && sentence(declared(days: 3), nil, in: .fr).contains("environ 3 jours de retard"))
        #expect(sentence(declared(days: 1), nil, in: .it).contains("di circa 1 giorno.") && sentence(declared(days: 3), nil, in: .it).contains("di circa 3 giorni."))
    }

    @Test func noExtraDaysMeansNoCount() {
        #expect(sentence(declared(days: 0), oneDay) == "Severe weather is delaying deliveries. Your order should now arrive on Thursday 26 November.")
        for language in CustomerLanguage.allCases {
            let counted = sentence(declared(days: 4), oneDay, in: language)
            let uncounted = sentence(declared(days: 0), oneDay, in: language)
            #expect(counted.contains("4") && !uncounted.contains("0") && !uncounted.contains("4"), "\(language): \(uncounted)")
        }
    }

    @Test func theMerchantsOwnWordsFollowUntranslatedInTheirLanguage() {
        let message = "Our team is working through the backlog — thank you for your patience!"
        #expect(sentence(declared(.warehouseBacklog, days: 2, message: message), oneDay)
            == "A backlog at our warehouse is delaying deliveries by about 2 days. Your order should now arrive on Thursday 26 November. \(message)")
        var inSpanish = declared(days: 2, message: message)
        inSpanish.customerMessages = [.es: "¡Gracias por tu paciencia!"]
        #expect(sentence(inSpanish, nil, in: .es).hasSuffix("sepamos más. ¡Gracias por tu paciencia!"))
        #expect(sentence(declared(days: 2, message: ""), oneDay) == sentence(declared(days: 2), oneDay))
        #expect(sentence(declared(days: 2, message: "  "), oneDay) == sentence(declared(days: 2), oneDay))
    }
}
