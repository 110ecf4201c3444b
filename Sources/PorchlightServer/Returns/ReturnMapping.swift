import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

// Mapping between the generated contract types and the Core models of the Returns capability.

extension ReturnPolicy {
    /// The policy a PUT sends; what it leaves out takes its default. Core checks the rest.
    init(_ input: Components.Schemas.ReturnPolicyInput) throws {
        guard let zone = TimeZone(identifier: input.timeZone) else {
            throw DomainError.validation([FieldError(field: "time_zone", message: "must be an IANA time zone such as Europe/Bucharest")])
        }
        let holiday = try input.holidayExtension.map { holiday in
            guard let from = LocalDate(holiday.placedFrom), let through = LocalDate(holiday.placedThrough),
                  let until = LocalDate(holiday.returnableThrough)
            else { throw DomainError.validation([FieldError(field: "holiday_extension", message: "must hold dates as YYYY-MM-DD")]) }
            return HolidayExtension(placedFrom: from, placedThrough: through, returnableThrough: until)
        }
        self.init(
            windowDays: input.windowDays, transitBufferDays: input.transitBufferDays ?? 7, timeZone: zone, holidayExtension: holiday,
            finalSaleSKUs: Set(input.finalSaleSkus ?? []), finalSaleCategories: Set(input.finalSaleCategories ?? []),
            resolutions: Set(input.resolutions.map(ReturnResolution.init)), methods: Set(input.methods.map(ReturnMethod.init)),
            restockingFeePercent: input.restockingFeePercent ?? 0, returnShippingFee: input.returnShippingFee ?? 0,
            freeExchangeShipping: input.freeExchangeShipping ?? true, keepItThreshold: input.keepItThreshold ?? 0,
            approval: input.approval.map(ReturnApproval.init) ?? .automatic,
            inStoreLocations: input.inStoreLocations ?? [], shipBackDays: input.shipBackDays ?? ReturnPolicy.standard.shipBackDays)
    }
}

extension Components.Schemas.ReturnPolicy {
    init(_ stored: ReturnPolicyVersion) {
        let policy = stored.policy
        self.init(
            version: stored.version, effectiveAt: stored.effectiveAt, windowDays: policy.windowDays, transitBufferDays: policy.transitBufferDays,
            timeZone: policy.timeZone.identifier,
            holidayExtension: policy.holidayExtension.map {
                .init(placedFrom: $0.placedFrom.description, placedThrough: $0.placedThrough.description, returnableThrough: $0.returnableThrough.description)
            },
            finalSaleSkus: policy.finalSaleSKUs.sorted(), finalSaleCategories: policy.finalSaleCategories.sorted(),
            resolutions: policy.resolutions.sorted { $0.rawValue < $1.rawValue }.map(Components.Schemas.ReturnResolution.init),
            methods: policy.methods.sorted { $0.rawValue < $1.rawValue }.map(Components.Schemas.ReturnMethod.init),
            restockingFeePercent: policy.restockingFeePercent, returnShippingFee: policy.returnShippingFee,
            freeExchangeShipping: policy.freeExchangeShipping, keepItThreshold: policy.keepItThreshold,
            approval: .init(policy.approval), inStoreLocations: policy.inStoreLocations,
            shipBackDays: policy.shipBackDays)
    }
}

extension ReturnResolution {
    init(_ resolution: Components.Schemas.ReturnResolution) {
        self = switch resolution {
        case .refund: .refund
        case .storeCredit: .storeCredit
        case .exchange: .exchange
        case .keepItem: .keepItem
        case .reship: .reship
        }
    }
}

extension ReturnResolution {
    init(_ resolution: Components.Schemas.ReturnOfferedResolution) {
        self = switch resolution {
        case .refund: .refund
        case .storeCredit: .storeCredit
        case .exchange: .exchange
        case .keepItem: .keepItem
        }
    }
}

extension Components.Schemas.ReturnResolution {
    init(_ resolution: ReturnResolution) {
        self = switch resolution {
        case .refund: .refund
        case .storeCredit: .storeCredit
        case .exchange: .exchange
        case .keepItem: .keepItem
        case .reship: .reship
        }
    }
}

extension ReturnMethod {
    init(_ method: Components.Schemas.ReturnMethod) {
        self = switch method {
        case .mail: .mail
        case .inStore: .inStore
        case .returnless: .returnless
        }
    }
}

