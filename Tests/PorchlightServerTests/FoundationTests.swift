import Foundation
import HTTPTypes
import PorchlightAPI
import PorchlightCore
@testable import PorchlightServer
import Testing

@Suite struct OperationsTests {
    @Test func healthMetricsAndTheSpecAreServedWithoutAuthentication() async throws {
        try await withService { service in
            #expect(try await service.call(.get, "/health/live").status == .ok)
            let ready = try await service.call(.get, "/health/ready")
            #expect(ready.status == .ok)
            #expect(ready["status"] as? String == "ok")
            let spec = try await service.call(.get, "/openapi.yaml")
            #expect(spec.status == .ok)
            #expect(spec.text.hasPrefix("openapi: 3.1.0"))
            let metrics = try await service.call(.get, "/metrics", key: testMetricsToken)
            #expect(metrics.text.contains(#"http_requests_total{method="GET",route="/openapi.yaml",status="200"}"#))
            #expect(metrics.text.contains(#"db_connection_wait_seconds_count{pool="api"}"#))
            #expect(metrics.text.contains(#"db_connection_timeouts_total{pool="api"} 0"#))
        }
    }

    @Test func aRequestIdIsEchoedOrMadeUp() async throws {
        try await withService { service in
            let given = try await service.call(.get, "/health/live", headers: [.init("X-Request-Id")!: "abc-123"])
            #expect(given.headers[.init("X-Request-Id")!] == "abc-123")
            let made = try await service.call(.get, "/health/live", headers: [.init("X-Request-Id")!: "bad id with spaces"])
            #expect(made.headers[.init("X-Request-Id")!].map { UUID(uuidString: $0) != nil } == true)
        }
    }

    @Test func unknownRoutesAndMethodsAnswerProblems() async throws {
        try await withService { service in
            let unknown = try await service.call(.get, "/v1/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(unknown.isProblem)
            #expect(unknown["request_id"] as? String != nil)
            let wrongMethod = try await service.call(.delete, "/v1/orders")
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.isProblem)
            #expect(wrongMethod.headers[.allow] == "GET, POST")
            let wrongMethodWithID = try await service.call(.put, "/v1/orders/\(UUID())")
            #expect(wrongMethodWithID.status == .methodNotAllowed)
            #expect(wrongMethodWithID.headers[.allow] == "GET")
            let spelledOut = try await service.call(.get, "/v1/returns/quotes")
            #expect(spelledOut.status == .methodNotAllowed && spelledOut.headers[.allow] == "POST", "a spelled-out segment wins over a parameter")
        }
    }
}

@Suite struct AuthenticationTests {
    @Test func missingOrUnknownKeysAre401WithAChallenge() async throws {
        try await withService { service in
            let missing = try await service.call(.get, "/v1/orders")
            #expect(missing.status == .unauthorized)
            #expect(missing.isProblem)
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
            let unknown = try await service.call(.get, "/v1/orders", key: "pl_not-a-real-key")
            #expect(unknown.status == .unauthorized)
            let forgedToken = try await service.call(.get, "/v1/orders/\(UUID())", key: "pct_e30.c2ln")
            #expect(forgedToken.status == .unauthorized)
        }
    }

    @Test func aKeyWithoutTheScopeIs403() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let lookupOnly = try await lookupOnlyKey(for: merchant)
            let reply = try await service.call(.post, "/v1/orders", key: lookupOnly, json: sampleOrder())
            #expect(reply.status == .forbidden)
            #expect(reply.isProblem)
            #expect((reply["detail"] as? String)?.contains("orders:write") == true)
        }
    }
}

@Suite struct ContractMappingTests {
    /// Each conversion maps every case to the twin with the same wire value, and back to itself.
    @Test func everyCoreEnumCaseMapsToItsContractTwinAndBack() {
        expectTwins(Components.Schemas.OrderStatus.init, OrderStatus.init)
        expectTwins(Components.Schemas.Channel._TypePayload.init, ChannelType.init)
        expectTwins(Components.Schemas.Weekday.init, Weekday.init)
        expectTwins(Components.Schemas.EventType.init, EventType.init)
        expectTwins(Components.Schemas.CustomerProof.init, CustomerProof.init)
        expectTwins(Components.Schemas.CustomerViewField.init, CustomerViewField.init)
    }

    /// One-way conversions keep the wire value, and reach every case of the other side (Core builds the stored
    /// documents that are decoded as the contract, so a Core case the contract lacks would break reads).
    @Test func everyOneWayConversionKeepsTheWireValueAndCoversTheOtherSide() {
        expectOneWay(Components.Schemas.TrackingEventStatus.self, TrackingStatus.init, allBut: [.pending])
        expectOneWay(Components.Schemas.TrackingSubstatus.self, TrackingSubstatus.init)
        expectOneWay(Components.Schemas.CancellationReason.self, CancellationReason.init)
        expectOneWay(EstimateBasis.self, Components.Schemas.EstimateBasis.init)
    }

    /// Core builds the stored order documents that are decoded as the contract's `Order`, so a shipment's
    /// status has no conversion: the raw values themselves must agree.
    /// The contract enumerates the ISO codes that Core's validator accepts: no more, no fewer.
    @Test func contractAndCoreAcceptTheSameCountriesAndCurrencies() {
        #expect(Components.Schemas.CountryCode.allCases.map(\.rawValue) == ISOCodes.countries)
        #expect(Components.Schemas.CurrencyCode.allCases.map(\.rawValue) == ISOCodes.currencies)
        #expect(ISOCodes.countries.count == 249)
    }

    @Test func coreAndContractTrackingStatusesShareEveryWireValue() {
        #expect(Set(TrackingStatus.allCases.map(\.rawValue)) == Set(Components.Schemas.TrackingStatus.allCases.map(\.rawValue)))
    }

    private func expectTwins<Contract: CaseIterable & RawRepresentable<String> & Equatable, Core: CaseIterable & RawRepresentable<String> & Equatable>(
        _ toContract: (Core) -> Contract, _ toCore: (Contract) -> Core, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(Core.allCases.map { toContract($0).rawValue } == Core.allCases.map(\.rawValue), sourceLocation: sourceLocation)
        #expect(Contract.allCases.map { toCore($0).rawValue } == Contract.allCases.map(\.rawValue), sourceLocation: sourceLocation)
        #expect(Core.allCases.map { toCore(toContract($0)) } == Array(Core.allCases), sourceLocation: sourceLocation)
        #expect(Contract.allCases.map { toContract(toCore($0)) } == Array(Contract.allCases), sourceLocation: sourceLocation)
    }

    private func expectOneWay<From: CaseIterable & RawRepresentable<String>, To: CaseIterable & RawRepresentable<String> & Hashable>(
        _: From.Type, _ convert: (From) -> To, allBut missing: Set<To> = [], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(From.allCases.map { convert($0).rawValue } == From.allCases.map(\.rawValue), sourceLocation: sourceLocation)
        #expect(Set(From.allCases.map(convert)) == Set(To.allCases).subtracting(missing), sourceLocation: sourceLocation)
    }
}
