import Foundation
import PorchlightCore
import Testing

private func policy(windowDays: Int = 30, _ change: (inout ReturnPolicy) -> Void = { _ in }) -> ReturnPolicy {
    var policy = ReturnPolicy.standard
    policy.windowDays = windowDays
    policy.timeZone = bucharest
    policy.resolutions = Set(ReturnResolution.allCases)
    policy.methods = Set(ReturnMethod.allCases)
    policy.keepItThreshold = 3000
    policy.inStoreLocations = ["BUC-1"]
    change(&policy)
    return policy
}

/// An order placed at `placedAt` of two TEE (apparel) and a MUG (final sale) in one shipment,
/// delivered at `deliveredAt`, or only handed to the carrier at `shippedAt`.
private func order(placedAt: String = "2026-11-18T10:00:00Z", deliveredAt: String? = nil, shippedAt: String? = nil,
                   cancelledTees: Int = 0) throws -> OrderRecord {
    var order = placedOrder(orderDraft(lines: [line(quantity: 2, category: "apparel"), line("MUG", unitPrice: 2990, category: "home", finalSale: true)],
                                       placedAt: instant(placedAt)))
    let scans = [shippedAt.map { scan(.inTransit, at: instant($0)) }, deliveredAt.map { scan(.delivered, at: instant($0)) }].compactMap { $0 }
    try order.ship([LineQuantity(sku: "TEE", quantity: 2 - cancelledTees), LineQuantity(sku: "MUG", quantity: 1)], carrier: "fan_courier",
                   trackingNumber: "FC1", at: instant(placedAt), scans: scans)
    if let last = scans.map(\.occurredAt).max() { order.settle(now: last) }
    return order
}