extension Components.Schemas.ReturnMethod {
    init(_ method: ReturnMethod) {
        self = switch method {
        case .mail: .mail
        case .inStore: .inStore
        case .returnless: .returnless
        }
    }
}

extension Components.Schemas.ReturnIneligibility {
    init(_ reason: ReturnIneligibility) {
        self = switch reason {
        case .finalSale: .finalSale
        case .windowClosed: .windowClosed
        case .notDelivered: .notDelivered
        case .alreadyReturned: .alreadyReturned
        case .returnOpen: .returnOpen
        }
    }
}

extension Components.Schemas.ReturnDeadlineBasis {
    init(_ basis: ReturnDeadlineBasis) {
        self = switch basis {
        case .delivery: .delivery
        case .handOffPlusTransit: .handOffPlusTransit
        case .holidayExtension: .holidayExtension
        }
    }
}

extension ReturnReason {
    init(_ reason: Components.Schemas.ReturnReason) {
        self = switch reason {
        case .damaged: .damaged
        case .defective: .defective
        case .wrongItem: .wrongItem
        case .notAsDescribed: .notAsDescribed
        case .tooSmall: .tooSmall
        case .tooLarge: .tooLarge
        case .changedMind: .changedMind
        case .arrivedLate: .arrivedLate
        case .other: .other
        }
    }
}

extension ReturnLineRequest {
    init(_ line: Components.Schemas.ReturnLinesInputPayload) {
        self.init(sku: line.sku, quantity: line.quantity, reason: ReturnReason(line.reason), note: line.note,
                  exchangeFor: line.exchangeFor.map { ExchangeItem(sku: $0.sku, unitPrice: $0.unitPrice) })
    }
}

extension Components.Schemas.ReturnQuote {
    /// The quote, with the amounts `detail` allows (see `ReturnDetail`).
    init(_ quote: ReturnQuote, detail: ReturnDetail) {
        let paid = detail.pricesPaid
        self.init(
            currency: quote.currency, resolution: .init(quote.resolution), method: .init(quote.method),
            lines: quote.lines.map { line in
                paid ? .init(sku: line.sku, quantity: line.quantity, unitPrice: line.unitPrice, amount: line.amount, exchangeAmount: line.exchangeAmount)
                    : .init(sku: line.sku, quantity: line.quantity)
            },
            subtotal: paid ? quote.subtotal : nil, restockingFee: paid ? quote.restockingFee : nil,
            returnShippingFee: paid ? quote.returnShippingFee : nil, refundTotal: paid ? quote.refundTotal : nil,
            storeCredit: detail.amountsDue ? quote.storeCredit : nil, exchangeDifference: detail.amountsDue ? quote.exchangeDifference : nil)
    }
}

extension Components.Schemas.Return {
    /// A return as the API shows it, with what `detail` allows (see `ReturnDetail`).
    init(_ record: ReturnRecord, detail: ReturnDetail) {
        let showPrices = detail.pricesPaid
        self.init(
            id: record.id.apiText, orderId: record.orderID.apiText, kind: .init(record.kind),
            shipmentId: detail.shipmentID ? record.shipmentID?.apiText : nil,
            policyVersion: record.policyVersion, resolution: .init(record.resolution),
            method: .init(record.method), gift: record.gift, decision: .init(record.decision),
            decisionReason: detail.decisionReason ? record.decisionReason : nil,
            logistics: .init(record.logistics), money: .init(record.money),
            lines: record.lines.map { line in
                .init(sku: line.sku, quantity: line.quantity, reason: .init(line.reason), note: line.note, unitPrice: showPrices ? line.unitPrice : nil,
                      exchangeFor: line.exchangeFor.map { .init(sku: $0.sku, unitPrice: showPrices ? $0.unitPrice : nil) },
                      receipt: line.receipt.map { .init(received: $0.received, damaged: $0.damaged, missing: $0.missing,
                                                        disposition: .init($0.disposition), location: $0.location) })
            },
            quote: .init(record.quote, detail: detail), storeToken: detail.codes ? record.storeToken : nil,
            labelReference: detail.codes ? record.labelReference : nil,
            parcel: record.parcel.map { parcel in
                let progress = parcel.progress
                return .init(carrier: parcel.carrier, trackingNumber: detail.parcelTracking ? parcel.trackingNumber : nil, status: .init(progress.status),
                             substatus: progress.substatus.map(Components.Schemas.TrackingSubstatus.init), shippedAt: progress.shippedAt,
                             scans: parcel.scans.count)
            },
            expiresAt: record.expiresAt, submittedBy: .init(record.submittedBy), createdAt: record.createdAt, updatedAt: record.updatedAt)
    }
}

