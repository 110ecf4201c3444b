import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

// Mapping between the generated contract types and the Core models of remedies.

extension RemedyRules {
    init(_ rules: Components.Schemas.RemedyRules) {
        self.init(rules: rules.rules.map { rule in
            RemedyRule(reasons: (rule.reasons ?? []).map(AlertReason.init), minSeverity: rule.minSeverity.map(AlertSeverity.init) ?? .delay,
                       minDelayDays: rule.minDelayDays ?? 0, minOrderValue: rule.minOrderValue ?? 0,
                       offers: rule.offers.map(RemedyOption.init), validDays: rule.validDays ?? 14)
        })
    }
}

extension Components.Schemas.RemedyRules {
    init(_ rules: RemedyRules) {
        self.init(rules: rules.rules.map { rule in
            .init(reasons: rule.reasons.map(Components.Schemas.AlertReason.init), minSeverity: .init(rule.minSeverity),
                  minDelayDays: rule.minDelayDays, minOrderValue: rule.minOrderValue,
                  offers: rule.offers.map(Components.Schemas.RemedyOption.init), validDays: rule.validDays)
        })
    }
}

extension RemedyOption {
    init(_ option: Components.Schemas.RemedyOption) {
        self.init(kind: RemedyKind(option.kind), percent: option.percent)
    }
}

extension Components.Schemas.RemedyOption {
    init(_ option: RemedyOption) {
        self.init(kind: .init(option.kind), percent: option.percent)
    }
}

extension Components.Schemas.Remedy {
    init(_ remedy: RemedyRecord, now: Date) {
        self.init(id: remedy.id.apiText, alertId: remedy.alertID.apiText, offers: remedy.options.map(Components.Schemas.RemedyOption.init),
                  status: .init(remedy.status(at: now)), offeredAt: remedy.offeredAt, expiresAt: remedy.expiresAt,
                  choice: remedy.choice.map(Components.Schemas.RemedyOption.init), chosenAt: remedy.chosenAt, code: remedy.code,
                  appliedAt: remedy.appliedAt)
    }
}

extension Components.Schemas.Remedy.StatusPayload {
    init(_ status: RemedyRecord.Status) {
        self = switch status {
        case .offered: .offered
        case .chosen: .chosen
        case .applied: .applied
        case .expired: .expired
        }
    }
}

extension RemedyKind {
    init(_ kind: Components.Schemas.RemedyKind) {
        self = switch kind {
        case .discountCode: .discountCode
        case .discountPercent: .discountPercent
        case .freeShipping: .freeShipping
        case .shippingRefund: .shippingRefund
        case .reship: .reship
        case .cancelAndRefund: .cancelAndRefund
        }
    }
}

extension Components.Schemas.RemedyKind {
    init(_ kind: RemedyKind) {
        self = switch kind {
        case .discountCode: .discountCode
        case .discountPercent: .discountPercent
        case .freeShipping: .freeShipping
        case .shippingRefund: .shippingRefund
        case .reship: .reship
        case .cancelAndRefund: .cancelAndRefund
        }
    }
}
