import Foundation
import PorchlightCore
import Testing

/// What a declaration finds without loading orders whole, and what it counts as held up.
@Suite struct DeclaredDisruptionScopeTests {
    private let placed = instant("2026-11-20T08:00:00Z")

    /// An order to Bucharest with a promise from BUC-1 and one DHL parcel with no origin of its
    /// own, scanned in transit.
    private func travelling() throws -> (order: OrderRecord, parcel: UUID) {
        var order = placedOrder(orderDraft(placedAt: placed, name: nil, destination: lipscani(region: "B")))
        order.promise = PromiseRecord(
            quoteID: UUID(), optionID: "dhl:standard", slot: nil, carrier: "dhl", serviceLevel: "standard", locationCode: "BUC-1", originRegion: "B",
            destinationCountry: "RO", destinationRegion: "B",
            window: DeliveryWindow(earliest: LocalDate("2026-11-23")!, latest: LocalDate("2026-11-25")!, confidence: 0.9), basis: .lane,
            engineVersion: "test", promisedAt: placed, forecastStart: LocalDate("2026-11-20")!, forecast: [0, 0.5, 1],
            timeZone: TimeZone(identifier: "Europe/Bucharest")!, outcome: nil, deliveredOn: nil, pit: nil)
        let parcel = try order.ship(serviceLevel: "standard", at: placed, scans: [scan(.inTransit, at: placed, id: "t1")])
        order.settle(now: placed)
        return (order, parcel)
    }

    private func disruption(_ build: (inout DisruptionScope) -> Void, startsAt: String = "2026-11-21T00:00:00Z") -> DeclaredDisruption {
        var scope = DisruptionScope()
        build(&scope)
        return DeclaredDisruption(id: UUID(), cause: .weather, scope: scope, startsAt: instant(startsAt), expectedEndAt: instant("2026-11-30T00:00:00Z"),
                                  extraDays: 2, customerMessage: nil, resolvedAt: nil, createdAt: placed, updatedAt: placed)
    }

    @Test func aParcelsFewFactsMatchAsTheWholeOrderDoes() throws {
        let (order, parcel) = try travelling()
        let shipment = try #require(order.shipments.first)
        let facts = ScopedParcel(shipment, of: order)
        #expect(facts == ScopedParcel(shipmentID: parcel, carrier: "dhl", serviceLevel: "standard", location: "BUC-1", destination: order.destination),
                "a parcel with no origin of its own leaves from the promise's location")
        let scopes: [(inout DisruptionScope) -> Void] = [
            { $0.locations = ["buc-1"] }, { $0.locations = ["CLJ-1"] }, { $0.carriers = [.init(carrier: "DHL", serviceLevel: "Standard")] },
            { $0.destinationPostalPrefixes = [.init(country: "RO", prefix: "03")] }, { $0.destinationRegions = [.init(country: "RO", region: "CJ")] },
            { $0.shipmentIDs = [parcel] },
        ]
        let matches = scopes.map { build in disruption(build).scope.matches(facts) }
        #expect(matches == [true, false, true, true, false, true])
        #expect(matches == scopes.map { build in disruption(build).scope.matches(shipment, of: order) })
    }

    @Test func aDisruptionHoldsUpTheParcelsOnTheirWayInScopeUntilItEnds() throws {
        var (order, parcel) = try travelling()
        let storm = disruption { $0.carriers = [.init(carrier: "dhl", serviceLevel: nil)] }
        #expect(DisruptionRules.parcels(heldBy: storm, in: order, now: instant("2026-11-20T12:00:00Z")) == [parcel], "declared ahead: as things stand")
        #expect(DisruptionRules.parcels(heldBy: storm, in: order, now: instant("2026-11-22T12:00:00Z")) == [parcel])
        #expect(DisruptionRules.parcels(heldBy: storm, in: order, now: instant("2026-11-30T00:00:00Z")).isEmpty, "its expected end came")
        var resolved = storm
        resolved.resolvedAt = instant("2026-11-22T00:00:00Z")
        #expect(DisruptionRules.parcels(heldBy: resolved, in: order, now: instant("2026-11-22T12:00:00Z")).isEmpty)
        let elsewhere = disruption { $0.destinationCountries = ["BG"] }
        #expect(DisruptionRules.parcels(heldBy: elsewhere, in: order, now: instant("2026-11-22T12:00:00Z")).isEmpty)

        _ = order.recordTracking([scan(.delivered, at: instant("2026-11-22T10:00:00Z"), id: "d1")], shipment: parcel, now: instant("2026-11-22T10:00:00Z"), newID: UUID.init, estimator: { _ in nil })
        order.settle(now: instant("2026-11-22T10:00:00Z"))
        #expect(DisruptionRules.parcels(heldBy: storm, in: order, now: instant("2026-11-22T12:00:00Z")).isEmpty, "a delivered parcel is held up by nothing")
    }
}