private func tee(_ lines: [LineEligibility]) throws -> LineEligibility { try #require(lines.first { $0.sku == "TEE" }) }

@Suite struct ReturnRulesTests {
    @Test func theWindowEndsAtTheEndOfItsLastDayInTheMerchantsTimeZone() throws {
        // 22:30 UTC on 20 November is 00:30 on 21 November in Bucharest: the window counts from the 21st.
        let delivered = try order(deliveredAt: "2026-11-20T22:30:00Z")
        let open = try tee(ReturnEligibility.lines(of: delivered, policy: policy(), now: instant("2026-12-21T21:59:59Z")))
        #expect(open.reason == nil && open.returnableQuantity == 2 && open.countedFrom == .delivery)
        #expect(open.lastDay == LocalDate("2026-12-21") && open.deadline == instant("2026-12-21T22:00:00Z"))
        let closed = try tee(ReturnEligibility.lines(of: delivered, policy: policy(), now: instant("2026-12-21T22:00:00Z")))
        #expect(closed.reason == .windowClosed && closed.returnableQuantity == 0 && closed.arrivedQuantity == 2)
        #expect(ReturnEligibilityMessage.sentence(closed, in: .en) == "The return window for this item closed at the end of Monday 21 December.")
        #expect(ReturnEligibilityMessage.sentence(open, in: .es) == "Puedes devolver este artículo hasta el lunes, 21 de diciembre.")
    }

    @Test func aHolidayOrderIsReturnableUntilTheExtendedDate() throws {
        let extended = policy { $0.holidayExtension = HolidayExtension(placedFrom: LocalDate("2026-11-15")!, placedThrough: LocalDate("2026-12-24")!,
                                                                        returnableThrough: LocalDate("2027-01-31")!) }
        let holiday = try tee(ReturnEligibility.lines(of: try order(deliveredAt: "2026-11-20T10:00:00Z"), policy: extended, now: instant("2027-01-31T21:59:59Z")))
        #expect(holiday.reason == nil && holiday.lastDay == LocalDate("2027-01-31") && holiday.countedFrom == .holidayExtension)
        // Placed the day before the range (in Bucharest: 23:30 UTC on the 13th is the 14th... so the 13th at 21:00 UTC).
        let before = try tee(ReturnEligibility.lines(of: try order(placedAt: "2026-11-14T21:59:00Z", deliveredAt: "2026-11-20T10:00:00Z"),
                                                     policy: extended, now: instant("2026-12-25T10:00:00Z")))
        #expect(before.reason == .windowClosed && before.lastDay == LocalDate("2026-12-20"))
        let first = try tee(ReturnEligibility.lines(of: try order(placedAt: "2026-11-14T22:00:00Z", deliveredAt: "2026-11-20T10:00:00Z"),
                                                    policy: extended, now: instant("2026-12-25T10:00:00Z")))
        #expect(first.reason == nil && first.countedFrom == .holidayExtension, "00:00 on the 15th in Bucharest is in the range")
    }

    @Test func finalSaleComesFromTheLineTheSKUListOrTheCategory() throws {
        let delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        let now = instant("2026-11-25T10:00:00Z")
        let lines = ReturnEligibility.lines(of: delivered, policy: policy(), now: now)
        #expect(lines.first { $0.sku == "MUG" }?.reason == .finalSale)
        #expect(try tee(lines).reason == nil)
        #expect(try tee(ReturnEligibility.lines(of: delivered, policy: policy { $0.finalSaleSKUs = ["TEE"] }, now: now)).reason == .finalSale)
        #expect(try tee(ReturnEligibility.lines(of: delivered, policy: policy { $0.finalSaleCategories = ["apparel"] }, now: now)).reason == .finalSale)
        #expect(ReturnEligibilityMessage.sentence(try tee(ReturnEligibility.lines(of: delivered, policy: policy { $0.finalSaleSKUs = ["TEE"] }, now: now)),
                                                  in: .ro) == "Acest produs a fost vândut fără drept de retur.")
    }

    @Test func everyEligibilitySentenceIsWrittenInEveryLanguage() throws {
        let line = try tee(ReturnEligibility.lines(of: try order(deliveredAt: "2026-11-20T22:30:00Z"), policy: policy(), now: instant("2026-11-25T10:00:00Z")))
        let reasons: [ReturnIneligibility?] = [nil] + ReturnIneligibility.allCases
        func sentences(in language: CustomerLanguage) -> [String] {
            reasons.map { reason in
                var line = line
                line.reason = reason
                return ReturnEligibilityMessage.sentence(line, in: language)
            }
        }
        let english = sentences(in: .en)
        for language in CustomerLanguage.allCases where language != .en {
            let written = sentences(in: language)
            #expect(Set(written).count == reasons.count, "\(language): every reason reads differently")
            for (sentence, reference) in zip(written, english) {
                #expect(sentence != reference && englishWords(in: sentence).isEmpty, "\(language): \(sentence)")
            }
            // Returnable until, and closed at the end of, the last day as the language writes it.
            let day = language.format(try #require(line.lastDay))
            #expect(written[0].contains(day) && written[2].contains(day), "\(language)")
        }
        let open = { (language: CustomerLanguage) in ReturnEligibilityMessage.sentence(line, in: language) }
        #expect(open(.de) == "Sie können diesen Artikel bis Montag, 21. Dezember zurückgeben.")
        #expect(open(.fr) == "Vous pouvez retourner cet article jusqu’au lundi 21 décembre.")
        #expect(open(.pl) == "Możesz zwrócić ten produkt do 21 grudnia.")
        #expect(open(.tr) == "Bu ürünü 21 Aralık Pazartesi gününe kadar iade edebilirsiniz.")
        #expect(open(.ptBR) == "Você pode devolver este item até segunda-feira, 21 de dezembro.")
    }

    @Test func anUnreportedDeliveryCountsFromHandOffPlusTheTransitBuffer() throws {
        let travelling = try order(shippedAt: "2026-11-20T10:00:00Z")
        let early = try tee(ReturnEligibility.lines(of: travelling, policy: policy(), now: instant("2026-11-26T21:59:59Z")))
        #expect(early.reason == .notDelivered && early.returnableQuantity == 0)
        #expect(ReturnEligibilityMessage.sentence(early, in: .zhHans) == "此商品送达后即可退货。")
        // Seven days after hand-off (27 November in Bucharest), the parcel is taken to have arrived.
        let assumed = try tee(ReturnEligibility.lines(of: travelling, policy: policy(), now: instant("2026-11-26T22:00:00Z")))
        #expect(assumed.reason == nil && assumed.countedFrom == .handOffPlusTransit && assumed.lastDay == LocalDate("2026-12-27"))
        let notShipped = try tee(ReturnEligibility.lines(of: try order(), policy: policy(), now: instant("2026-12-26T10:00:00Z")))
        #expect(notShipped.reason == .notDelivered)
    }

    @Test func returnedUnitsLeaveTheRest() throws {
        var delivered = try order(deliveredAt: "2026-11-20T10:00:00Z", cancelledTees: 0)
        let now = instant("2026-11-25T10:00:00Z")
        func returnOne(_ resolution: ReturnResolution) throws -> ReturnRecord {
            try delivered.openReturn([ReturnLineRequest(sku: "TEE", quantity: 1, reason: .defective, note: nil, exchangeFor: nil)],
                                     resolution: resolution, method: .returnless, gift: false, labelReference: nil,
                                     policy: ReturnPolicyVersion(version: 1, policy: policy(), effectiveAt: nil), by: .customer,
                                     id: UUID(), storeToken: "t", now: now)
        }
        let first = try returnOne(.refund)
        #expect(try tee(ReturnEligibility.lines(of: delivered, policy: policy(), now: now)).returnableQuantity == 1)
        _ = try returnOne(.storeCredit)
        let underWay = try tee(ReturnEligibility.lines(of: delivered, policy: policy(), now: now))
        #expect(underWay.reason == .returnOpen && underWay.returnableQuantity == 0)
        #expect(throws: DomainError.self) { try returnOne(.refund) }
        _ = try delivered.moveReturn(first.id, now: now) { try $0.settle(now: $1) }
        #expect(try tee(ReturnEligibility.lines(of: delivered, policy: policy(), now: now)).reason == .returnOpen, "one is still under way")
        _ = try delivered.moveReturn(delivered.returns[1].id, now: now) { try $0.settle(now: $1) }
        let all = try tee(ReturnEligibility.lines(of: delivered, policy: policy(), now: now))
        #expect(all.reason == .alreadyReturned && all.returnableQuantity == 0)
        let partial = try order(deliveredAt: "2026-11-20T10:00:00Z", cancelledTees: 1)
        #expect(try tee(ReturnEligibility.lines(of: partial, policy: policy(), now: now)).returnableQuantity == 1)
    }

    @Test func aQuoteTakesFeesAndPricesExchangesBothWays() throws {
        let delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        let now = instant("2026-11-25T10:00:00Z")
        let charged = policy { $0.restockingFeePercent = 10; $0.returnShippingFee = 1500; $0.freeExchangeShipping = true }
        func quote(_ lines: [ReturnLineRequest], _ resolution: ReturnResolution, _ method: ReturnMethod = .mail,
                   policy: ReturnPolicy = charged) throws(DomainError) -> ReturnQuote {
            try ReturnQuotes.quote(lines, resolution: resolution, method: method, gift: false, of: delivered, policy: policy,
                                   eligibility: ReturnEligibility.lines(of: delivered, policy: policy, now: now))
        }
        let two = ReturnLineRequest(sku: "TEE", quantity: 2, reason: .tooSmall, note: nil, exchangeFor: nil)
        let refund = try quote([two], .refund)
        #expect(refund.subtotal == 9980 && refund.restockingFee == 998 && refund.returnShippingFee == 1500 && refund.refundTotal == 7482)
        let credit = try quote([two], .storeCredit, .inStore)
        #expect(credit.restockingFee == 0 && credit.returnShippingFee == 0 && credit.storeCredit == 9980 && credit.refundTotal == nil)
        var dearer = two
        dearer.exchangeFor = ExchangeItem(sku: "TEE-L", unitPrice: 5490)
        let up = try quote([dearer], .exchange)
        #expect(up.exchangeDifference == 1000 && up.returnShippingFee == 0, "the customer pays 2 × 5.00 more; exchanges ship back free")
        var cheaper = two
        cheaper.exchangeFor = ExchangeItem(sku: "TEE-SALE", unitPrice: 3990)
        let noFreeShipping = policy { $0.returnShippingFee = 1500; $0.freeExchangeShipping = false }
        #expect(try quote([cheaper], .exchange, policy: noFreeShipping).exchangeDifference == -2000 + 1500)

        let one = ReturnLineRequest(sku: "TEE", quantity: 1, reason: .damaged, note: "Rasgada", exchangeFor: nil)
        #expect(try quote([one], .keepItem, .returnless, policy: policy { $0.keepItThreshold = 4990 }).refundTotal == 4990)
        #expect(throws: DomainError.validation([FieldError(field: "resolution", message: "keep_item is only for returns worth at most 3000 (this one: 4990)")])) {
            try quote([one], .keepItem, .returnless, policy: policy())
        }
        #expect(throws: DomainError.validation([FieldError(field: "method", message: "must be returnless when the customer keeps the item")])) {
            try quote([one], .keepItem, .mail, policy: policy { $0.keepItThreshold = 4990 })
        }
    }

    @Test func aGiftsLeftoverIsStoreCreditAndAbsurdInputIsRefusedNotOverflowed() throws {
        let delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        let now = instant("2026-11-25T10:00:00Z")
        let rules = policy()
        let eligibility = ReturnEligibility.lines(of: delivered, policy: rules, now: now)
        let cheaper = ReturnLineRequest(sku: "TEE", quantity: 2, reason: .tooLarge, note: nil, exchangeFor: ExchangeItem(sku: "TEE-S", unitPrice: 3990))
        let gift = try ReturnQuotes.quote([cheaper], resolution: .exchange, method: .inStore, gift: true, of: delivered, policy: rules, eligibility: eligibility)
        #expect(gift.exchangeDifference == 0 && gift.storeCredit == 2000, "never money back to the buyer")
        let huge = ReturnLineRequest(sku: "TEE", quantity: Int.max, reason: .other, note: nil, exchangeFor: ExchangeItem(sku: "X", unitPrice: Int.max))
        #expect(throws: DomainError.validation([FieldError(field: "lines[0].exchange_for.unit_price", message: "must be between 0 and 100000000")])) {
            try ReturnQuotes.quote([huge], resolution: .exchange, method: .mail, gift: false, of: delivered, policy: rules, eligibility: eligibility)
        }
        var many = huge
        many.exchangeFor = nil
        #expect(throws: DomainError.validation([FieldError(field: "lines[0].quantity", message: "must be between 1 and 2, the units that can still be returned")])) {
            try ReturnQuotes.quote([many], resolution: .refund, method: .mail, gift: false, of: delivered, policy: rules, eligibility: eligibility)
        }
    }

    @Test func aParcelInTroubleHasNotArrived() throws {
        var order = try order(shippedAt: "2026-11-20T10:00:00Z")
        let shipment = try #require(order.shipments.first?.id)
        _ = order.recordTracking([scan(.exception, at: instant("2026-11-21T10:00:00Z"))], shipment: shipment, now: instant("2026-11-21T10:00:00Z"),
                                 newID: UUID.init, estimator: { _ in nil })
        let line = try tee(ReturnEligibility.lines(of: order, policy: policy(), now: instant("2026-12-10T10:00:00Z")))
        #expect(line.reason == .notDelivered && line.arrivedQuantity == 0)
    }

    @Test func aQuoteRefusesWhatThePolicyOrTheOrderDoesNotAllow() throws {
        let delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        let now = instant("2026-11-25T10:00:00Z")
        let mailRefundsOnly = policy { $0.resolutions = [.refund]; $0.methods = [.mail] }
        let eligibility = ReturnEligibility.lines(of: delivered, policy: mailRefundsOnly, now: now)
        let lines = [ReturnLineRequest(sku: "TEE", quantity: 3, reason: .changedMind, note: nil, exchangeFor: nil),
                     ReturnLineRequest(sku: "MUG", quantity: 1, reason: .damaged, note: nil, exchangeFor: nil),
                     ReturnLineRequest(sku: "HAT", quantity: 1, reason: .other, note: nil, exchangeFor: ExchangeItem(sku: "CAP", unitPrice: 100))]
        #expect(throws: DomainError.validation([
            FieldError(field: "resolution", message: "is not one the return policy allows (refund)"),
            FieldError(field: "method", message: "is not one the return policy allows (mail)"),
            FieldError(field: "lines[0].exchange_for", message: "is required for an exchange"),
            FieldError(field: "lines[0].quantity", message: "must be between 1 and 2, the units that can still be returned"),
            FieldError(field: "lines[1].exchange_for", message: "is required for an exchange"),
            FieldError(field: "lines[1].sku", message: "cannot be returned: final_sale"),
            FieldError(field: "lines[2].sku", message: "is not a line of this order"),
        ])) {
            try ReturnQuotes.quote(lines, resolution: .exchange, method: .inStore, gift: false, of: delivered, policy: mailRefundsOnly, eligibility: eligibility)
        }
    }

    @Test func aPolicyIsCheckedAndAnOrderKeepsTheVersionItWasPlacedUnder() throws {
        #expect(throws: DomainError.validation([
            FieldError(field: "window_days", message: "must be between 1 and 365"),
            FieldError(field: "resolutions", message: "must allow at least one resolution"),
            FieldError(field: "in_store_locations", message: "must name a location when in_store is allowed"),
        ])) {
            try policy(windowDays: 0) { $0.resolutions = []; $0.inStoreLocations = [] }.validated()
        }
        let first = ReturnPolicyVersion(version: 1, policy: policy(windowDays: 30), effectiveAt: instant("2026-10-01T00:00:00Z"))
        let second = ReturnPolicyVersion(version: 2, policy: policy(windowDays: 14), effectiveAt: instant("2026-11-20T12:00:00Z"))
        #expect(ReturnPolicyVersion.inForce(at: instant("2026-11-20T11:59:59Z"), among: [first, second]).version == 1)
        #expect(ReturnPolicyVersion.inForce(at: instant("2026-11-20T12:00:00Z"), among: [first, second]).version == 2)
        #expect(ReturnPolicyVersion.inForce(at: instant("2026-01-01T00:00:00Z"), among: [first, second]).version == 1,
                "placed before any: the first, the merchant's own policy (the standard one was never the merchant's)")
        #expect(ReturnPolicyVersion.inForce(at: instant("2026-01-01T00:00:00Z"), among: []).version == 0, "no policy set: the standard one")
    }

    @Test func aRefundOrCreditItsFeesWouldTakeInFullIsRefused() throws {
        let delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        let now = instant("2026-11-25T10:00:00Z")
        // 10% of 49.90 and 44.92 to send it back: 49.91 of fees on a 49.90 tee.
        let dear = policy { $0.restockingFeePercent = 10; $0.returnShippingFee = 4492 }
        let one = ReturnLineRequest(sku: "TEE", quantity: 1, reason: .changedMind, note: nil, exchangeFor: nil)
        func quote(_ resolution: ReturnResolution, _ method: ReturnMethod, policy: ReturnPolicy = dear) throws(DomainError) -> ReturnQuote {
            try ReturnQuotes.quote([one], resolution: resolution, method: method, gift: false, of: delivered, policy: policy,
                                   eligibility: ReturnEligibility.lines(of: delivered, policy: policy, now: now))
        }
        #expect(throws: DomainError.validation([FieldError(field: "resolution",
            message: "leaves nothing to pay back: the fees (4991) take all of the 4990 the items were paid; choose another resolution or method")])) {
            try quote(.refund, .mail)
        }
        // Store credit has no restocking fee, but 49.90 of shipping takes the 49.90 all the same.
        #expect(throws: DomainError.validation([FieldError(field: "resolution",
            message: "leaves nothing to pay back: the fees (4990) take all of the 4990 the items were paid; choose another resolution or method")])) {
            try quote(.storeCredit, .mail, policy: policy { $0.returnShippingFee = 4990 })
        }
        #expect(try quote(.storeCredit, .mail).storeCredit == 4990 - 4492, "what is left is paid back")
        #expect(try quote(.refund, .returnless).refundTotal == 4990 - 499, "nothing travels back: no shipping fee")
        #expect(try quote(.refund, .mail, policy: policy()).refundTotal == 4990, "no fees: a free return is not refused")
    }

    @Test func theResolvedEventSaysWhatWasSettled() throws {
        var delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        let rules = policy { $0.restockingFeePercent = 10; $0.returnShippingFee = 500 }
        let record = try delivered.openReturn([ReturnLineRequest(sku: "TEE", quantity: 2, reason: .defective, note: nil, exchangeFor: nil)],
                                              resolution: .refund, method: .mail, gift: false, labelReference: nil,
                                              policy: ReturnPolicyVersion(version: 1, policy: rules, effectiveAt: nil), by: .customer,
                                              id: UUID(), storeToken: "t", now: instant("2026-11-25T10:00:00Z"))
        let opened = delivered
        _ = try delivered.moveReturn(record.id, now: instant("2026-11-27T10:00:00Z")) {
            try $0.receive([ReturnReceiptLine(sku: "TEE", received: 1, damaged: 0, missing: 1, disposition: .inspect, location: nil)], now: $1)
            try $0.settle(now: $1)
        }
        let events = OrderEvents.between(opened, delivered, context: .standard)
        #expect(events.map(\.type) == [.returnReceived, .returnResolved])
        func settlement(_ event: DomainEvent?) -> JSONValue? {
            guard case .object(let data)? = event?.data else { return nil }
            return data["settlement"]
        }
        // One tee came back: its price, less 10% and the shipping fee, went back to the card.
        #expect(settlement(events.last) == .object([
            "currency": .string("RON"), "subtotal": .integer(4990), "restocking_fee": .integer(499), "return_shipping_fee": .integer(500),
            "refund_total": .integer(4990 - 499 - 500),
        ]))
        #expect(settlement(events.first) == nil, "only the settlement says what was settled")
    }
}

