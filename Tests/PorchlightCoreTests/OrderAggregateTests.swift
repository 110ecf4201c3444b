import Foundation
import PorchlightCore
import Testing

// The order aggregate's rules: changes, what they settle, the document and the events between two states.

private let placed = Date(timeIntervalSince1970: 1_763_600_000)  // 2025-11-20T00:53:20Z
private func hours(_ count: Double) -> Date { placed.addingTimeInterval(count * 3600) }
private func day(_ text: String) -> LocalDate { LocalDate(text)! }

private func draft(lines: [(String, Int)] = [("TEE", 2), ("MUG", 1)], name: String = "Ana") -> OrderDraft {
    orderDraft(lines: lines.map { line($0.0, name: $0.0, quantity: $0.1, unitPrice: 1000) }, placedAt: placed, name: name, destination: lipscani(region: "B"))
}

private func newOrder(_ draft: OrderDraft = draft(), id: UUID = UUID()) -> OrderRecord {
    var order = placedOrder(draft, id: id)
    order.settle(now: placed)
    return order
}

private func promise(latest: String = "2025-11-25") -> PromiseRecord {
    PromiseRecord(
        quoteID: UUID(), optionID: "dhl:standard", slot: nil, carrier: "dhl", serviceLevel: "standard", locationCode: "BUC-1",
        originRegion: "B", destinationCountry: "RO", destinationRegion: "B",
        window: DeliveryWindow(earliest: day("2025-11-22"), latest: day(latest), confidence: 0.93), basis: .lane,
        engineVersion: "promise-engine/1", promisedAt: placed, forecastStart: day("2025-11-20"),
        forecast: [0, 0.1, 0.3, 0.6, 0.8, 0.93, 1], timeZone: TimeZone(identifier: "Europe/Bucharest")!,
        outcome: nil, deliveredOn: nil, pit: nil)
}

private let noEstimate: ShipmentEstimator = { _ in nil }

private func types(_ before: OrderRecord?, _ after: OrderRecord) -> [String] {
    OrderEvents.between(before, after, context: .standard).map(\.type.rawValue).sorted()
}

@Suite struct OrderChangeTests {
    @Test func linesCannotBeDroppedOrCutBelowWhatIsShippedOrCancelled() throws {
        var order = newOrder()
        try order.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: nil, trackingNumber: "T1", originLocation: nil,
                                            lines: [LineQuantity(sku: "TEE", quantity: 2)]), id: UUID(), now: hours(1))
        try order.cancel(CancellationDraft(reason: .outOfStock, lines: [LineQuantity(sku: "MUG", quantity: 1)]))
        #expect(throws: DomainError.validation([
            FieldError(field: "lines", message: "must keep line MUG: 1 already shipped or cancelled"),
            FieldError(field: "lines[0].quantity", message: "must be at least 2: 2 shipped and 0 cancelled"),
        ])) {
            try order.replaceDetails(with: draft(lines: [("TEE", 1)]), metadata: .object([:]))
        }
        // Raising a quantity keeps what was cancelled.
        try order.replaceDetails(with: draft(lines: [("TEE", 3), ("MUG", 2)]), metadata: .object([:]))
        #expect(order.lines.map(\.cancelledQuantity) == [0, 1])
        #expect(order.lineQuantities["TEE"]?.open == 1)
    }

    @Test func cancellingWithoutLinesCancelsWhatIsOpenAndNothingLeftIsAConflict() throws {
        var order = newOrder()
        try order.cancel(CancellationDraft(reason: .customerRequest, lines: nil))
        order.settle(now: hours(2))
        #expect(order.status == .cancelled)
        #expect(order.cancelledAt == hours(2))
        #expect(order.subtotal == 0)
        #expect(throws: DomainError.conflict("Nothing left to cancel: every line is shipped or cancelled.")) {
            try order.cancel(CancellationDraft(reason: .customerRequest, lines: nil))
        }
    }

    @Test func trackingIgnoresKnownEventsAndReestimatesUntilDelivery() throws {
        var order = newOrder()
        let shipmentID = UUID()
        try order.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: "standard", trackingNumber: "T1", originLocation: "BUC-1",
                                            lines: [LineQuantity(sku: "TEE", quantity: 2), LineQuantity(sku: "MUG", quantity: 1)]),
                              id: shipmentID, now: hours(1))
        let window = DeliveryWindow(earliest: day("2025-11-22"), latest: day("2025-11-24"), confidence: 0.9004)
        let estimator: ShipmentEstimator = { _ in (window, .lane) }
        let first = order.recordTracking([scan(.inTransit, at: hours(5), id: "a")], shipment: shipmentID, now: hours(6), newID: UUID.init, estimator: estimator)
        let again = order.recordTracking([scan(.inTransit, at: hours(5), id: "a")], shipment: shipmentID, now: hours(7), newID: UUID.init, estimator: estimator)
        #expect((first, again) == (1, 0))
        #expect(order.shipments[0].status == .inTransit)
        #expect(order.shipments[0].estimate?.window.confidence == 0.9)  // as the API states it
        _ = order.recordTracking([scan(.delivered, at: hours(30), id: "b")], shipment: shipmentID, now: hours(31), newID: UUID.init, estimator: estimator)
        #expect(order.shipments[0].estimate == nil)
        #expect(order.shipments[0].deliveredAt == hours(30))
    }
}

