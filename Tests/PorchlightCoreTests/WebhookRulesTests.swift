import Foundation
import PorchlightCore
import Testing

@Suite struct WebhookRetryPolicyTests {
    let policy = WebhookRetryPolicy.standard
    let now = Date(timeIntervalSince1970: 1_764_064_800)

    @Test func failuresFollowTheScheduleAndTheTenthIsFinal() {
        let expected: [TimeInterval] = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400]
        for (index, wait) in expected.enumerated() {
            let decision = policy.decide(.answered(status: 500, retryAfter: nil), attempt: index + 1, failingSince: now, now: now, random: 0.5)
            #expect(decision.status == .pending)
            #expect(decision.nextAttemptAt == now.addingTimeInterval(wait), "after attempt \(index + 1)")
        }
        #expect(expected.reduce(0, +) / 86_400 < 3.5)
        let last = policy.decide(.noAnswer("timed out"), attempt: 10, failingSince: now, now: now)
        #expect(last.status == .failed)
        #expect(last.nextAttemptAt == nil)
    }

    @Test func jitterStaysWithinTenPercent() {
        let early = policy.decide(.noAnswer("refused"), attempt: 2, failingSince: now, now: now, random: 0)
        let late = policy.decide(.noAnswer("refused"), attempt: 2, failingSince: now, now: now, random: 1)
        #expect(early.nextAttemptAt == now.addingTimeInterval(270))
        #expect(late.nextAttemptAt == now.addingTimeInterval(330))
    }

    @Test func successClearsTheFailureAndOnlyThen() {
        let recovered = policy.decide(.answered(status: 204, retryAfter: nil), attempt: 3, failingSince: now.addingTimeInterval(-60), now: now)
        #expect(recovered.status == .succeeded)
        #expect(recovered.failingSince == .some(nil))
        let steady = policy.decide(.answered(status: 200, retryAfter: nil), attempt: 1, failingSince: nil, now: now)
        #expect(steady.failingSince == nil)
        let firstFailure = policy.decide(.answered(status: 502, retryAfter: nil), attempt: 1, failingSince: nil, now: now)
        #expect(firstFailure.failingSince == .some(now))
        let again = policy.decide(.answered(status: 502, retryAfter: nil), attempt: 2, failingSince: now, now: now)
        #expect(again.failingSince == nil)
    }

    @Test func goneFailsTheDeliveryAndDisablesTheEndpoint() {
        let gone = policy.decide(.answered(status: 410, retryAfter: nil), attempt: 1, failingSince: nil, now: now)
        #expect(gone.status == .failed)
        #expect(gone.disable == .gone)
    }

    @Test func retryAfterIsHonouredOn429And503Only() {
        let throttled = policy.decide(.answered(status: 429, retryAfter: .seconds(120)), attempt: 1, failingSince: nil, now: now)
        #expect(throttled.nextAttemptAt == now.addingTimeInterval(120))
        let unavailable = policy.decide(.answered(status: 503, retryAfter: .seconds(7 * 86_400)), attempt: 1, failingSince: nil, now: now)
        #expect(unavailable.nextAttemptAt == now.addingTimeInterval(86_400))
        let ignored = policy.decide(.answered(status: 500, retryAfter: .seconds(120)), attempt: 1, failingSince: nil, now: now, random: 0.5)
        #expect(ignored.nextAttemptAt == now.addingTimeInterval(5))
        #expect(WebhookRetryPolicy.retryAfter("120", now: now) == .seconds(120))
        #expect(WebhookRetryPolicy.retryAfter("Tue, 25 Nov 2025 10:02:00 GMT", now: Date(timeIntervalSince1970: 1_764_064_800)) == .seconds(120))
        #expect(WebhookRetryPolicy.retryAfter("soon", now: now) == nil)
        #expect(WebhookRetryPolicy.retryAfter("-5", now: now) == nil)
    }

    @Test func aDisabledEndpointIsNotDisabledAgainAndItsTestMessagesFollowTheSchedule() {
        let longFailing = now.addingTimeInterval(-9 * 86_400)
        let test = policy.decide(.noAnswer("refused"), attempt: 1, failingSince: longFailing, endpointEnabled: false, now: now, random: 0.5)
        #expect(test.disable == nil)
        #expect(test.nextAttemptAt == now.addingTimeInterval(5))
        let gone = policy.decide(.answered(status: 410, retryAfter: nil), attempt: 1, failingSince: longFailing, endpointEnabled: false, now: now)
        #expect(gone.status == .failed)
        #expect(gone.disable == nil)
    }

    @Test func fiveDaysOfFailureWithoutASuccessDisablesTheEndpoint() {
        let four = policy.decide(.noAnswer("refused"), attempt: 1, failingSince: now.addingTimeInterval(-4 * 86_400), now: now)
        #expect(four.disable == nil)
        let five = policy.decide(.noAnswer("refused"), attempt: 1, failingSince: now.addingTimeInterval(-5 * 86_400), now: now)
        #expect(five.disable == .failing)
        #expect(five.status == .pending)  // it waits for the endpoint to be re-enabled
    }
}

