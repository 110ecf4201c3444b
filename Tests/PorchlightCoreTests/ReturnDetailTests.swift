import PorchlightCore
import Testing

/// The names of what `detail` lets its viewer see of a return, in the order `ReturnDetail` declares them.
private func shown(_ detail: ReturnDetail) -> [String] {
    [("prices paid", detail.pricesPaid), ("amounts due", detail.amountsDue), ("shipment id", detail.shipmentID),
     ("parcel tracking", detail.parcelTracking), ("codes", detail.codes), ("decision reason", detail.decisionReason)]
        .filter(\.1).map(\.0)
}

/// Who sees a return's prices and codes (`ReturnDetail`): each viewer, for a gift and for a return by the buyer.
@Suite struct ReturnDetailTests {
    private let everything = ["prices paid", "amounts due", "shipment id", "parcel tracking", "codes", "decision reason"]

    @Test func theMerchantSeesEverythingOfAGiftAndOfAnyOtherReturn() {
        #expect(shown(ReturnDetail(viewer: .merchant, gift: false)) == everything)
        #expect(shown(ReturnDetail(viewer: .merchant, gift: true)) == everything)
        #expect(shown(.merchant) == everything)
    }

    @Test func theBuyerWithTheEmailOrALinkSeesPricesAndCodesButNoShipmentID() {
        let buyer = ["prices paid", "amounts due", "parcel tracking", "codes", "decision reason"]
        #expect(shown(ReturnDetail(viewer: .customer(.email), gift: false)) == buyer)
        #expect(shown(ReturnDetail(viewer: .customer(.link), gift: false)) == buyer)
    }

    @Test func aGiftsRecipientSeesWhatTheyWouldGetBackButNeverThePricesPaid() {
        let recipient = ["amounts due", "parcel tracking", "codes", "decision reason"]
        #expect(shown(ReturnDetail(viewer: .customer(.email), gift: true)) == recipient)
        #expect(shown(ReturnDetail(viewer: .customer(.link), gift: true)) == recipient)
    }

    @Test func aPostalCodeProofSeesNoAmountTrackingNumberCodeOrReasonGiftOrNot() {
        #expect(shown(ReturnDetail(viewer: .customer(.postalCode), gift: false)) == [])
        #expect(shown(ReturnDetail(viewer: .customer(.postalCode), gift: true)) == [])
    }
}
