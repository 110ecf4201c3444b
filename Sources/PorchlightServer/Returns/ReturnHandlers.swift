import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func getReturnPolicy(_ input: Operations.GetReturnPolicy.Input) async throws -> Operations.GetReturnPolicy.Output {
        let current = try await returnPolicies.current(merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(current))))
    }

    func updateReturnPolicy(_ input: Operations.UpdateReturnPolicy.Input) async throws -> Operations.UpdateReturnPolicy.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let policy = try ReturnPolicy(body).validated()
        let stored = try await returnPolicies.update(policy, now: Date(), merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(stored))))
    }

    func getReturnEligibility(_ input: Operations.GetReturnEligibility.Input) async throws -> Operations.GetReturnEligibility.Output {
        let orderID = try parseID(input.path.orderId, "order_id")
        guard Caller.view(of: orderID) != nil,
              let (order, policy, lines) = try await returnPolicies.eligibility(orderID: orderID, now: Date(), merchant: Caller.merchant(),
                                                                                 logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(input.path.orderId).") }
        let language = CustomerLanguage.negotiate(input.headers.acceptLanguage ?? order.customer.locale)
        return .ok(.init(
            headers: .init(contentLanguage: language.rawValue),
            body: .json(.init(orderId: order.id.apiText, policyVersion: policy.version, lines: lines.map { line in
                .init(sku: line.sku, purchasedQuantity: line.purchasedQuantity, arrivedQuantity: line.arrivedQuantity,
                      returnableQuantity: line.returnableQuantity, eligible: line.isReturnable, reason: line.reason.map(Components.Schemas.ReturnIneligibility.init),
                      lastDay: line.lastDay?.description, deadline: line.deadline, countedFrom: line.countedFrom.map(Components.Schemas.ReturnDeadlineBasis.init),
                      message: ReturnEligibilityMessage.sentence(line, in: language))
            }))))
    }

    func quoteReturn(_ input: Operations.QuoteReturn.Input) async throws -> Operations.QuoteReturn.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let orderID = try parseID(body.orderId, "order_id")
        guard Caller.view(of: orderID) != nil,
              let (order, policy, eligibility) = try await returnPolicies.eligibility(orderID: orderID, now: Date(), merchant: Caller.merchant(),
                                                                                       logger: RequestScope.logger)
        else { throw DomainError.notFound("No order with id \(body.orderId).") }
        let lines = body.lines.map { line in
            ReturnLineRequest(sku: line.sku, quantity: line.quantity, reason: ReturnReason(line.reason), note: line.note,
                              exchangeFor: line.exchangeFor.map { ExchangeItem(sku: $0.sku, unitPrice: $0.unitPrice) })
        }
        let quote = try ReturnQuotes.quote(lines, resolution: ReturnResolution(body.resolution), method: ReturnMethod(body.method),
                                           of: order, policy: policy.policy, eligibility: eligibility)
        return .ok(.init(body: .json(.init(
            currency: quote.currency, resolution: .init(quote.resolution), method: .init(quote.method),
            lines: quote.lines.map { .init(sku: $0.sku, quantity: $0.quantity, unitPrice: $0.unitPrice, amount: $0.amount, exchangeAmount: $0.exchangeAmount) },
            subtotal: quote.subtotal, restockingFee: quote.restockingFee, returnShippingFee: quote.returnShippingFee,
            refundTotal: quote.refundTotal, storeCredit: quote.storeCredit, exchangeDifference: quote.exchangeDifference))))
    }
}

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
            approval: input.approval.map { $0 == .onRequest ? .onRequest : .automatic } ?? .automatic,
            inStoreLocations: input.inStoreLocations ?? [])
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
            approval: policy.approval == .onRequest ? .onRequest : .automatic, inStoreLocations: policy.inStoreLocations)
    }
}

extension ReturnResolution {
    init(_ resolution: Components.Schemas.ReturnResolution) {
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
