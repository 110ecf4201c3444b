import Foundation
import PorchlightCore
import Testing

private func at(_ hour: Double) -> Date { Date(timeIntervalSince1970: 1_763_600_000 + hour * 3600) }
private func entry(_ status: TrackingStatus, _ hour: Double, _ substatus: TrackingSubstatus? = nil) -> TimelineEntry {
    TimelineEntry(status: status, substatus: substatus, occurredAt: at(hour))
}

@Suite struct TrackingRulesTests {
    @Test func noEventsMeansPending() {
        #expect(TrackingRules.progress(of: []).status == .pending)
    }

    @Test func latestEventByCarrierTimeWinsWhateverTheArrivalOrder() {
        let progress = TrackingRules.progress(of: [entry(.outForDelivery, 30), entry(.infoReceived, 0), entry(.inTransit, 5)])
        #expect(progress.status == .outForDelivery)
        #expect(progress.shippedAt == at(5))
    }

    @Test func aLateInTransitScanDoesNotUndeliver() {
        let progress = TrackingRules.progress(of: [entry(.inTransit, 5), entry(.delivered, 30), entry(.inTransit, 31)])
        #expect(progress.status == .delivered)
        #expect(progress.deliveredAt == at(30))
    }

    @Test func aReprintedLabelDoesNotMoveAMovingParcelBack() {
        #expect(TrackingRules.progress(of: [entry(.inTransit, 5), entry(.infoReceived, 8)]).status == .inTransit)
    }

    @Test func returnToSenderIsFinal() {
        let progress = TrackingRules.progress(of: [entry(.returnedToSender, 40), entry(.inTransit, 41), entry(.delivered, 20)])
        #expect(progress.status == .returnedToSender)
    }

    @Test func anExceptionClearsWhenTheParcelMovesAgain() {
        let stuck = TrackingRules.progress(of: [entry(.inTransit, 5), entry(.exception, 10, .weatherDelay)])
        #expect(stuck.status == .exception)
        #expect(stuck.substatus == .weatherDelay)
        let moving = TrackingRules.progress(of: [entry(.inTransit, 5), entry(.exception, 10, .weatherDelay), entry(.inTransit, 20)])
        #expect(moving.status == .inTransit)
        #expect(moving.substatus == nil)
    }
}

@Suite struct OrderRollupTests {
    let two = LineQuantities(ordered: 2, cancelled: 0, shipped: 2)
    let open = LineQuantities(ordered: 1, cancelled: 0, shipped: 0)

    @Test func nothingShippedIsProcessing() {
        #expect(OrderRollup.status(lines: [open], shipments: []) == .processing)
    }

    @Test func everythingCancelledIsCancelled() {
        #expect(OrderRollup.status(lines: [LineQuantities(ordered: 3, cancelled: 3, shipped: 0)], shipments: []) == .cancelled)
    }

    @Test func someLinesStillToShipIsPartiallyShipped() {
        #expect(OrderRollup.status(lines: [two, open], shipments: [.inTransit]) == .partiallyShipped)
    }

    @Test func allShippedFollowsTheParcels() {
        #expect(OrderRollup.status(lines: [two], shipments: [.infoReceived]) == .shipped)
        #expect(OrderRollup.status(lines: [two], shipments: [.inTransit, .outForDelivery]) == .outForDelivery)
        #expect(OrderRollup.status(lines: [two], shipments: [.outForDelivery, .attemptedDelivery]) == .attemptedDelivery)
    }

    @Test func deliveryIsCompleteOnlyWhenEverythingArrived() {
        #expect(OrderRollup.status(lines: [two], shipments: [.delivered, .delivered]) == .delivered)
        #expect(OrderRollup.status(lines: [two], shipments: [.delivered, .inTransit]) == .partiallyDelivered)
        #expect(OrderRollup.status(lines: [two, open], shipments: [.delivered]) == .partiallyDelivered)
    }

    @Test func aShipmentInTroubleMakesTheOrderNeedAttention() {
        #expect(OrderRollup.status(lines: [two], shipments: [.delivered, .exception]) == .exception)
        #expect(OrderRollup.status(lines: [two], shipments: [.returnedToSender]) == .exception)
    }

    @Test func cancelledRemainderDoesNotHoldBackDelivery() {
        let partlyCancelled = LineQuantities(ordered: 3, cancelled: 1, shipped: 2)
        #expect(OrderRollup.status(lines: [partlyCancelled], shipments: [.delivered]) == .delivered)
    }
}
