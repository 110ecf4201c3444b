import Foundation
import PorchlightCore
import Testing

private let now = Date(timeIntervalSince1970: 1_763_900_000)

private func draft(
    orderNumber: String = "1001", email: String = "ana@example.com", country: String = "RO", currency: String = "EUR",
    lines: [OrderLineDraft] = [OrderLineDraft(sku: "A", name: "Tee", quantity: 1, unitPrice: 100, category: nil, imageUrl: nil, productUrl: nil, finalSale: false)],
    placedAt: Date = now, metadata: String = "{}"
) -> OrderDraft {
    OrderDraft(
        orderNumber: orderNumber, channel: Channel(type: .web, name: nil),
        customer: Customer(email: email, phone: nil, name: nil, locale: nil),
        destination: Address(name: nil, line1: "Main St 1", line2: nil, city: "Bucharest", region: nil, postalCode: "010011", country: country),
        placedAt: placedAt, currency: currency, lines: lines, metadataJSON: metadata)
}

private func fields(_ draft: OrderDraft) -> [String] {
    do {
        try draft.validate(now: now)
        return []
    } catch {
        guard case .validation(let errors) = error else { return ["unexpected \(error)"] }
        return errors.map(\.field)
    }
}

@Suite struct OrderDraftValidationTests {
    @Test func aGoodOrderPasses() {
        #expect(fields(draft()).isEmpty)
    }

    @Test func everyInvalidFieldIsReportedAtOnce() {
        #expect(fields(draft(email: "not-an-email", country: "XX", currency: "EURO")) == ["customer.email", "destination.country", "currency"])
    }

    @Test func emailIsStoredLowerCased() {
        #expect(draft(email: "Ana@Example.COM").customer.email == "ana@example.com")
    }

    @Test func linesMustBeUniqueAndWithinLimits() {
        let line = OrderLineDraft(sku: "A", name: "Tee", quantity: 0, unitPrice: -1, category: nil, imageUrl: "ftp://x", productUrl: nil, finalSale: false)
        #expect(fields(draft(lines: [line, line])) == [
            "lines[0].quantity", "lines[0].unit_price", "lines[0].image_url",
            "lines[1].sku", "lines[1].quantity", "lines[1].unit_price", "lines[1].image_url",
        ])
        #expect(fields(draft(lines: [])) == ["lines"])
    }

    @Test func textThatPostgreSQLCannotStoreIsRejected() {
        #expect(fields(draft(orderNumber: "A\u{0}B")) == ["order_number"])
        #expect(fields(draft(metadata: #"{"a":"\u0000"}"#)) == ["metadata"])
        #expect(fields(draft(orderNumber: "has space")) == ["order_number"])
    }

    @Test func placedAtMustBePlausible() {
        #expect(fields(draft(placedAt: now.addingTimeInterval(3 * 86_400))) == ["placed_at"])
        #expect(fields(draft(placedAt: Date(timeIntervalSince1970: 0))) == ["placed_at"])
    }

    @Test func lengthsCountCodePointsNotBytes() {
        #expect(fields(draft(orderNumber: String(repeating: "ț", count: 64))).isEmpty)
        #expect(fields(draft(orderNumber: String(repeating: "ț", count: 65))) == ["order_number"])
    }
}

@Suite struct TrackingEventDraftTests {
    /// A pick-up scan in Cluj, built anew at each call.
    static func pickUp() -> TrackingEventDraft {
        TrackingEventDraft(status: .inTransit, substatus: nil, carrierStatusCode: "PU", carrierStatusText: nil,
                           location: EventLocation(city: "Cluj", region: nil, postalCode: nil, country: "RO"),
                           occurredAt: now, carrierEventId: nil)
    }
    let event = pickUp()

    @Test func theCarrierIdIdentifiesAnEventWhenGiven() {
        var withID = event
        withID.carrierEventId = "e-1"
        var sameIDOtherTime = withID
        sameIDOtherTime.occurredAt = now.addingTimeInterval(60)
        #expect(withID.deduplicationKey == sameIDOtherTime.deduplicationKey)
    }

    @Test func withoutACarrierIdTheContentIdentifiesAnEvent() {
        var later = event
        later.occurredAt = now.addingTimeInterval(1)
        #expect(event.deduplicationKey == Self.pickUp().deduplicationKey)
        #expect(event.deduplicationKey != later.deduplicationKey)
    }

