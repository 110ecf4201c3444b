import Foundation
@testable import PorchlightCore
import Testing

/// How the engine treats thin or odd evidence: transit learned in one country never answers for
/// another, stalled orders are not handling time, a few shipments move the configured handling
/// days only a little, and no finite evidence states certainty.
@Suite struct PromiseEvidenceTests {
    let asOf = instant("2026-11-20T12:00:00Z")  // a Friday
    let romania = Destination(country: "RO", region: "B")

    func shipment(from location: String = "BUC-1", origin: Destination? = nil, to destination: Destination, placed: String,
                  handedOff: String?, delivered: String? = nil, service: ServiceKey = courier.key) -> ShipmentHistoryRecord {
        ShipmentHistoryRecord(service: service, locationCode: location, origin: origin ?? romania, destination: destination,
                              placedAt: instant(placed), handedOffAt: handedOff.map(instant), deliveredAt: delivered.map(instant),
                              learningKey: instant(placed))
    }

    func model(_ history: [ShipmentHistoryRecord], locations: [FulfilmentLocation] = [warehouse], services: [CarrierService] = [courier]) -> TransitModel {
        TransitModel(history: HistorySample(shipments: history, threshold: nil), asOf: asOf,
                     locations: Dictionary(uniqueKeysWithValues: locations.map { ($0.code, $0) }),
                     services: Dictionary(uniqueKeysWithValues: services.map { ($0.key, $0) }))
    }

    @Test func transitLearnedInOneCountryNeverAnswersForAnother() throws {
        var abroad = courier
        abroad.baselineTransit.append(BaselineTransit(country: "ES", days: 3...5))
        // Sixty parcels to Madrid took nine delivery days; none has gone to Romania yet.
        let madrid = Destination(country: "ES", region: "M")
        let learned = model((0..<60).map { _ in
            shipment(to: madrid, placed: "2026-11-01T09:00:00Z", handedOff: "2026-11-02T10:00:00Z", delivered: "2026-11-12T10:00:00Z", service: abroad.key)
        }, services: [abroad])
        let (spain, spainBasis) = try #require(learned.transit(abroad, from: romania, to: madrid))
        #expect(spainBasis == .lane && spain.quantile(0.5) == 9)
        // Cluj has only its configured range, exactly.
        let (cluj, clujBasis) = try #require(learned.transit(abroad, from: romania, to: Destination(country: "RO", region: "CJ")))
        #expect(clujBasis == .configured)
        #expect(cluj == .uniform(2...3))
    }

    @Test func ordersStalledPastTheHandlingDaysDoNotStretchHandling() {
        // Forty orders placed on Monday were handed off on Tuesday: one working day.
        let handled = (0..<40).map { _ in shipment(to: romania, placed: "2026-11-16T09:00:00Z", handedOff: "2026-11-17T10:00:00Z") }
        // Twenty more have waited since 19 October, 23 working days against one configured:
        // stalled, an alert for the merchant, and no evidence of how long handling takes.
        let stalled = (0..<20).map { _ in shipment(to: romania, placed: "2026-10-19T09:00:00Z", handedOff: nil) }
        let (handling, basis) = model(handled + stalled).handling(at: warehouse)
        #expect(handling.quantile(0.93) == 1)
        #expect(basis == .location)
        // Waiting since Monday (three working days) they are not stalled yet: still under way,
        // they count, and handling may take longer than one day.
        let waiting = (0..<20).map { _ in shipment(to: romania, placed: "2026-11-16T09:00:00Z", handedOff: nil) }
        #expect(model(handled + waiting).handling(at: warehouse).0.quantile(0.93)! > 1)
    }

    @Test func aFewShipmentsMoveTheConfiguredHandlingDaysOnlyALittle() throws {
        // Five orders placed on Monday took three working days, against one configured.
        let slow = (0..<5).map { _ in shipment(to: romania, placed: "2026-11-16T09:00:00Z", handedOff: "2026-11-19T10:00:00Z") }
        let (handling, basis) = model(slow).handling(at: warehouse)
        // Each weighs 2^(−4.125 days / 30) and the configured days as much as 20 of them: the
        // location's own shipments count once.
        let evidence = 5 * pow(0.5, 4.125 / TransitModel.halfLifeDays)
        #expect(abs(handling.probabilities[3] - evidence / (evidence + TransitModel.priorWeight)) < 1e-9)
        #expect(handling.quantile(0.5) == 1)
        #expect(basis == .configured, "five shipments are too few to name the location")

        // A hundred orders at a Spanish warehouse say nothing about Bucharest's handling; at
        // another Romanian one they are the merchant's experience in the country.
        func location(_ code: String, country: String) -> FulfilmentLocation {
            var location = warehouse
            (location.code, location.country) = (code, country)
            return location
        }
        let elsewhere = (0..<100).map { _ in
            shipment(from: "OTHER", to: romania, placed: "2026-11-16T09:00:00Z", handedOff: "2026-11-18T10:00:00Z")
        }
        let besideSpain = model(slow + elsewhere, locations: [warehouse, location("OTHER", country: "ES")]).handling(at: warehouse)
        #expect(besideSpain.0 == handling && besideSpain.1 == .configured)
        let besideCluj = model(slow + elsewhere, locations: [warehouse, location("OTHER", country: "RO")]).handling(at: warehouse)
        #expect(besideCluj.1 == .merchant)
        #expect(besideCluj.0.probabilities[2] > 0.5)
    }

    @Test func noFiniteEvidenceStatesCertainty() throws {
        // Configured alone, the whole forecast lies within the window: worth 20 shipments, the
        // configuration claims at most 21 in 22.
        let at = instant("2026-11-26T11:00:00Z")
        let configured = PromiseEngine(model: model([]), policy: PromisePolicy())
        let guess = try #require(configured.quote(courier, from: warehouse, to: romania, at: at))
        #expect(guess.forecast.last == 1)
        #expect(abs(guess.window.confidence - 21.0 / 22) < 1e-9)
        // Two hundred parcels, every one handed off the next working day and delivered the day
        // after: surer, still not certain.
        let learned = PromiseEngine(model: model((0..<200).map { _ in
            shipment(to: romania, placed: "2026-11-16T09:00:00Z", handedOff: "2026-11-17T10:00:00Z", delivered: "2026-11-18T10:00:00Z")
        }), policy: PromisePolicy())
        let measured = try #require(learned.quote(courier, from: warehouse, to: romania, at: at))
        #expect(measured.window.confidence > guess.window.confidence && measured.window.confidence < 1)
        // However much evidence, the API never states 1.
        #expect(DeliveryWindow(earliest: date("2026-11-27"), latest: date("2026-11-27"), confidence: 0.9999).statedConfidence == 0.999)
    }
}