@Suite struct ReturnStateTests {
    private func opened(_ resolution: ReturnResolution, _ method: ReturnMethod, approval: ReturnApproval = .automatic, gift: Bool = false,
                        exchange: ExchangeItem? = nil) throws -> ReturnRecord {
        var delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        var rules = policy { $0.keepItThreshold = 5000 }
        rules.approval = approval
        return try delivered.openReturn([ReturnLineRequest(sku: "TEE", quantity: 1, reason: .defective, note: nil, exchangeFor: exchange)],
                                        resolution: resolution, method: method, gift: gift, labelReference: nil,
                                        policy: ReturnPolicyVersion(version: 1, policy: rules, effectiveAt: nil), by: .customer,
                                        id: UUID(), storeToken: "token", now: instant("2026-11-25T10:00:00Z"))
    }

    @Test func eachStateMachineMovesOnlyForward() throws {
        let now = instant("2026-11-26T10:00:00Z")
        var refund = try opened(.refund, .mail)
        #expect(refund.decision == .approved && refund.logistics == .awaiting && refund.money == .pending && refund.storeToken == nil)
        #expect(throws: DomainError.conflict("A refund is settled once the items are received; the return is awaiting.")) { try refund.settle(now: now) }
        #expect(throws: DomainError.conflict("The return is approved; only a requested return can be declined.")) {
            try refund.decide(.declined, reason: "No", now: now)
        }
        #expect(throws: DomainError.validation([FieldError(field: "lines[0].received", message: "must be between 0 and 1"),
                                                FieldError(field: "lines[0].missing", message: "must be between 0 and 1")])) {
            try refund.receive([ReturnReceiptLine(sku: "TEE", received: Int.max, damaged: 0, missing: Int.max, disposition: .inspect, location: nil)],
                               now: now)
        }
        try refund.receive([ReturnReceiptLine(sku: "TEE", received: 1, damaged: 1, missing: 0, disposition: .inspect, location: nil)], now: now)
        #expect(refund.money == .pending && refund.unitsTakenBack(refund.lines[0]) == 1 && refund.isOpen)
        #expect(throws: DomainError.conflict("The return's items are received; it can no longer be cancelled.")) { try refund.cancel(reason: nil, by: .customer, now: now) }
        try refund.settle(now: now)
        #expect(refund.money == .refunded && !refund.isOpen)
        #expect(throws: DomainError.conflict("The return is settled already (refunded).")) { try refund.settle(now: now) }

        // Nothing travels back: settled at once, never received.
        var kept = try opened(.keepItem, .returnless)
        #expect(kept.logistics == .notRequired)
        #expect(throws: DomainError.conflict("Nothing travels back for this return (returnless).")) {
            try kept.receive([ReturnReceiptLine(sku: "TEE", received: 1, damaged: 0, missing: 0, disposition: .inspect, location: nil)], now: now)
        }
        try kept.settle(now: now)
        #expect(kept.money == .kept && kept.unitsTakenBack(kept.lines[0]) == 1)

        var requested = try opened(.storeCredit, .inStore, approval: .onRequest)
        #expect(requested.decision == .requested && requested.storeToken == "token" && requested.unitsTakenBack(requested.lines[0]) == 0)
        #expect(throws: DomainError.conflict("The return is requested; only an approved return is settled.")) { try requested.settle(now: now) }
        try requested.cancel(reason: "Kept it", by: .customer, now: now)
        #expect(requested.decision == .cancelled && requested.money == .none && !requested.isLive)
        #expect(throws: DomainError.conflict("The return is cancelled already.")) { try requested.cancel(reason: nil, by: .customer, now: now) }
    }

    @Test func whatWentMissingIsNotRefunded() throws {
        var delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        var rules = policy { $0.restockingFeePercent = 10; $0.returnShippingFee = 500 }
        rules.approval = .automatic
        var both = try delivered.openReturn([ReturnLineRequest(sku: "TEE", quantity: 2, reason: .defective, note: nil, exchangeFor: nil)],
                                            resolution: .refund, method: .mail, gift: false, labelReference: nil,
                                            policy: ReturnPolicyVersion(version: 1, policy: rules, effectiveAt: nil), by: .customer,
                                            id: UUID(), storeToken: "t", now: instant("2026-11-25T10:00:00Z"))
        #expect(both.quote.refundTotal == 9980 - 998 - 500)
        try both.receive([ReturnReceiptLine(sku: "TEE", received: 1, damaged: 0, missing: 1, disposition: .restock, location: "BUC-1")],
                         now: instant("2026-11-27T10:00:00Z"))
        #expect(both.quote.subtotal == 4990 && both.quote.restockingFee == 499 && both.quote.refundTotal == 4990 - 499 - 500)
        #expect(both.unitsTakenBack(both.lines[0]) == 1, "the missing unit is not taken back")
    }

    @Test func aGiftIsNeverRefundedToTheBuyer() throws {
        #expect(throws: DomainError.validation([FieldError(field: "resolution",
            message: "must be store_credit or exchange for a gift: a gift's recipient is never refunded to the buyer's payment")])) {
            try opened(.refund, .mail, gift: true)
        }
        #expect(try opened(.storeCredit, .mail, gift: true).gift)
    }

    @Test func eventsFollowTheMovesAndTheOrderDocumentShowsThem() throws {
        var delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        var rules = policy { $0.keepItThreshold = 5000 }
        rules.approval = .onRequest
        let opening = delivered
        let record = try delivered.openReturn([ReturnLineRequest(sku: "TEE", quantity: 1, reason: .defective, note: nil, exchangeFor: nil)],
                                              resolution: .refund, method: .mail, gift: false, labelReference: nil,
                                              policy: ReturnPolicyVersion(version: 1, policy: rules, effectiveAt: instant("2026-11-01T00:00:00Z")),
                                              by: .customer, id: UUID(), storeToken: "token", now: instant("2026-11-25T10:00:00Z"))
        #expect(OrderEvents.between(opening, delivered, context: .standard).map(\.type) == [.returnRequested])
        let requested = delivered
        _ = try delivered.moveReturn(record.id, now: instant("2026-11-26T10:00:00Z")) { try $0.decide(.approved, reason: nil, now: $1) }
        #expect(OrderEvents.between(requested, delivered, context: .standard).map(\.type) == [.returnApproved])
        let approved = delivered
        _ = try delivered.moveReturn(record.id, now: instant("2026-11-27T10:00:00Z")) {
            try $0.receive([ReturnReceiptLine(sku: "TEE", received: 1, damaged: 0, missing: 0, disposition: .restock, location: "BUC-1")], now: $1)
            try $0.settle(now: $1)
        }
        #expect(OrderEvents.between(approved, delivered, context: .standard).map(\.type) == [.returnReceived, .returnResolved])
        #expect(delivered.returnedQuantities == ["TEE": 1])
        let document = try OrderDocument(delivered, context: .standard).json()
        #expect(document.contains(#""returned_quantity":1"#) && document.contains(#""money":"refunded""#))
        let unknown = UUID()
        #expect(throws: DomainError.notFound("No return with id \(unknown.apiText).")) {
            try delivered.moveReturn(unknown, now: Date()) { try $0.settle(now: $1) }
        }
    }
}