    @Test func batchesAreBoundedAndPendingIsNotACarrierStatus() {
        var pending = event
        pending.status = .pending
        #expect(throws: DomainError.self) { try TrackingEventDraft.validate(batch: [pending], now: now) }
        #expect(throws: DomainError.self) { try TrackingEventDraft.validate(batch: [], now: now) }
        #expect(throws: Never.self) { try TrackingEventDraft.validate(batch: [event], now: now) }
    }
}

@Suite struct FormatTests {
    @Test func everyRFC3339DateTimeIsReadAndNothingElse() {
        let noon = Date(timeIntervalSince1970: 1_795_694_400) // 2026-11-26T12:00:00Z
        #expect(APITime.instant("2026-11-26T12:00:00Z") == noon)
        #expect(APITime.instant("2026-11-26t12:00:00z") == noon)
        #expect(APITime.instant("2026-11-26T14:00:00+02:00") == noon)
        #expect(APITime.instant("2026-11-25T12:05:00-23:55") == noon)
        #expect(APITime.instant("2026-11-27T11:59:00+23:59") == noon)
        #expect(APITime.instant("2026-11-26T12:00:00.250Z") == noon.addingTimeInterval(0.25))
        #expect(APITime.instant("2026-11-26T11:59:60Z") == noon)
        #expect(APITime.instant("0000-01-01T00:00:00Z") == Date(timeIntervalSince1970: -62_167_219_200))
        #expect(APITime.instant("2024-02-29T00:00:00Z") != nil)
        for text in ["2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T12:00:00",
                     "2026-11-26T12:00:00+24:00", "2026-11-26T12:00:00+0200", "2026-11-26 12:00:00Z", "2026-11-26T12:00:00.Z",
                     "2026-+1-26T12:00:00Z", "yesterday", "2026-11-26T12:00:00Zjunk", ""] {
            #expect(APITime.instant(text) == nil, "\(text)")
        }
        #expect(APITime.text(noon) == "2026-11-26T12:00:00.000Z")
    }