@Suite struct OrderSettlingTests {
    @Test func theEstimateIsTheLastOpenParcelsOrThePromiseAndNoneOnceDelivered() throws {
        var order = newOrder()
        order.promise = promise()
        #expect(order.estimate(context: .standard)?.window.latest == day("2025-11-25"))  // the promise, while no parcel has one
        for (index, latest) in ["2025-11-24", "2025-11-27"].enumerated() {
            let id = UUID()
            try order.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: "standard", trackingNumber: "T\(index)", originLocation: nil,
                                                lines: [LineQuantity(sku: index == 0 ? "TEE" : "MUG", quantity: index == 0 ? 2 : 1)]),
                                  id: id, now: hours(1))
            let window = DeliveryWindow(earliest: day("2025-11-23"), latest: day(latest), confidence: index == 0 ? 0.9 : 0.8)
            _ = order.recordTracking([scan(.inTransit, at: hours(5), id: "s\(index)")], shipment: id, now: hours(6), newID: UUID.init,
                                     estimator: { _ in (window, .route) })
        }
        order.settle(now: hours(6))
        #expect(order.estimate(context: .standard)?.window == DeliveryWindow(earliest: day("2025-11-23"), latest: day("2025-11-27"), confidence: 0.8))
        #expect(order.promiseAtRisk(context: .standard) == true)  // the last parcel is expected after the promise
    }

    @Test func deliveryResolvesThePromiseOnceAsALocalDate() throws {
        var order = newOrder()
        order.promise = promise(latest: "2025-11-22")
        let id = UUID()
        try order.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: "standard", trackingNumber: "T1", originLocation: nil,
                                            lines: [LineQuantity(sku: "TEE", quantity: 2), LineQuantity(sku: "MUG", quantity: 1)]),
                              id: id, now: hours(1))
        // 2025-11-22T22:30Z is already the 23rd in Bucharest: one day late.
        let lateEvening = Date(timeIntervalSince1970: 1_763_850_600)
        _ = order.recordTracking([scan(.delivered, at: lateEvening, id: "d")],
                                 shipment: id, now: lateEvening, newID: UUID.init, estimator: noEstimate)
        let before = order
        order.settle(now: lateEvening)
        #expect(order.status == .delivered)
        #expect(order.promise?.deliveredOn == day("2025-11-23"))
        #expect(order.promise?.outcome == .missed)
        #expect(order.promiseAtRisk(context: .standard) == false)
        #expect(order.estimate(context: .standard) == nil)
        #expect(types(before, order).contains("promise.missed"))
        var settledAgain = order
        settledAgain.settle(now: hours(100))
        #expect(settledAgain == order)
    }
}

@Suite struct OrderEventTests {
    @Test func aNewOrderIsCreatedAndItsPromiseRecorded() {
        var order = newOrder()
        #expect(types(nil, order) == ["order.created"])
        order.promise = promise()
        #expect(types(nil, order) == ["order.created", "promise.recorded"])
    }

    @Test func nothingChangedMeansNoEvent() {
        // The same order built twice, apart: nothing happened between the two.
        let id = UUID()
        #expect(OrderEvents.between(newOrder(id: id), newOrder(id: id), context: .standard).isEmpty)
    }

    @Test func updatesNameWhatChangedAndCancellationsAreTheirOwnEvent() throws {
        let before = newOrder()
        var renamed = before
        try renamed.replaceDetails(with: draft(name: "Ana P."), metadata: .object(["vip": .bool(true)]))
        let updated = OrderEvents.between(before, renamed, context: .standard)
        #expect(updated.map(\.type) == [.orderUpdated])
        #expect(updated.first?.data == .object([
            "order_id": .string(before.id.apiText), "order_number": .string("1001"), "status": .string("processing"),
            "changed": .array([.string("customer"), .string("metadata")]),
        ]))

        var partly = before
        try partly.cancel(CancellationDraft(reason: .outOfStock, lines: [LineQuantity(sku: "MUG", quantity: 1)]))
        partly.settle(now: hours(1))
        #expect(types(before, partly) == ["order.cancelled"])  // lines' cancellations are not "updates"
        var whole = partly
        try whole.cancel(CancellationDraft(reason: .customerRequest, lines: nil))
        whole.settle(now: hours(2))
        #expect(types(partly, whole) == ["order.cancelled", "order.status_changed"])
    }

    @Test func shipmentsAndTheirStatusesAreEvents() throws {
        let before = newOrder()
        var shipped = before
        let id = UUID()
        try shipped.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: nil, trackingNumber: "T1", originLocation: nil,
                                              lines: [LineQuantity(sku: "TEE", quantity: 2), LineQuantity(sku: "MUG", quantity: 1)]),
                                id: id, now: hours(1))
        shipped.settle(now: hours(1))
        #expect(types(before, shipped) == ["order.status_changed", "shipment.created"])
        var moving = shipped
        _ = moving.recordTracking([scan(.inTransit, at: hours(5), id: "a")], shipment: id, now: hours(6), newID: UUID.init, estimator: noEstimate)
        moving.settle(now: hours(6))
        #expect(types(shipped, moving) == ["order.status_changed", "shipment.status_changed"])
        // A scan that changes no status (an older one) is recorded but tells nobody anything.
        var older = moving
        _ = older.recordTracking([scan(.inTransit, at: hours(4), id: "b")], shipment: id, now: hours(7), newID: UUID.init, estimator: noEstimate)
        older.settle(now: hours(7))
        #expect(older != moving)
        #expect(types(moving, older) == [])
    }

    @Test func theEstimateMovingAndThePromiseComingAtRiskAreToldOnce() throws {
        var before = newOrder()
        before.promise = promise(latest: "2025-11-25")
        let id = UUID()
        try before.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: nil, trackingNumber: "T1", originLocation: "BUC-1",
                                             lines: [LineQuantity(sku: "TEE", quantity: 2), LineQuantity(sku: "MUG", quantity: 1)]),
                               id: id, now: hours(1))
        before.settle(now: hours(1))
        func estimating(_ latest: String) -> ShipmentEstimator {
            { _ in (DeliveryWindow(earliest: day("2025-11-23"), latest: day(latest), confidence: 0.9), .lane) }
        }
        var inside = before
        _ = inside.recordTracking([scan(.inTransit, at: hours(5), id: "a")], shipment: id, now: hours(6), newID: UUID.init, estimator: estimating("2025-11-24"))
        inside.settle(now: hours(6))
        #expect(types(before, inside) == ["estimate.changed", "order.status_changed", "shipment.status_changed"])
        var late = inside
        _ = late.recordTracking([scan(.inTransit, at: hours(9), id: "b")], shipment: id, now: hours(10), newID: UUID.init, estimator: estimating("2025-11-27"))
        late.settle(now: hours(10))
        #expect(types(inside, late) == ["estimate.changed", "promise.at_risk"])
        var stillLate = late
        _ = stillLate.recordTracking([scan(.inTransit, at: hours(12), id: "c")], shipment: id, now: hours(13), newID: UUID.init, estimator: estimating("2025-11-27"))
        stillLate.settle(now: hours(13))
        #expect(types(late, stillLate) == [])  // same window, still at risk: nothing new to tell
    }
}