@Suite struct ReturnParcelAndClaimTests {
    private let opening = instant("2026-11-25T10:00:00Z")

    /// The delivered order with a mail return of one tee, sent with a DHL label.
    private func mailReturn() throws -> (order: OrderRecord, id: UUID) {
        var delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        let record = try delivered.openReturn([ReturnLineRequest(sku: "TEE", quantity: 1, reason: .tooSmall, note: nil, exchangeFor: nil)],
                                              resolution: .refund, method: .mail, gift: false, labelReference: nil,
                                              parcel: ReturnParcel(carrier: "DHL", trackingNumber: "RET1"),
                                              policy: ReturnPolicyVersion(version: 1, policy: policy { $0.shipBackDays = 14 }, effectiveAt: nil),
                                              by: .customer, id: UUID(), storeToken: "t", now: opening)
        return (delivered, record.id)
    }

    private func lostScan(_ at: String) -> TrackingEventDraft {
        TrackingEventDraft(status: .exception, substatus: .lost, carrierStatusCode: "LOST", carrierStatusText: nil, location: nil,
                           occurredAt: instant(at), carrierEventId: "lost-\(at)")
    }

    @Test func theReturnParcelsScansMoveTheItemsAndALostParcelCanStillBeReceived() throws {
        var (order, id) = try mailReturn()
        var record = try #require(order.returns.first)
        #expect(record.parcel?.carrier == "dhl" && record.expiresAt == instant("2026-12-09T10:00:00Z"), "14 days from opening")
        let now = instant("2026-11-26T10:00:00Z")
        try record.recordParcelScans([scan(.infoReceived, at: instant("2026-11-26T08:00:00Z"))], now: now)
        #expect(record.logistics == .awaiting, "a label printed is not a parcel handed over")
        try record.recordParcelScans([scan(.infoReceived, at: instant("2026-11-26T08:00:00Z")), scan(.inTransit, at: instant("2026-11-26T09:00:00Z"))], now: now)
        #expect(record.parcel?.scans.count == 2, "the repeated scan is ignored")
        #expect(record.logistics == .inTransit && record.expiresAt == nil, "a parcel on its way no longer expires")
        var sentBack = record
        try sentBack.recordParcelScans([scan(.returnedToSender, at: instant("2026-11-27T09:00:00Z"))], now: now)
        #expect(sentBack.logistics == .awaiting, "back with the customer, who may send it again: not lost")
        #expect(throws: DomainError.conflict("A refund is settled once the items are received; the return is awaiting.")) { try sentBack.settle(now: now) }
        try record.recordParcelScans([lostScan("2026-11-28T09:00:00Z")], now: now)
        #expect(record.logistics == .lost)
        try record.receive([ReturnReceiptLine(sku: "TEE", received: 1, damaged: 0, missing: 0, disposition: .restock, location: "BUC-1")], now: now)
        try record.recordParcelScans([scan(.delivered, at: instant("2026-11-29T09:00:00Z"))], now: now)
        #expect(record.logistics == .received, "the merchant's count stands")

        // Through the order: the move is an event.
        let before = order
        _ = try order.moveReturn(id, now: now) { try $0.recordParcelScans([lostScan("2026-11-28T09:00:00Z")], now: $1) }
        #expect(OrderEvents.between(before, order, context: .standard).map(\.type) == [.returnLost])

        var untracked = try opened(.refund, .mail)
        #expect(throws: DomainError.conflict("The return has no parcel to track: give its carrier and tracking number when opening it.")) {
            try untracked.recordParcelScans([scan(.inTransit, at: instant("2026-11-26T09:00:00Z"))], now: now)
        }
    }

    @Test func aReturnWithNothingSentExpiresAtTheEndOfItsShipBackDaysAndFreesItsUnits() throws {
        var (order, id) = try mailReturn()
        let due = instant("2026-12-09T10:00:00Z")
        var record = try #require(order.returns.first)
        let early = try record.expireIfDue(now: due.addingTimeInterval(-1))
        #expect(!early && record.logistics == .awaiting)
        let before = order
        _ = try order.moveReturn(id, now: due) { record, now in
            let expired = try record.expireIfDue(now: now)
            #expect(expired)
        }
        record = order.returns[0]
        #expect(record.logistics == .expired && record.money == .none && !record.isLive && record.expiresAt == nil)
        let again = try record.expireIfDue(now: due)
        #expect(!again, "once")
        #expect(OrderEvents.between(before, order, context: .standard).map(\.type) == [.returnExpired])
        let tee = try #require(ReturnEligibility.lines(of: order, policy: policy(), now: due).first { $0.sku == "TEE" })
        #expect(tee.returnableQuantity == 2, "its unit can be returned again")
        #expect(throws: DomainError.conflict("The return expired: nothing was sent in time.")) {
            try order.moveReturn(id, now: due) {
                try $0.receive([ReturnReceiptLine(sku: "TEE", received: 1, damaged: 0, missing: 0, disposition: .inspect, location: nil)], now: $1)
            }
        }

        // An instant exchange was settled: it does not expire.
        var exchange = try opened(.exchange, .mail, exchange: ExchangeItem(sku: "TEE-L", unitPrice: 4990))
        try exchange.settle(now: opening)
        let exchangeExpired = try exchange.expireIfDue(now: instant("2027-06-01T00:00:00Z"))
        #expect(exchange.expiresAt == nil && !exchangeExpired)
    }

    @Test func aShipmentTheCarrierLostOrSentBackOpensOneClaimThatReshipsByDefault() throws {
        var lost = try order(shippedAt: "2026-11-19T10:00:00Z")
        let shipment = try #require(lost.shipments.first?.id)
        let now = instant("2026-11-22T10:00:00Z")
        let before = lost
        _ = lost.recordTracking([lostScan("2026-11-21T10:00:00Z")], shipment: shipment, now: now, newID: UUID.init, estimator: { _ in nil })
        _ = lost.recordTracking([lostScan("2026-11-22T09:00:00Z")], shipment: shipment, now: now, newID: UUID.init, estimator: { _ in nil })
        #expect(lost.returns.count == 1, "one claim per shipment")
        var claim = try #require(lost.returns.first)
        #expect(claim.kind == .lostParcel && claim.shipmentID == shipment && claim.resolution == .reship && claim.decision == .approved)
        #expect(claim.logistics == .notRequired && claim.lines.map(\.quantity) == [2, 1] && claim.quote.subtotal == 2 * 4990 + 2990)
        #expect(OrderEvents.between(before, lost, context: .standard).map(\.type).suffix(2) == [.returnRequested, .returnApproved])
        #expect(claim.unitsTakenBack(claim.lines[0]) == 0 && !ReturnRecord.holdsCustomerUnits(kind: claim.kind, decision: claim.decision, logistics: claim.logistics),
                "the customer never had them")
        #expect(throws: DomainError.conflict("This is the merchant's claim against the carrier; only the merchant can cancel it.")) {
            var cancelled = claim
            try cancelled.cancel(reason: nil, by: .customer, now: now)
        }
        #expect(throws: DomainError.validation([FieldError(field: "resolution", message: "must be reship, refund or store_credit for a claim")])) {
            try claim.settle(instead: .exchange, now: now)
        }
        var refunded = claim
        try refunded.settle(instead: .refund, now: now)
        #expect(refunded.money == .refunded && refunded.quote.refundTotal == 2 * 4990 + 2990)
        try claim.settle(now: now)
        #expect(claim.money == .reshipped && claim.quote.refundTotal == nil)

        // Sent back: the parcel is on its way to the merchant, and is received without a refund.
        var sentBack = try order(shippedAt: "2026-11-19T10:00:00Z")
        _ = sentBack.recordTracking([scan(.returnedToSender, at: instant("2026-11-24T10:00:00Z"))], shipment: try #require(sentBack.shipments.first?.id),
                                    now: now, newID: UUID.init, estimator: { _ in nil })
        var back = try #require(sentBack.returns.first)
        #expect(back.kind == .returnedToSender && back.logistics == .inTransit && back.method == .mail)
        try back.receive([ReturnReceiptLine(sku: "TEE", received: 2, damaged: 0, missing: 0, disposition: .restock, location: "BUC-1"),
                          ReturnReceiptLine(sku: "MUG", received: 1, damaged: 0, missing: 0, disposition: .restock, location: "BUC-1")], now: now)
        #expect(back.logistics == .received && back.money == .pending)

        // A customer's return settles as it was opened.
        var refund = try opened(.refund, .returnless)
        #expect(throws: DomainError.validation([FieldError(field: "resolution", message: "must be the return's own (refund): only a claim settles otherwise")])) {
            try refund.settle(instead: .storeCredit, now: now)
        }
    }

    @Test func aRequestedReturnsShipBackDaysStartAtApprovalAndLateScansReviveAnExpiredOne() throws {
        var delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        var rules = policy { $0.shipBackDays = 14 }
        rules.approval = .onRequest
        var record = try delivered.openReturn([ReturnLineRequest(sku: "TEE", quantity: 1, reason: .tooSmall, note: nil, exchangeFor: nil)],
                                              resolution: .refund, method: .mail, gift: false, labelReference: nil,
                                              parcel: ReturnParcel(carrier: "dhl", trackingNumber: "RET2"),
                                              policy: ReturnPolicyVersion(version: 1, policy: rules, effectiveAt: nil),
                                              by: .customer, id: UUID(), storeToken: "t", now: opening)
        #expect(record.expiresAt == nil, "waiting for the merchant never expires")
        let approvedAt = instant("2026-11-30T10:00:00Z")
        try record.decide(.approved, reason: nil, now: approvedAt)
        let due = instant("2026-12-14T10:00:00Z")
        #expect(record.expiresAt == due, "14 days from approval")
        let expired = try record.expireIfDue(now: due)
        #expect(expired)
        var late = record
        try late.recordParcelScans([scan(.inTransit, at: instant("2026-12-15T10:00:00Z"))], now: due)
        #expect(late.logistics == .expired && late.money == .none, "handed over after the deadline: it stays expired")
        // The carrier's scans came late, but the parcel was handed over in time: the return goes on.
        try record.recordParcelScans([scan(.inTransit, at: instant("2026-12-13T10:00:00Z"))], now: due)
        #expect(record.logistics == .inTransit && record.money == .pending && record.isOpen)
    }

    @Test func aClaimFollowsItsShipmentAndAReshipFreesTheUnitsToShipAgain() throws {
        var lost = try order(shippedAt: "2026-11-19T10:00:00Z")
        let shipment = try #require(lost.shipments.first?.id)
        let now = instant("2026-11-22T10:00:00Z")
        _ = lost.recordTracking([lostScan("2026-11-21T10:00:00Z")], shipment: shipment, now: now, newID: UUID.init, estimator: { _ in nil })
        var found = lost
        _ = found.recordTracking([scan(.delivered, at: instant("2026-11-22T09:00:00Z"))], shipment: shipment, now: now, newID: UUID.init, estimator: { _ in nil })
        #expect(found.returns.first?.decision == .cancelled && found.returns.first?.decisionReason == "The carrier delivered the parcel after all.")
        var back = lost
        _ = back.recordTracking([scan(.returnedToSender, at: instant("2026-11-22T09:00:00Z"))], shipment: shipment, now: now, newID: UUID.init, estimator: { _ in nil })
        #expect(back.returns.count == 1 && back.returns.first?.kind == .returnedToSender && back.returns.first?.logistics == .inTransit)

        #expect(throws: DomainError.self, "the lost units still count as shipped until the claim is settled") {
            try lost.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: nil, trackingNumber: "RESHIP", originLocation: nil,
                                               lines: [LineQuantity(sku: "TEE", quantity: 2)]), id: UUID(), now: now)
        }
        let claimID = try #require(lost.returns.first?.id)
        _ = try lost.moveReturn(claimID, now: now) { try $0.settle(now: $1) }
        let reship = UUID()
        try lost.addShipment(ShipmentDraft(carrier: "dhl", serviceLevel: nil, trackingNumber: "RESHIP", originLocation: nil,
                                           lines: [LineQuantity(sku: "TEE", quantity: 2), LineQuantity(sku: "MUG", quantity: 1)]), id: reship, now: now)
        _ = lost.recordTracking([scan(.delivered, at: instant("2026-11-24T09:00:00Z"))], shipment: reship, now: now, newID: UUID.init, estimator: { _ in nil })
        lost.settle(now: now)
        #expect(lost.status == .delivered, "the replaced parcel no longer holds the order in exception")
        #expect(lost.deliveredQuantities == ["TEE": 2, "MUG": 1])
    }

    @Test func noPolicyOffersReshipAndShipBackDaysAreBounded() throws {
        var rules = policy()
        rules.resolutions.insert(.reship)
        rules.shipBackDays = 0
        #expect(throws: DomainError.validation([FieldError(field: "ship_back_days", message: "must be between 1 and 365"),
                                                FieldError(field: "resolutions", message: "cannot include reship: it is for claims against the carrier")])) {
            try rules.validated()
        }
    }

    private func opened(_ resolution: ReturnResolution, _ method: ReturnMethod, exchange: ExchangeItem? = nil) throws -> ReturnRecord {
        var delivered = try order(deliveredAt: "2026-11-20T10:00:00Z")
        return try delivered.openReturn([ReturnLineRequest(sku: "TEE", quantity: 1, reason: .defective, note: nil, exchangeFor: exchange)],
                                        resolution: resolution, method: method, gift: false, labelReference: nil,
                                        policy: ReturnPolicyVersion(version: 1, policy: policy(), effectiveAt: nil), by: .customer,
                                        id: UUID(), storeToken: "t", now: opening)
    }
}