@Suite struct WebhookAddressPolicyTests {
    let strict = WebhookAddressPolicy(allowLoopback: false)
    let local = WebhookAddressPolicy(allowLoopback: true)

    func refused(_ policy: WebhookAddressPolicy, _ url: String) -> Bool {
        if case .failure = policy.check(url: url) { return true }
        return false
    }

    @Test func publicHTTPSIsAccepted() {
        #expect(!refused(strict, "https://hooks.example.com/porchlight?x=1"))
        #expect(!refused(strict, "https://93.184.216.34/hook"))
        #expect(!refused(strict, "https://[2606:4700::1111]/hook"))
    }

    @Test func internalAddressesAndPlainHTTPAreRefused() {
        for url in ["http://hooks.example.com/", "https://127.0.0.1/", "https://localhost/", "https://api.localhost/", "https://10.0.0.8/",
                    "https://172.16.5.4/", "https://192.168.1.1/", "https://169.254.169.254/", "https://100.64.1.1/", "https://0.0.0.0/",
                    "https://224.0.0.1/", "https://[::1]/", "https://[::]/", "https://[fc00::1]/", "https://[fe80::1]/",
                    "https://[::ffff:127.0.0.1]/", "https://[::ffff:10.0.0.1]/", "https://[64:ff9b::a9fe:a9fe]/",
                    "https://[::10.0.0.1]/", "https://[64:ff9b:1::a00:1]/", "https://[2002:a9fe:a9fe::1]/",
                    "https://metadata.google.internal/", "https://printer.local/", "ftp://hooks.example.com/",
                    "https://user:secret@hooks.example.com/", "hooks.example.com/no-scheme"] {
            #expect(refused(strict, url), "\(url)")
        }
    }

    @Test func aURLMustBeASCIIAndIsOtherwiseNoAbsoluteURL() throws {
        for url in ["https://á¥/hook", "https://bücher.example/hook", "https://hooks.example.com/päth", "https://hooks.example.com/?q=…"] {
            let draft = WebhookEndpointDraft(url: url, description: nil, eventTypes: nil)
            let error = try #require(throws: DomainError.self, "\(url)") { try draft.validate(addresses: strict) }
            guard case .validation(let errors) = error else { Issue.record("\(url): \(error)"); continue }
            #expect(errors.map(\.field) == ["url"], "\(url)")
            #expect(errors.first?.message.hasPrefix("must be an absolute URL") == true, "\(url)")
        }
        #expect(!refused(strict, "https://xn--bcher-kva.example/hook"))
        #expect(!refused(strict, "https://hooks.example.com/p%C3%A4th"))
    }

    @Test func loopbackOverHTTPOnlyWhenAllowed() {
        #expect(!refused(local, "http://127.0.0.1:8099/hook"))
        #expect(!refused(local, "http://localhost:8099/hook"))
        #expect(!refused(local, "http://[::1]:8099/hook"))
        #expect(refused(local, "http://10.0.0.8/hook"))
        #expect(refused(local, "http://hooks.example.com/"))
    }

    @Test func resolvedAddressesAreClassified() throws {
        #expect(strict.check(try #require(IPAddress(parsing: "8.8.8.8"))) == nil)
        #expect(strict.check(try #require(IPAddress(parsing: "169.254.169.254")))?.message.contains("link-local") == true)
        #expect(strict.check(try #require(IPAddress(parsing: "127.0.0.53"))) != nil)
        #expect(local.check(try #require(IPAddress(parsing: "127.0.0.53"))) == nil)
        #expect(IPAddress(parsing: "hooks.example.com") == nil)
        #expect(try #require(IPAddress(parsing: "::1")).isLoopback)
        #expect(strict.check(try #require(IPAddress(parsing: "2002:5db8:d822::1"))) == nil)  // 6to4 of a public address
    }
}

@Suite struct WebhookMessageTests {
    let id = UUID(uuidString: "7C1E5A52-3F0B-4F7E-9A6A-1B2C3D4E5F60")!
    let at = Date(timeIntervalSince1970: 1_764_064_800)

