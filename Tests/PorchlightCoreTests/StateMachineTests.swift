import Foundation
import PorchlightCore
import Testing

/// Checks every pair of a machine's states against the moves its rules allow, spelled out here
/// apart from its table so that a change to either fails: an allowed move succeeds, any other is
/// a conflict (409) that names the state it was refused in, and leaves the state as it was.
private func checkEveryPair<State: StateMachine>(of _: State.Type, states: Int, allowed expected: Set<String>,
                                                 sourceLocation: SourceLocation = #_sourceLocation) {
    let pairs = State.allCases.flatMap { from in State.allCases.map { (from, $0) } }
    #expect(pairs.count == states * states, sourceLocation: sourceLocation)
    #expect(Set(pairs.filter { $0.0.canMove(to: $0.1) }.map { "\($0.0.name)>\($0.1.name)" }) == expected, sourceLocation: sourceLocation)
    for (from, to) in pairs {
        let move = "\(from.name)>\(to.name)"
        var state = from
        var refusal: DomainError?
        do throws(DomainError) { try state.move(to: to) } catch { refusal = error }
        if expected.contains(move) {
            #expect(refusal == nil && state == to, "\(move)", sourceLocation: sourceLocation)
        } else {
            #expect(refusal == .conflict("\(State.subject) is \(from.name); it cannot become \(to.name).") && state == from,
                    "\(move): \(String(describing: refusal))", sourceLocation: sourceLocation)
        }
    }
}

@Suite struct StateMachineTests {
    @Test func aReturnsDecisionIsTakenOnceAndOnlyAReturnNotDeclinedIsCalledOff() {
        checkEveryPair(of: ReturnDecision.self, states: 4, allowed: [
            "requested>approved", "requested>declined", "requested>cancelled", "approved>cancelled",
        ])
    }

    @Test func aReturnsItemsMoveWithTheirParcelUntilReceived() {
        checkEveryPair(of: ReturnLogistics.self, states: 6, allowed: [
            "not_required>in_transit",
            "awaiting>in_transit", "awaiting>lost", "awaiting>received", "awaiting>expired",
            "in_transit>awaiting", "in_transit>lost", "in_transit>received",
            "lost>awaiting", "lost>in_transit", "lost>received",
            "expired>awaiting", "expired>in_transit", "expired>lost",
        ])
    }

    @Test func aReturnsMoneyIsSettledOnceOrComesToNothing() {
        checkEveryPair(of: ReturnMoney.self, states: 7, allowed: [
            "pending>refunded", "pending>credited", "pending>exchanged", "pending>kept", "pending>reshipped", "pending>none",
            "none>pending",
        ])
    }

    @Test func aReviewIsModeratedAndAnEditSendsItBackToModeration() {
        checkEveryPair(of: ReviewStatus.self, states: 5, allowed: [
            "pending>published", "pending>rejected", "pending>spam",
            "published>hidden", "published>pending", "hidden>published", "hidden>pending",
        ])
    }

    @Test func aRemedyIsChosenOnceThenApplied() {
        checkEveryPair(of: RemedyRecord.Status.self, states: 4, allowed: ["offered>chosen", "offered>expired", "chosen>applied"])
    }

    @Test func anAlertOnlyEscalates() {
        checkEveryPair(of: AlertSeverity.self, states: 3, allowed: ["delay>long_delay", "delay>critical", "long_delay>critical"])
    }

    @Test func aWebhookEndpointIsDisabledForOneReasonUntilReEnabled() {
        checkEveryPair(of: WebhookEndpointState.self, states: 4, allowed: [
            "enabled>disabled (merchant)", "enabled>disabled (gone)", "enabled>disabled (failing)",
            "disabled (merchant)>enabled", "disabled (gone)>enabled", "disabled (failing)>enabled",
        ])
    }
}