    @Test func postalCodesAreTwoToTenLettersAndDigitsWithSpacesAndDashes() {
        for good in ["400001", "SW1A 1AA", "010-011", " 12 ", "AB"] { #expect(Formats.isPostalCode(good), "\(good)") }
        for bad in ["4", "12345678901", "40\t001", "40_001", "4ö0001", "--", ""] { #expect(!Formats.isPostalCode(bad), "\(bad)") }
    }

    @Test func postalCodesCompareWithoutSpacesDashesOrCase() {
        #expect(Formats.normalizedPostalCode("sw1a 1aa") == "SW1A1AA")
        #expect(Formats.normalizedPostalCode("010-011") == "010011")
    }

    @Test func phoneNumbersAreE164() {
        #expect(Formats.isPhoneNumber("+40712345678"))
        #expect(!Formats.isPhoneNumber("0712345678"))
        #expect(!Formats.isPhoneNumber("+0712345678"))
    }

    @Test func knownCountriesAndCurrencies() {
        #expect(Formats.countryCodes.contains("RO") && Formats.countryCodes.contains("ID"))
        #expect(Formats.currencyCodes.contains("RON") && Formats.currencyCodes.contains("IDR"))
    }
}

@Suite struct CustomerPrivacyTests {
    @Test func streetsKeepFirstLettersNumbersAndAbbreviations() {
        #expect(Masking.street("Str. Lipscani 12") == "Str. L••••• 12")
        #expect(Masking.street("Strada Lipscani 12") == "S••••• L••••• 12")
        #expect(Masking.street("1600 Amphitheatre Parkway") == "1600 A••••• P•••••")
        #expect(Masking.street("Bd. Unirii 3A, bl. 4") == "Bd. U••••• 3A, bl. 4")
    }

    @Test func phonesKeepThePlusAndTheLastThreeDigits() {
        #expect(Masking.phone("+40712345678") == "+••••••••678")
        #expect(Masking.phone("+123") == "+123")
    }

    @Test func theEmailAndALinkProveMoreThanThePostalCode() {
        #expect(CustomerProof.email.satisfies(.postalCode))
        #expect(CustomerProof.link.satisfies(.email))
        #expect(!CustomerProof.postalCode.satisfies(.email))
        #expect(OrderLookup(orderNumber: "1", email: "a@b.co", postalCode: "1").proof(emailMatched: false) == .postalCode)
    }

    @Test func aSubjectAtItsLimitIsRefusedUntilItsWindowEnds() throws {
        let lookup = OrderLookup(orderNumber: "1001", email: nil, postalCode: "030031")
        let client = try #require(IPAddress(parsing: "203.0.113.9"))
        let subjects = LookupThrottle.subjects(of: lookup, clientAddress: client)
        #expect(subjects.map(\.key) == ["order:1001", "address:203.0.113.9"])
        // The counts include this attempt: the 5th for the order number and the 10th from the address still go ahead.
        #expect(LookupThrottle.refusal(of: subjects, counts: [.init(key: "order:1001", misses: 5, secondsLeft: 60),
                                                             .init(key: "address:203.0.113.9", misses: 10, secondsLeft: 60)]) == nil)
        let refused = try #require(LookupThrottle.refusal(of: subjects, counts: [.init(key: "address:203.0.113.9", misses: 11, secondsLeft: 0)]))
        #expect(refused.subject == .clientAddress(client))
        guard case .tooManyRequests(_, let retryAfter) = refused.error else { Issue.record("\(refused.error)"); return }
        #expect(retryAfter == 1)
        #expect(LookupThrottle.subjects(of: lookup, clientAddress: nil).count == 1)
    }

    @Test func anIPv6ClientCountsByItsSlash64AndAMappedIPv4AsIPv4() throws {
        let one = LookupThrottle.Subject.clientAddress(try #require(IPAddress(parsing: "2001:db8:1:2:aaaa::1")))
        let sameLine = LookupThrottle.Subject.clientAddress(try #require(IPAddress(parsing: "2001:db8:1:2:bbbb::9")))
        let otherLine = LookupThrottle.Subject.clientAddress(try #require(IPAddress(parsing: "2001:db8:1:3::1")))
        #expect(one.key == "address:2001:db8:1:2:0:0:0:0/64")
        #expect(one.key == sameLine.key && one.key != otherLine.key)
        #expect(LookupThrottle.Subject.clientAddress(try #require(IPAddress(parsing: "::ffff:198.51.100.7"))).key == "address:198.51.100.7")
    }

    @Test func aLookupPostalCodeMustLookLikeOne() {
        #expect(throws: DomainError.self) { try OrderLookup(orderNumber: "1", email: "wrong@example.com", postalCode: "-").validate() }
        #expect(throws: Never.self) { try OrderLookup(orderNumber: "1", email: nil, postalCode: "030 031").validate() }
    }

    @Test func customerLinksLastThirtyDaysUnlessToldAndAtMostNinety() throws {
        #expect(try CustomerLink.lifetime(days: nil) == .seconds(30 * 86_400))
        #expect(try CustomerLink.lifetime(days: 90) == .seconds(90 * 86_400))
        #expect(throws: DomainError.self) { try CustomerLink.lifetime(days: 91) }
        #expect(throws: DomainError.self) { try CustomerLink.lifetime(days: 0) }
    }

    @Test func aPostalCodeProofNeverSeesTrackingNumbersOrTheCarriersWords() {
        let postal = ShipmentDetail(proof: .postalCode, hiding: [])
        #expect(!postal.trackingNumbers && !postal.eventDescriptions && postal.eventLocations)
        let email = ShipmentDetail(proof: .email, hiding: [])
        #expect(email.trackingNumbers && email.eventDescriptions && email.eventLocations)
        let hidden = ShipmentDetail(proof: .link, hiding: [.trackingNumbers, .eventLocations])
        #expect(!hidden.trackingNumbers && hidden.eventDescriptions && !hidden.eventLocations)
    }
}

@Suite struct ConnectionBudgetTests {
    @Test func replicasThatCouldOpenMoreConnectionsThanPostgreSQLTakesAreWarnedAbout() throws {
        #expect(ConnectionBudget(replicas: 3, poolSize: 20, dispatcherPoolSize: 3).warning(maxConnections: 100, reserved: 3) == nil)
        let warning = try #require(ConnectionBudget(replicas: 5, poolSize: 20, dispatcherPoolSize: 3).warning(maxConnections: 100, reserved: 3))
        #expect(warning.contains("= 115 connections") && warning.contains("takes 97"), "\(warning)")
        #expect(warning.contains("DATABASE_POOL_SIZE to at most 16"), "\(warning)")
    }
}