    @Test func theBodyIsTypeTimestampAndDataWithTheFeedPosition() throws {
        let body = try WebhookMessage.body(eventID: id, type: "order.created", occurredAt: at,
                                           data: .object(["order_id": .string("o-1"), "status": .string("processing")]),
                                           sequence: 42, documentVersion: 3)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(json["type"] as? String == "order.created")
        #expect(json["timestamp"] as? String == "2025-11-25T10:00:00.000Z")
        let data = try #require(json["data"] as? [String: Any])
        #expect(data["event_id"] as? String == "7c1e5a52-3f0b-4f7e-9a6a-1b2c3d4e5f60")
        #expect(data["sequence"] as? Int == 42)
        #expect(data["document_version"] as? Int == 3)
        #expect(data["order_id"] as? String == "o-1")
        #expect(data["truncated"] == nil)
    }

    @Test func aBodyOverTwentyKilobytesKeepsTheCommonFieldsOnly() throws {
        let lines = JSONValue.array((0..<2_000).map { .object(["sku": .string("SKU-\($0)"), "quantity": .integer(1)]) })
        let body = try WebhookMessage.body(eventID: id, type: "order.cancelled", occurredAt: at,
                                           data: .object(["order_id": .string("o-1"), "order_number": .string("1001"),
                                                          "status": .string("cancelled"), "lines": lines]),
                                           sequence: 7, documentVersion: 2)
        #expect(body.utf8.count < WebhookMessage.maxBodyBytes)
        let data = try #require((try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["data"] as? [String: Any])
        #expect(data["truncated"] as? Bool == true)
        #expect(data["lines"] == nil)
        #expect(data["order_number"] as? String == "1001")
        #expect(data["sequence"] as? Int == 7)
    }

    @Test func secretsAreTwentyFourRandomBytes() throws {
        let one = WebhookSecret.generate(), two = WebhookSecret.generate()
        #expect(one != two)
        #expect(one.text.hasPrefix("whsec_"))
        #expect(one.key.count == 24)
        #expect(WebhookSecret(text: "whsec_not base64!") == nil)
        #expect(WebhookSecret(text: one.text) == one)
    }

    @Test func selectionsReadTheWildcardOrKnownTypes() {
        #expect(WebhookEventSelection(selectors: ["*"]) == .all)
        #expect(WebhookEventSelection(selectors: ["promise.at_risk", "order.created"])?.selectors == ["order.created", "promise.at_risk"])
        #expect(WebhookEventSelection(selectors: ["*", "order.created"]) == nil)
        #expect(WebhookEventSelection(selectors: ["order.exploded"]) == nil)
        #expect(WebhookEventSelection(selectors: []) == nil)
        #expect(WebhookEventSelection.only([.orderCreated]).includes(.orderCreated))
        #expect(!WebhookEventSelection.only([.orderCreated]).includes(.promiseAtRisk))
        let since = Date(timeIntervalSince1970: 1_764_064_800)
        let subscription = WebhookSubscription(selection: .all, since: since)
        #expect(subscription.includes(.orderCreated, at: since))
        #expect(!subscription.includes(.orderCreated, at: since.addingTimeInterval(-0.001)))
    }
}

@Suite struct WebhookEndpointChangeTests {
    let created = Date(timeIntervalSince1970: 1_764_000_000)
    let now = Date(timeIntervalSince1970: 1_764_064_800)

    func endpoint(disabled reason: WebhookDisabledReason?) -> WebhookEndpoint {
        WebhookEndpoint(id: UUID(), url: "https://hooks.example.com/", description: "", selection: .all, disabledReason: reason,
                        disabledAt: reason.map { _ in created }, failingSince: created, receivesSince: created, createdAt: created,
                        updatedAt: created)
    }

    @Test func reEnablingClearsTheFailureAndReceivesFromNow() throws {
        let enabled = try endpoint(disabled: .gone).changed(.init(url: nil, description: nil, selection: nil, enabled: true), now: now)
        #expect(enabled.enabled)
        #expect(enabled.disabledAt == nil)
        #expect(enabled.failingSince == nil)
        #expect(enabled.receivesSince == now)
    }

    @Test func disablingKeepsAnAutomaticReasonAndEnablingAnEnabledOneChangesNothing() throws {
        let stillGone = try endpoint(disabled: .gone).changed(.init(url: nil, description: nil, selection: nil, enabled: false), now: now)
        #expect(stillGone.disabledReason == .gone)
        #expect(stillGone.disabledAt == created)
        let paused = try endpoint(disabled: nil).changed(.init(url: nil, description: "paused", selection: nil, enabled: false), now: now)
        #expect(paused.disabledReason == .merchant)
        #expect(paused.disabledAt == now)
        #expect(paused.description == "paused")
        let same = try endpoint(disabled: nil).changed(.init(url: nil, description: nil, selection: .only([.orderCreated]), enabled: true), now: now)
        #expect(same.receivesSince == created)
        #expect(same.failingSince == created)
        #expect(same.selection == .only([.orderCreated]))
    }
}