@Suite struct OrderDocumentTests {
    /// The spliced texts are those of encoding the whole document, with two parcels, and with
    /// metadata that holds the splice's own key (which must stay where it is).
    @Test func theSplicedTextsAreTheDocumentsOwn() throws {
        var order = newOrder()
        order.metadata = .object(["shipments": .array([])])
        let first = try order.ship([LineQuantity(sku: "TEE", quantity: 2)], trackingNumber: "T1", at: hours(2),
                                   scans: [scan(.inTransit, at: hours(3))])
        let second = try order.ship([LineQuantity(sku: "MUG", quantity: 1)], trackingNumber: "T2", at: hours(4))
        order.settle(now: hours(5))
        order.version = 2
        let texts = try OrderDocument.texts(of: order, context: .standard)
        #expect(texts.order == (try OrderDocument(order, context: .standard).json()))
        #expect(texts.order.contains(#""tracking_number":"T1""#) && texts.order.contains(#""tracking_number":"T2""#))
        let firstShipment = try #require(order.shipments.first { $0.id == first })
        let secondShipment = try #require(order.shipments.first { $0.id == second })
        #expect(texts.shipments == [first: try ShipmentDocument(firstShipment, of: order).json(),
                                    second: try ShipmentDocument(secondShipment, of: order).json()])
        #expect(texts.order.contains(#""metadata":{"shipments":[]}"#))
    }

    @Test func theDocumentIsTheContractsShapeWithSortedKeysAndNoNulls() throws {
        var order = newOrder()
        order.metadata = .object(["campaign": .string("black-friday"), "count": .integer(3)])
        order.version = 1
        let json = try OrderDocument(order, context: .standard).json()
        #expect(json.contains(#""metadata":{"campaign":"black-friday","count":3}"#))
        #expect(json.contains(#""placed_at":"2025-11-20T00:53:20.000Z""#))
        #expect(json.contains(#""subtotal":3000"#))
        #expect(!json.contains("null"))
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]).keys.sorted()
        #expect(keys == ["channel", "created_at", "currency", "customer", "destination", "id", "lines", "metadata", "order_number",
                         "placed_at", "returns", "shipments", "status", "subtotal", "updated_at", "version"])
    }

    @Test func timesAndDatesAreWrittenAsTheAPIWritesThem() {
        #expect(APITime.text(Date(timeIntervalSince1970: 0.0125)) == "1970-01-01T00:00:00.013Z")
        #expect(APITime.text(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(LocalDate(year: 802, month: 3, day: 9).description == "0802-03-09")
        #expect(LocalDate(year: 2026, month: 11, day: 25).description == "2026-11-25")
    }

    @Test func metadataNumbersStayAsTheMerchantSentThem() throws {
        let value = try JSONValue(parsing: #"{"big": 9007199254740993, "ratio": 0.5, "list": [true, null, "x"]}"#)
        #expect(try value.text() == #"{"big":9007199254740993,"list":[true,null,"x"],"ratio":0.5}"#)
    }
}