extension Components.Schemas.ReturnReason {
    init(_ reason: ReturnReason) {
        self = switch reason {
        case .damaged: .damaged
        case .defective: .defective
        case .wrongItem: .wrongItem
        case .notAsDescribed: .notAsDescribed
        case .tooSmall: .tooSmall
        case .tooLarge: .tooLarge
        case .changedMind: .changedMind
        case .arrivedLate: .arrivedLate
        case .other: .other
        }
    }
}

extension Components.Schemas.ReturnDecision {
    init(_ decision: ReturnDecision) {
        self = switch decision {
        case .requested: .requested
        case .approved: .approved
        case .declined: .declined
        case .cancelled: .cancelled
        }
    }
}

extension ReturnDecision {
    init(_ decision: Components.Schemas.ReturnDecision) {
        self = switch decision {
        case .requested: .requested
        case .approved: .approved
        case .declined: .declined
        case .cancelled: .cancelled
        }
    }
}

/// The two decisions a merchant makes on a requested return, each named: a decision added to the
/// contract fails to compile here instead of being taken as a decline.
extension ReturnDecision {
    init(_ decision: Components.Schemas.ReturnDecisionInput.DecisionPayload) {
        self = switch decision {
        case .approved: .approved
        case .declined: .declined
        }
    }
}

extension Components.Schemas.ReturnKind {
    init(_ kind: ReturnKind) {
        self = switch kind {
        case .customerReturn: ._return
        case .lostParcel: .lostParcel
        case .returnedToSender: .returnedToSender
        }
    }
}

extension ReturnKind {
    init(_ kind: Components.Schemas.ReturnKind) {
        self = switch kind {
        case ._return: .customerReturn
        case .lostParcel: .lostParcel
        case .returnedToSender: .returnedToSender
        }
    }
}

extension Components.Schemas.ReturnLogistics {
    init(_ logistics: ReturnLogistics) {
        self = switch logistics {
        case .notRequired: .notRequired
        case .awaiting: .awaiting
        case .inTransit: .inTransit
        case .received: .received
        case .lost: .lost
        case .expired: .expired
        }
    }
}

extension Components.Schemas.ReturnMoney {
    init(_ money: ReturnMoney) {
        self = switch money {
        case .pending: .pending
        case .refunded: .refunded
        case .credited: .credited
        case .exchanged: .exchanged
        case .kept: .kept
        case .reshipped: .reshipped
        case .none: .none
        }
    }
}

extension ReturnMoney {
    init(_ money: Components.Schemas.ReturnMoney) {
        self = switch money {
        case .pending: .pending
        case .refunded: .refunded
        case .credited: .credited
        case .exchanged: .exchanged
        case .kept: .kept
        case .reshipped: .reshipped
        case .none: .none
        }
    }
}

extension ReturnDisposition {
    init(_ disposition: Components.Schemas.ReturnDisposition) {
        self = switch disposition {
        case .restock: .restock
        case .doNotRestock: .doNotRestock
        case .inspect: .inspect
        }
    }
}

extension Components.Schemas.ReturnDisposition {
    init(_ disposition: ReturnDisposition) {
        self = switch disposition {
        case .restock: .restock
        case .doNotRestock: .doNotRestock
        case .inspect: .inspect
        }
    }
}

extension Components.Schemas.ReturnStats {
    init(_ stats: ReturnStats) {
        self.init(unitsSold: stats.unitsSold, unitsReturned: stats.unitsReturned, returnRate: stats.returnRate,
                  topReasons: stats.topReasons.map { .init(reason: .init($0.reason), units: $0.units) })
    }
}

extension ReturnApproval {
    init(_ approval: Components.Schemas.ReturnPolicyInput.ApprovalPayload) {
        switch approval {
        case .automatic: self = .automatic
        case .onRequest: self = .onRequest
        }
    }
}

extension Components.Schemas.ReturnPolicy.ApprovalPayload {
    init(_ approval: ReturnApproval) {
        switch approval {
        case .automatic: self = .automatic
        case .onRequest: self = .onRequest
        }
    }
}
