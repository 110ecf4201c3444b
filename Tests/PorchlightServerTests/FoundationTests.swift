import Foundation
import HTTPTypes
import PorchlightAPI
import PorchlightCore
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
            let metrics = try await service.call(.get, "/metrics")
            #expect(metrics.text.contains(#"http_requests_total{method="GET",route="/openapi.yaml",status="200"}"#))
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
    /// Core enums and their generated twins must share every raw value (the mapping relies on it).
    @Test func everyCoreEnumCaseExistsInTheContract() {
        for status in OrderStatus.allCases { #expect(Components.Schemas.OrderStatus(rawValue: status.rawValue) != nil) }
        for status in TrackingStatus.allCases { #expect(Components.Schemas.TrackingStatus(rawValue: status.rawValue) != nil) }
        for status in TrackingStatus.allCases where status != .pending {
            #expect(Components.Schemas.TrackingEventStatus(rawValue: status.rawValue) != nil)
        }
        for substatus in TrackingSubstatus.allCases { #expect(Components.Schemas.TrackingSubstatus(rawValue: substatus.rawValue) != nil) }
        for channel in ChannelType.allCases { #expect(Components.Schemas.Channel._TypePayload(rawValue: channel.rawValue) != nil) }
        for reason in CancellationReason.allCases { #expect(Components.Schemas.CancellationReason(rawValue: reason.rawValue) != nil) }
        for day in Weekday.allCases { #expect(Components.Schemas.Weekday(rawValue: day.rawValue) != nil) }
        for basis in EstimateBasis.allCases { #expect(Components.Schemas.EstimateBasis(rawValue: basis.rawValue) != nil) }
        for type in EventType.allCases { #expect(Components.Schemas.EventType(rawValue: type.rawValue) != nil) }
    }
}