@Suite struct DisruptionAlertTests {
    /// An order with two shipments on their way (TEE and MUG), each scanned in transit.
    private func travelling() throws -> (order: OrderRecord, tee: UUID, mug: UUID) {
        var order = newOrder()
        let (tee, mug) = (UUID(), UUID())
        try order.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: nil, trackingNumber: "T1", originLocation: nil,
                                            lines: [LineQuantity(sku: "TEE", quantity: 2)]), id: tee, now: hours(1))
        try order.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: nil, trackingNumber: "T2", originLocation: nil,
                                            lines: [LineQuantity(sku: "MUG", quantity: 1)]), id: mug, now: hours(1))
        _ = order.recordTracking([scan(.inTransit, at: hours(2), id: "t1")], shipment: tee, now: hours(2), newID: UUID.init, estimator: noEstimate)
        _ = order.recordTracking([scan(.inTransit, at: hours(2), id: "m1")], shipment: mug, now: hours(2), newID: UUID.init, estimator: noEstimate)
        order.settle(now: hours(2))
        order.keepAlertInStep(now: hours(2), newID: UUID(), context: .standard)
        return (order, tee, mug)
    }

    private func change(_ order: inout OrderRecord, _ shipment: UUID, _ event: TrackingEventDraft, at hour: Double) -> [String] {
        let before = order
        _ = order.recordTracking([event], shipment: shipment, now: hours(hour), newID: UUID.init, estimator: noEstimate)
        order.settle(now: hours(hour))
        order.keepAlertInStep(now: hours(hour), newID: UUID(), context: .standard)
        return OrderEvents.between(before, order, context: .standard).map(\.type.rawValue).filter { $0.hasPrefix("alert.") }
    }

    @Test func oneAlertPerEpisodeEscalatesOnlyUpAndResolvesWhenNothingIsWrong() throws {
        var (order, tee, mug) = try travelling()
        #expect(order.alert == nil, "parcels on their way are no disruption")

        var weather = scan(.exception, at: hours(3), id: "t2")
        weather.substatus = .weatherDelay
        #expect(change(&order, tee, weather, at: 3) == ["alert.opened"])
        let opened = try #require(order.alert)
        #expect(opened.reason == .exception && opened.severity == .longDelay && opened.shipmentID == tee && opened.openedAt == hours(3))

        // The other parcel's failed attempt is less bad: the same alert, not escalated, no event.
        #expect(change(&order, mug, scan(.attemptedDelivery, at: hours(4), id: "m2"), at: 4).isEmpty)
        #expect(order.alert == opened)

        var lost = scan(.exception, at: hours(5), id: "t3")
        lost.substatus = .lost
        #expect(change(&order, tee, lost, at: 5) == ["alert.escalated"])
        #expect(order.alert?.id == opened.id && order.alert?.severity == .critical && order.alert?.openedAt == hours(3))

        // The lost parcel is found; the other still waits at the door: the alert's own problem is
        // over, so it follows the one left (no event), rather than say "lost" of a parcel on its way.
        #expect(change(&order, tee, scan(.inTransit, at: hours(6), id: "t4"), at: 6).isEmpty)
        #expect(order.alert?.id == opened.id && order.alert?.severity == .delay && order.alert?.reason == .failedAttempt && order.alert?.shipmentID == mug)
        #expect(change(&order, mug, scan(.inTransit, at: hours(6), id: "m3"), at: 6) == ["alert.resolved"])
        #expect(order.alert == nil)
        let document = try OrderDocument(order, context: .standard).json()
        #expect(!document.contains("\"alert\""))

        // A new problem is a new episode.
        #expect(change(&order, tee, scan(.returnedToSender, at: hours(7), id: "t5"), at: 7) == ["alert.opened"])
        #expect(order.alert?.reason == .returnedToSender && order.alert?.severity == .critical && order.alert?.id != opened.id)
        #expect(try OrderDocument(order, context: .standard).json().contains(#""reason":"returned_to_sender","severity":"critical""#))
    }

    @Test func anEstimatePastThePromiseIsADelayUntilDelivery() throws {
        var order = newOrder()
        order.promise = promise(latest: "2025-11-25")
        let shipment = UUID()
        try order.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: nil, trackingNumber: "T1", originLocation: nil,
                                            lines: [LineQuantity(sku: "TEE", quantity: 2), LineQuantity(sku: "MUG", quantity: 1)]),
                              id: shipment, now: hours(1))
        let late: ShipmentEstimator = { _ in (DeliveryWindow(earliest: day("2025-11-24"), latest: day("2025-11-27"), confidence: 0.9), .lane) }
        _ = order.recordTracking([scan(.inTransit, at: hours(2), id: "s1")], shipment: shipment, now: hours(2), newID: UUID.init, estimator: late)
        order.settle(now: hours(2))
        order.keepAlertInStep(now: hours(2), newID: UUID(), context: .standard)
        #expect(order.alert?.reason == .promiseAtRisk && order.alert?.severity == .delay && order.alert?.shipmentID == nil)
        _ = order.recordTracking([scan(.delivered, at: hours(30), id: "s2")], shipment: shipment, now: hours(30), newID: UUID.init, estimator: late)
        order.settle(now: hours(30))
        order.keepAlertInStep(now: hours(30), newID: UUID(), context: .standard)
        #expect(order.alert == nil, "delivered: resolved")
    }
}

@Suite struct SilenceTests {
    private let bucharestTime = TimeZone(identifier: "Europe/Bucharest")!
    private let weekdays = WorkCalendar(days: Weekday.mondayToFriday)

    @Test func workingHoursSkipTheWeekendAndCountDaysInTheGivenTimeZone() {
        // Friday 20:00 to Monday 04:00 in Bucharest: four hours on Friday, four on Monday.
        #expect(weekdays.openHours(from: instant("2025-11-21T18:00:00Z"), to: instant("2025-11-24T02:00:00Z"), in: bucharestTime) == 8)
        // 22:30 UTC on a Friday is already Saturday in Bucharest.
        let (start, end) = (instant("2025-11-21T22:30:00Z"), instant("2025-11-22T12:00:00Z"))
        #expect(weekdays.openHours(from: start, to: end, in: TimeZone(identifier: "UTC")!) == 1.5)
        #expect(weekdays.openHours(from: start, to: end, in: bucharestTime) == 0)
        let holiday = WorkCalendar(days: Weekday.mondayToFriday, holidays: [LocalDate("2025-11-24")!])
        #expect(holiday.openHours(from: instant("2025-11-21T18:00:00Z"), to: instant("2025-11-24T02:00:00Z"), in: bucharestTime) == 4)
    }