@Suite struct ReturnAnalyticsTests {
    private func units(_ sku: String, _ decision: ReturnDecision, _ reason: ReturnReason, _ units: Int, kind: ReturnKind = .customerReturn,
                       logistics: ReturnLogistics = .awaiting) -> ReturnAnalytics.ReturnedUnits {
        ReturnAnalytics.ReturnedUnits(sku: sku, kind: kind, decision: decision, logistics: logistics, reason: reason, units: units)
    }

    @Test func ratesCountOnlyReturnsThatHoldTheirUnits() {
        let analytics = ReturnAnalytics(
            sold: [("TEE", "apparel", 10), ("SOCK", "apparel", 10), ("MUG", "home", 5), ("BOOK", nil, 4)],
            returned: [units("TEE", .approved, .tooSmall, 2), units("TEE", .requested, .tooLarge, 1), units("TEE", .declined, .changedMind, 5),
                       units("MUG", .approved, .damaged, 1), units("SOCK", .cancelled, .other, 3), units("BOOK", .approved, .changedMind, 1),
                       units("SOCK", .approved, .other, 4, kind: .lostParcel), units("SOCK", .approved, .tooSmall, 2, logistics: .expired)])
        #expect(analytics.overall.unitsSold == 29 && analytics.overall.unitsReturned == 5 && analytics.overall.returnRate == 0.1724)
        #expect(analytics.overall.topReasons.map(\.reason) == [.tooSmall, .changedMind, .damaged])
        #expect(analytics.bySKU.map(\.sku) == ["TEE", "BOOK", "MUG"], "most units first, ties by SKU; SOCK's returns were cancelled, expired, or a claim")
        #expect(analytics.bySKU.first?.stats.returnRate == 0.3 && analytics.bySKU.first?.category == "apparel")
        #expect(analytics.byCategory.map(\.category) == ["apparel", "home"])
        #expect(analytics.byCategory.first?.stats.unitsSold == 20 && analytics.byCategory.first?.stats.returnRate == 0.15)
        let none = ReturnAnalytics(sold: [], returned: [])
        #expect(none.overall.returnRate == nil && none.bySKU.isEmpty)
    }
}
