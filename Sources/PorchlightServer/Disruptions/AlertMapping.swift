import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

// Mapping between the generated contract types and the Core models of disruption alerts.

extension AlertReason {
    init(_ reason: Components.Schemas.AlertReason) {
        self = switch reason {
        case .forgottenParcel: .forgottenParcel
        case .noScan: .noScan
        case .promiseAtRisk: .promiseAtRisk
        case .promiseBreached: .promiseBreached
        case .exception: .exception
        case .failedAttempt: .failedAttempt
        case .returnedToSender: .returnedToSender
        case .declaredDisruption: .declaredDisruption
        }
    }
}

extension Components.Schemas.AlertReason {
    init(_ reason: AlertReason) {
        self = switch reason {
        case .forgottenParcel: .forgottenParcel
        case .noScan: .noScan
        case .promiseAtRisk: .promiseAtRisk
        case .promiseBreached: .promiseBreached
        case .exception: .exception
        case .failedAttempt: .failedAttempt
        case .returnedToSender: .returnedToSender
        case .declaredDisruption: .declaredDisruption
        }
    }
}

extension AlertSeverity {
    init(_ severity: Components.Schemas.AlertSeverity) {
        self = switch severity {
        case .delay: .delay
        case .longDelay: .longDelay
        case .critical: .critical
        }
    }
}

extension Components.Schemas.AlertSeverity {
    init(_ severity: AlertSeverity) {
        self = switch severity {
        case .delay: .delay
        case .longDelay: .longDelay
        case .critical: .critical
        }
    }
}