    /// The order with the promise, and one shipment scanned in transit at `scannedAt` (or only labelled).
    private func order(scannedAt: String?) throws -> (OrderRecord, UUID) {
        var order = newOrder()
        order.promise = promise(latest: "2025-12-10")
        let shipment = UUID()
        try order.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: nil, trackingNumber: "T1", originLocation: nil,
                                            lines: [LineQuantity(sku: "TEE", quantity: 2), LineQuantity(sku: "MUG", quantity: 1)]),
                              id: shipment, now: instant("2025-11-21T08:00:00Z"))
        if let scannedAt {
            _ = order.recordTracking([scan(.inTransit, at: instant(scannedAt), id: "s1")], shipment: shipment, now: instant(scannedAt), newID: UUID.init, estimator: noEstimate)
        }
        order.settle(now: instant("2025-11-21T08:00:00Z"))
        return (order, shipment)
    }

    @Test func aParcelSilentOnItsWayIsADelayAtTwoWorkingDaysAndALongDelayAtFour() throws {
        // Scanned Friday 10:00 in Bucharest: 14 hours that Friday, then Monday, then Tuesday to 10:00.
        let (silent, shipment) = try order(scannedAt: "2025-11-21T08:00:00Z")
        #expect(DisruptionRules.finding(in: silent, now: instant("2025-11-25T07:59:59Z"), context: .standard) == nil, "a second before the threshold")
        let delayed = try #require(DisruptionRules.finding(in: silent, now: instant("2025-11-25T08:00:00Z"), context: .standard))
        #expect(delayed.reason == .noScan && delayed.severity == .delay && delayed.shipmentID == shipment)
        #expect(DisruptionRules.finding(in: silent, now: instant("2025-11-27T07:59:59Z"), context: .standard)?.severity == .delay)
        #expect(DisruptionRules.finding(in: silent, now: instant("2025-11-27T08:00:00Z"), context: .standard)?.severity == .longDelay)
    }

    @Test func theNextCheckIsWhenAThresholdCouldFirstBeCrossedAndNeverLate() throws {
        // Scanned Friday 10:00 in Bucharest; at 12:00, 46 working hours are left: the clock can
        // get there no sooner. At that moment (Sunday) the weekend has not counted: 34 are left.
        let (silent, _) = try order(scannedAt: "2025-11-21T08:00:00Z")
        let first = try #require(DisruptionRules.nextCheck(for: silent, now: instant("2025-11-21T10:00:00Z"), context: .standard))
        #expect(first == instant("2025-11-23T08:00:00Z"))
        #expect(DisruptionRules.nextCheck(for: silent, now: first, context: .standard) == instant("2025-11-24T18:00:00Z"))
        #expect(DisruptionRules.finding(in: silent, now: instant("2025-11-24T18:00:00Z"), context: .standard) == nil, "Monday 20:00: 38 working hours")
        // Past the delay, the next moment is the long delay; the promise's day (10 December) ends later.
        #expect(DisruptionRules.nextCheck(for: silent, now: instant("2025-11-25T08:00:00Z"), context: .standard) == instant("2025-11-27T08:00:00Z"))
        let (labelled, _) = try order(scannedAt: nil)
        #expect(DisruptionRules.nextCheck(for: labelled, now: instant("2025-11-25T08:00:00Z"), context: .standard) == instant("2025-12-10T22:00:00Z"),
                "a forgotten label is already as bad as it gets from silence: only the promise's day is left")
    }

    @Test func aLabelNeverScannedIsForgottenAfterAWorkingDayAndAPromisePastItsDayIsBreached() throws {
        // Labelled Friday 10:00 in Bucharest: 14 hours that Friday, 10 on Monday.
        let (labelled, _) = try order(scannedAt: nil)
        #expect(DisruptionRules.finding(in: labelled, now: instant("2025-11-24T07:59:59Z"), context: .standard) == nil)
        #expect(DisruptionRules.finding(in: labelled, now: instant("2025-11-24T08:00:00Z"), context: .standard)?.reason == .forgottenParcel)
        // The promise's last day is 10 December in Bucharest: breached from its midnight, 22:00 UTC.
        let (travelling, _) = try order(scannedAt: "2025-12-10T21:00:00Z")
        #expect(DisruptionRules.finding(in: travelling, now: instant("2025-12-10T21:59:59Z"), context: .standard) == nil)
        let breached = try #require(DisruptionRules.finding(in: travelling, now: instant("2025-12-10T22:00:00Z"), context: .standard))
        #expect(breached.reason == .promiseBreached && breached.severity == .longDelay && breached.shipmentID == nil)
    }
}

@Suite struct DeclaredDisruptionTests {
    /// A storm declared for DHL parcels to Bucharest postal codes (03...), from hour 10 to hour 40.
    private func storm(extraDays: Int = 3, scope: DisruptionScope? = nil) -> DeclaredDisruption {
        var bucharest = DisruptionScope()
        bucharest.carriers = [.init(carrier: "DHL", serviceLevel: nil)]
        bucharest.destinationPostalPrefixes = [.init(country: "RO", prefix: "03")]
        return DeclaredDisruption(id: UUID(), cause: .weather, scope: scope ?? bucharest, startsAt: hours(10), expectedEndAt: hours(40),
                                  extraDays: extraDays, customerMessage: "Snow in Bucharest.", resolvedAt: nil, createdAt: hours(9), updatedAt: hours(9))
    }

    /// An order with one DHL parcel scanned in transit at hour 2, estimated for 2025-11-24..25, of
    /// a merchant who declared these disruptions.
    private func travelling(_ disruptions: [DeclaredDisruption]) throws -> (OrderRecord, MerchantContext, UUID) {
        let context = MerchantContext(declaredDisruptions: disruptions)
        var order = newOrder()
        order.promise = promise()
        let parcel = UUID()
        try order.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: "standard", trackingNumber: "T1", originLocation: "BUC-1",
                                            lines: [LineQuantity(sku: "TEE", quantity: 2), LineQuantity(sku: "MUG", quantity: 1)]), id: parcel, now: hours(1))
        let estimate: ShipmentEstimator = { _ in (DeliveryWindow(earliest: day("2025-11-24"), latest: day("2025-11-25"), confidence: 0.9), .lane) }
        _ = order.recordTracking([scan(.inTransit, at: hours(2), id: "t1")], shipment: parcel, now: hours(2), newID: UUID.init, estimator: estimate)
        order.settle(now: hours(2))
        order.keepAlertInStep(now: hours(2), newID: UUID(), context: context)
        return (order, context, parcel)
    }

    @Test func scopeKeysAllMustMatchAndAnyItemWithinAKey() throws {
        let (order, _, parcel) = try travelling([])
        let shipment = try #require(order.shipments.first { $0.id == parcel })
        func matches(_ build: (inout DisruptionScope) -> Void) -> Bool {
            var scope = DisruptionScope()
            build(&scope)
            return scope.matches(shipment, of: order)
        }
        #expect(matches { $0.carriers = [.init(carrier: "UPS", serviceLevel: nil), .init(carrier: "Dhl", serviceLevel: "STANDARD")] })
        #expect(!matches { $0.carriers = [.init(carrier: "dhl", serviceLevel: "express")] })
        #expect(matches { $0.destinationCountries = ["RO"] } && !matches { $0.destinationCountries = ["BG"] })
        #expect(matches { $0.destinationRegions = [.init(country: "RO", region: "b")] })
        #expect(!matches { $0.destinationRegions = [.init(country: "BG", region: "B")] }, "a region is of its country")
        #expect(matches { $0.destinationPostalPrefixes = [.init(country: "RO", prefix: "0300")] })
        #expect(!matches { $0.destinationPostalPrefixes = [.init(country: "RO", prefix: "04")] })
        #expect(matches { $0.locations = ["buc-1"] } && !matches { $0.locations = ["CLJ-1"] })
        #expect(matches { $0.shipmentIDs = [parcel] } && !matches { $0.shipmentIDs = [UUID()] })
        // Every key given must match: the right carrier to the wrong country is out of scope.
        #expect(!matches { $0.carriers = [.init(carrier: "dhl", serviceLevel: nil)]; $0.destinationCountries = ["BG"] })
    }

    @Test func anActiveDisruptionInScopeMovesTheEstimateAndOpensAnAlertUntilItEnds() throws {
        let disruption = storm()
        var (order, context, parcel) = try travelling([disruption])
        #expect(order.declared == nil && order.alert == nil, "declared from hour 10: nothing yet at hour 2")
        #expect(order.disruptionCheckAt == hours(10), "checked again when it starts")

        order.keepAlertInStep(now: hours(10), newID: UUID(), context: context)
        #expect(order.declared == DeclaredDelay(disruptionID: disruption.id, cause: .weather, extraDays: 3, customerMessage: "Snow in Bucharest.",
                                                shipmentIDs: [parcel]))
        #expect(order.alert?.reason == .declaredDisruption && order.alert?.severity == .longDelay)
        let later = order.estimate(context: context)?.window
        #expect(later?.earliest == day("2025-11-27") && later?.latest == day("2025-11-28"), "three days later")
        #expect(order.promiseAtRisk(context: context) == true, "the later estimate ends after the promised 2025-11-25")
        #expect(order.disruptionCheckAt.map { $0 <= hours(40) } == true, "checked again by its expected end at the latest")

        order.keepAlertInStep(now: hours(40), newID: UUID(), context: context)
        #expect(order.declared == nil && order.estimate(context: context)?.window.latest == day("2025-11-25"), "ended: the estimate is the carrier's again")
        #expect(order.alert == nil, "and nothing else is wrong")
    }

    @Test func onlyTheParcelsItHoldsUpMoveLater() throws {
        var (order, context, held) = try travelling([storm()])
        let other = UUID()
        try order.addShipment(ShipmentDraft(carrier: "ups", serviceLevel: nil, trackingNumber: "U1", originLocation: nil, lines: []), id: other, now: hours(3))
        let lateUPS: ShipmentEstimator = { _ in (DeliveryWindow(earliest: day("2025-11-29"), latest: day("2025-11-30"), confidence: 0.9), .lane) }
        _ = order.recordTracking([scan(.inTransit, at: hours(3), id: "u1")], shipment: other, now: hours(3), newID: UUID.init, estimator: lateUPS)
        order.keepAlertInStep(now: hours(11), newID: UUID(), context: context)
        #expect(order.declared?.shipmentIDs == [held])
        // DHL's 2025-11-24..25 moves to 27..28; UPS, out of scope, still ends the order on the 30th.
        let window = order.estimate(context: context)?.window
        #expect(window?.latest == day("2025-11-30") && window?.earliest == day("2025-11-29"))
    }

    @Test func aShortDisruptionIsADelayAndOneOutOfScopeOrResolvedDoesNothing() throws {
        var (order, context, _) = try travelling([storm(extraDays: 1)])
        order.keepAlertInStep(now: hours(11), newID: UUID(), context: context)
        #expect(order.alert?.severity == .delay && order.declared?.extraDays == 1)

        var elsewhere = DisruptionScope()
        elsewhere.destinationCountries = ["BG"]
        var resolved = storm()
        resolved.resolvedAt = hours(10)
        var (untouched, elsewhereOrResolved, _) = try travelling([storm(scope: elsewhere), resolved])
        untouched.keepAlertInStep(now: hours(11), newID: UUID(), context: elsewhereOrResolved)
        #expect(untouched.declared == nil && untouched.alert == nil)
        // The worst of two in scope: the one with the most extra days.
        var (both, twoInScope, _) = try travelling([storm(extraDays: 1), storm(extraDays: 5)])
        both.keepAlertInStep(now: hours(11), newID: UUID(), context: twoInScope)
        #expect(both.declared?.extraDays == 5)
    }

    @Test func aRemedyIsOfferedAsAnAlertOpensOrEscalatesIntoARule() throws {
        var (order, context, _) = try travelling([storm(extraDays: 1)])
        order.keepAlertInStep(now: hours(11), newID: UUID(), context: context)
        let alert = try #require(order.alert)
        // Rules set while the alert is open do not reach it ...
        context.remedyRules = RemedyRules(rules: [RemedyRule(reasons: [], minSeverity: .longDelay, minDelayDays: 0, minOrderValue: 0,
                                                           offers: [RemedyOption(kind: .freeShipping)], validDays: 7)])
        order.keepAlertInStep(now: hours(12), newID: UUID(), context: context)
        #expect(order.remedies.isEmpty)
        // ... until it escalates into one: offered once, for that alert, for seven days.
        context.declaredDisruptions = [storm(extraDays: 5)]
        order.keepAlertInStep(now: hours(13), newID: UUID(), context: context)
        #expect(order.alert?.id == alert.id && order.alert?.severity == .longDelay)
        let remedy = try #require(order.remedies.first)
        #expect(order.remedies.count == 1 && remedy.alertID == alert.id && remedy.expiresAt == hours(13 + 7 * 24))
        order.keepAlertInStep(now: hours(14), newID: UUID(), context: context)
        #expect(order.remedies == [remedy])
    }

    @Test func statusAndChangesFollowTheRules() throws {
        var disruption = storm()
        #expect(disruption.status(at: hours(9)) == .scheduled && disruption.status(at: hours(10)) == .active)
        #expect(disruption.status(at: hours(40) - 1) == .active && disruption.status(at: hours(40)) == .resolved, "ends at its expected end")

        #expect(throws: DomainError.validation([FieldError(field: "expected_end_at", message: "must be after starts_at")])) {
            _ = try disruption.apply(DisruptionChange(expectedEndAt: hours(5), extraDays: nil, customerMessage: nil, resolve: false), now: hours(4))
        }
        #expect(try disruption.apply(DisruptionChange(expectedEndAt: hours(60), extraDays: 2, customerMessage: "", resolve: false), now: hours(20)) == false)
        #expect(disruption.expectedEndAt == hours(60) && disruption.extraDays == 2 && disruption.customerMessage == nil && disruption.updatedAt == hours(20))
        #expect(try disruption.apply(DisruptionChange(expectedEndAt: nil, extraDays: nil, customerMessage: nil, resolve: true), now: hours(21)) == true)
        #expect(disruption.resolvedAt == hours(21))
        let resolved = disruption
        #expect(try disruption.apply(DisruptionChange(expectedEndAt: nil, extraDays: nil, customerMessage: nil, resolve: true), now: hours(22)) == false)
        #expect(disruption == resolved, "resolving twice changes nothing")
        #expect(throws: DomainError.self) {
            _ = try disruption.apply(DisruptionChange(expectedEndAt: nil, extraDays: 4, customerMessage: nil, resolve: false), now: hours(23))
        }
    }

    @Test func aDraftNamesEveryFieldToFix() throws {
        var scope = DisruptionScope()
        scope.destinationCountries = ["XX"]
        scope.destinationPostalPrefixes = [.init(country: "RO", prefix: "--")]
        let draft = DisruptionDraft(cause: .strike, scope: scope, startsAt: hours(10), expectedEndAt: hours(5), extraDays: 61, customerMessage: "")
        let error = #expect(throws: DomainError.self) { _ = try draft.declared(id: UUID(), now: hours(1)) }
        guard case .validation(let errors)? = error else { Issue.record("not a validation error: \(String(describing: error))"); return }
        #expect(Set(errors.map(\.field)) == ["scope.destination_countries[0]", "scope.destination_postal_prefixes[0].prefix",
                                             "expected_end_at", "extra_days", "customer_message"])
        #expect(throws: DomainError.validation([FieldError(field: "scope", message: "must name at least one carrier, destination, location or shipment")])) {
            _ = try DisruptionDraft(cause: .other, scope: DisruptionScope(), startsAt: nil, expectedEndAt: nil, extraDays: nil, customerMessage: nil)
                .declared(id: UUID(), now: hours(1))
        }
    }
}

@Suite struct DisruptionSettingsTests {
    /// A DHL express parcel scanned in transit on Friday 2025-11-21 at 10:00 UTC (no promise: UTC).
    private func quiet(status: TrackingStatus = .inTransit) throws -> OrderRecord {
        var order = newOrder()
        let parcel = UUID()
        try order.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: "express", trackingNumber: "T1", originLocation: nil,
                                            lines: [LineQuantity(sku: "TEE", quantity: 2)]), id: parcel, now: instant("2025-11-21T09:00:00Z"))
        _ = order.recordTracking([scan(status, at: instant("2025-11-21T10:00:00Z"), id: "t1")], shipment: parcel, now: instant("2025-11-21T10:00:00Z"), newID: UUID.init, estimator: noEstimate)
        order.settle(now: instant("2025-11-21T10:00:00Z"))
        return order
    }

    @Test func aCarrierServicesThresholdsBeatTheCarriersWhichBeatTheMerchants() throws {
        let order = try quiet()
        let hours = { (transit: Int) in DisruptionThresholds(labelCreatedHours: 24, inTransitHours: transit, outForDeliveryHours: 24) }
        var context = MerchantContext.standard
        context.disruptionSettings = DisruptionSettings(thresholds: hours(48), byService: [
            .init(carrier: "DHL", serviceLevel: nil, thresholds: hours(10)),
            .init(carrier: "dhl", serviceLevel: "EXPRESS", thresholds: hours(4)),
            .init(carrier: "ups", serviceLevel: nil, thresholds: hours(1)),
        ])
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-21T13:59:59Z"), context: context) == nil)
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-21T14:00:00Z"), context: context)?.severity == .delay, "express: 4 working hours")
        context.disruptionSettings?.byService.remove(at: 1)
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-21T19:59:59Z"), context: context) == nil)
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-21T20:00:00Z"), context: context)?.severity == .delay, "the carrier's 10 hours")
    }

    @Test func silenceOnTheWayCountsTheCarriersDeliveryDaysLessTheLocationsHolidays() throws {
        let order = try quiet()
        var context = MerchantContext.standard
        // Friday 10:00 + 48 working hours, Monday to Friday: Tuesday 10:00.
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-25T09:59:59Z"), context: context) == nil)
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-25T10:00:00Z"), context: context)?.reason == .noScan)
        // A carrier delivering on Saturdays: Friday's 14 hours, Saturday's 24, Monday 10:00.
        context.silenceCalendars = SilenceCalendars(location: nil,
                                                    deliveryDays: [SilenceCalendars.key(carrier: "DHL", serviceLevel: "Express"): Weekday.mondayToSaturday])
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-24T09:59:59Z"), context: context) == nil)
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-24T10:00:00Z"), context: context)?.reason == .noScan)
        // ... and the location closed on Saturday 22nd: Tuesday 10:00 again.
        context.silenceCalendars.location = WorkCalendar(days: Weekday.mondayToFriday, holidays: [LocalDate("2025-11-22")!])
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-24T10:00:00Z"), context: context) == nil)
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-25T10:00:00Z"), context: context)?.reason == .noScan)
    }

    @Test func outForDeliveryHasItsOwnThreshold() throws {
        let order = try quiet(status: .outForDelivery)
        // The standard 24 working hours out for delivery: Monday 10:00; a long delay at 48.
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-24T09:59:59Z"), context: .standard) == nil)
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-24T10:00:00Z"), context: .standard)?.severity == .delay)
        #expect(DisruptionRules.finding(in: order, now: instant("2025-11-25T10:00:00Z"), context: .standard)?.severity == .longDelay)
    }

    @Test func settingsNameEveryFieldToFix() throws {
        let zero = DisruptionThresholds(labelCreatedHours: 0, inTransitHours: 48, outForDeliveryHours: 721)
        let settings = DisruptionSettings(thresholds: zero, byService: [.init(carrier: "dhl", serviceLevel: nil, thresholds: .standard),
                                                                         .init(carrier: "DHL", serviceLevel: nil, thresholds: .standard)])
        let error = #expect(throws: DomainError.self) { try settings.validate() }
        guard case .validation(let errors)? = error else { Issue.record("not a validation error"); return }
        #expect(Set(errors.map(\.field)) == ["thresholds.label_created_hours", "thresholds.out_for_delivery_hours", "by_service[1]"])
    }
}

@Suite struct MissedPromiseAfterAFailedAttemptTests {
    /// An order promised by 2025-11-21 whose parcel failed its attempt on day one, then (after
    /// `request`, if any, asked by the customer) arrived on the 26th.
    private func lateAfterAFailedAttempt(choosing request: DeliveryActionRequest?) throws -> OrderRecord {
        var order = newOrder()
        order.promise = promise(latest: "2025-11-21")
        let shipmentID = UUID()
        try order.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: nil, trackingNumber: "T1", originLocation: nil,
                                            lines: [LineQuantity(sku: "TEE", quantity: 2), LineQuantity(sku: "MUG", quantity: 1)]), id: shipmentID, now: hours(1))
        let attempt = scan(.attemptedDelivery, at: hours(30), substatus: .recipientUnavailable, id: "a1")
        _ = order.recordTracking([scan(.inTransit, at: hours(5), id: "t1"), attempt], shipment: shipmentID, now: hours(31), newID: UUID.init, estimator: noEstimate)
        order.keepDeliveryExceptionsInStep(now: hours(31), newID: UUID.init, context: .standard)
        let exception = try #require(order.deliveryExceptions.first)
        #expect(exception.reason == .customerUnavailable && exception.status == .open)
        if let request {
            try order.requestDeliveryAction(request, exception: exception.id, source: .customer, proof: .email, now: hours(32), id: UUID(),
                                            context: .standard)
        }
        _ = order.recordTracking([scan(.delivered, at: hours(24 * 6), id: "d1")], shipment: shipmentID, now: hours(24 * 6), newID: UUID.init, estimator: noEstimate)
        order.settle(now: hours(24 * 6))
        order.keepDeliveryExceptionsInStep(now: hours(24 * 6), newID: UUID.init, context: .standard)
        return order
    }

    @Test func theLedgerSaysWhetherTheCustomersChoiceOrTheCarriersFailureCameBeforeTheMiss() throws {
        let chosen = try lateAfterAFailedAttempt(choosing: DeliveryActionRequest(kind: .instructions, instructions: "Leave it with the concierge"))
        #expect(chosen.promise?.outcome == .missed && chosen.promise?.missedAfter == .customerChoice)
        #expect(chosen.deliveryExceptions.first?.closure == .delivered)
        let unanswered = try lateAfterAFailedAttempt(choosing: nil)
        #expect(unanswered.promise?.outcome == .missed && unanswered.promise?.missedAfter == .carrierFailure)
        let events = OrderEvents.between(nil, unanswered, context: .standard).filter { $0.type == .promiseMissed }
        #expect(events.isEmpty, "a new order's events are its creation's")
    }
}
