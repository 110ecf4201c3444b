import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

extension APIHandlers {
    func declareDisruption(_ input: Operations.DeclareDisruption.Input) async throws -> Operations.DeclareDisruption.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let draft = DisruptionDraft(cause: DisruptionCause(body.cause), scope: try DisruptionScope(body.scope), startsAt: body.startsAt,
                                    expectedEndAt: body.expectedEndAt, extraDays: body.extraDays, customerMessage: body.customerMessage,
                                    customerMessageLanguage: body.customerMessageLanguage.map(CustomerLanguage.init),
                                    customerMessages: body.customerMessages?.additionalProperties ?? [:])
        let merchant = try Caller.merchant()
        try await respondWithStored({ declared in
            PreparedResponse(status: .created, json: try ContractJSON.encode(
                Components.Schemas.Disruption(declared.disruption, now: declared.disruption.createdAt, affectedOrders: declared.affectedOrders)))
        }) {
            try await disruptions.declare(draft, merchant: merchant, idempotency: $0, logger: RequestScope.logger)
        }
    }

    func listDisruptions(_ input: Operations.ListDisruptions.Input) async throws -> Operations.ListDisruptions.Output {
        var v = Validator()
        let limit = v.page(limit: input.query.limit, cursor: input.query.cursor)
        try v.finishParameters()
        let now = clock.now
        let page = try await disruptions.list(status: input.query.status.map(DeclaredDisruption.Status.init), now: now, limit: limit,
                                              cursor: input.query.cursor, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(items: try page.items.map { try .init($0, now: now) }, nextCursor: page.nextCursor))))
    }

    func getDisruption(_ input: Operations.GetDisruption.Input) async throws -> Operations.GetDisruption.Output {
        let id = try parseID(input.path.disruptionId, "disruption_id")
        guard let disruption = try await disruptions.disruption(id, merchant: Caller.merchant(), logger: RequestScope.logger) else {
            throw DomainError.notFound("No disruption with id \(input.path.disruptionId).")
        }
        return .ok(.init(body: .json(try .init(disruption, now: clock.now))))
    }

    func updateDisruption(_ input: Operations.UpdateDisruption.Input) async throws -> Operations.UpdateDisruption.Output {
        let id = try parseID(input.path.disruptionId, "disruption_id")
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let change = DisruptionChange(expectedEndAt: body.expectedEndAt, extraDays: body.extraDays,
                                      customerMessage: body.customerMessage,
                                      customerMessageLanguage: body.customerMessageLanguage.map(CustomerLanguage.init),
                                      customerMessages: body.customerMessages?.additionalProperties ?? [:],
                                      resolve: body.status == .resolved)
        let updated = try await disruptions.update(id, change, merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(try .init(updated.disruption, now: clock.now, affectedOrders: updated.affectedOrders))))
    }
}

extension APIHandlers {
    func getDisruptionSettings(_ input: Operations.GetDisruptionSettings.Input) async throws -> Operations.GetDisruptionSettings.Output {
        .ok(.init(body: .json(.init(try await disruptions.settings(merchant: Caller.merchant(), logger: RequestScope.logger)))))
    }

    func replaceDisruptionSettings(_ input: Operations.ReplaceDisruptionSettings.Input) async throws -> Operations.ReplaceDisruptionSettings.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType }
        let stored = try await disruptions.replaceSettings(DisruptionSettings(body), merchant: Caller.merchant(), logger: RequestScope.logger)
        return .ok(.init(body: .json(.init(stored))))
    }
}

extension DisruptionSettings {
    init(_ settings: Components.Schemas.DisruptionSettings) {
        self.init(thresholds: DisruptionThresholds(settings.thresholds), byService: (settings.byService ?? []).map { entry in
            ForService(carrier: entry.carrier, serviceLevel: entry.serviceLevel, thresholds: DisruptionThresholds(entry.thresholds))
        })
    }
}

extension Components.Schemas.DisruptionSettings {
    init(_ settings: DisruptionSettings) {
        self.init(thresholds: .init(settings.thresholds), byService: settings.byService.map { entry in
            .init(carrier: entry.carrier, serviceLevel: entry.serviceLevel, thresholds: .init(entry.thresholds))
        })
    }
}

extension DisruptionThresholds {
    init(_ thresholds: Components.Schemas.DisruptionThresholds) {
        self.init(labelCreatedHours: thresholds.labelCreatedHours, inTransitHours: thresholds.inTransitHours,
                  outForDeliveryHours: thresholds.outForDeliveryHours)
    }
}

extension Components.Schemas.DisruptionThresholds {
    init(_ thresholds: DisruptionThresholds) {
        self.init(labelCreatedHours: thresholds.labelCreatedHours, inTransitHours: thresholds.inTransitHours,
                  outForDeliveryHours: thresholds.outForDeliveryHours)
    }
}

extension DisruptionScope {
    init(_ scope: Components.Schemas.DisruptionScope) throws {
        self.init()
        carriers = (scope.carriers ?? []).map { Carrier(carrier: $0.carrier, serviceLevel: $0.serviceLevel) }
        destinationCountries = (scope.destinationCountries ?? []).map(\.rawValue)
        destinationRegions = (scope.destinationRegions ?? []).map { Region(country: $0.country.rawValue, region: $0.region) }
        destinationPostalPrefixes = (scope.destinationPostalPrefixes ?? []).map { PostalPrefix(country: $0.country.rawValue, prefix: $0.prefix) }
        locations = scope.locations ?? []
        shipmentIDs = try (scope.shipmentIds ?? []).enumerated().map { index, text in
            guard let id = UUID(uuidString: text) else {
                throw DomainError.validation([FieldError(field: "scope.shipment_ids[\(index)]", message: "must be a shipment id (a UUID)")])
            }
            return id
        }
    }
}

extension Components.Schemas.DisruptionScope {
    init(_ scope: DisruptionScope) throws {
        func list<T>(_ items: [T]) -> [T]? { items.isEmpty ? nil : items }
        self.init(
            carriers: list(scope.carriers.map { .init(carrier: $0.carrier, serviceLevel: $0.serviceLevel) }),
            destinationCountries: list(try scope.destinationCountries.map(Components.Schemas.CountryCode.init(checked:))),
            destinationRegions: list(try scope.destinationRegions.map { .init(country: try .init(checked: $0.country), region: $0.region) }),
            destinationPostalPrefixes: list(try scope.destinationPostalPrefixes.map { .init(country: try .init(checked: $0.country), prefix: $0.prefix) }),
            locations: list(scope.locations), shipmentIds: list(scope.shipmentIDs.map(\.apiText)))
    }
}

extension Components.Schemas.Disruption {
    /// `affectedOrders` only in the answers that re-checked the orders.
    init(_ disruption: DeclaredDisruption, now: Date, affectedOrders: Int? = nil) throws {
        self.init(id: disruption.id.apiText, cause: .init(disruption.cause), scope: try .init(disruption.scope), startsAt: disruption.startsAt,
                  expectedEndAt: disruption.expectedEndAt, extraDays: disruption.extraDays, customerMessage: disruption.customerMessage,
                  // The language of `customer_message`: absent without it.
                  customerMessageLanguage: disruption.customerMessage == nil ? nil : .init(disruption.customerMessageLanguage),
                  customerMessages: .init(disruption.customerMessages),
                  status: .init(disruption.status(at: now)), resolvedAt: disruption.endedAt(at: now), createdAt: disruption.createdAt,
                  updatedAt: disruption.updatedAt, affectedOrders: affectedOrders)
    }
}

extension Components.Schemas.CustomerMessages {
    /// Nil when there are none: the field is left out.
    init?(_ messages: [CustomerLanguage: String]) {
        guard !messages.isEmpty else { return nil }
        self.init(additionalProperties: Dictionary(uniqueKeysWithValues: messages.map { ($0.key.rawValue, $0.value) }))
    }

    /// As Core wrote them into an order's document: in languages it speaks.
    var byLanguage: [CustomerLanguage: String] {
        Dictionary(uniqueKeysWithValues: additionalProperties.compactMap { tag, message in CustomerLanguage(rawValue: tag).map { ($0, message) } })
    }
}

extension CustomerLanguage {
    init(_ language: Components.Schemas.MessageLanguage) {
        self = switch language {
        case .en: .en
        case .es: .es
        case .ro: .ro
        case .id: .id
        case .ru: .ru
        case .zhHans: .zhHans
        case .ptBR: .ptBR
        case .de: .de
        case .fr: .fr
        case .it: .it
        case .pl: .pl
        case .tr: .tr
        case .nl: .nl
        }
    }
}

extension Components.Schemas.MessageLanguage {
    init(_ language: CustomerLanguage) {
        self = switch language {
        case .en: .en
        case .es: .es
        case .ro: .ro
        case .id: .id
        case .ru: .ru
        case .zhHans: .zhHans
        case .ptBR: .ptBR
        case .de: .de
        case .fr: .fr
        case .it: .it
        case .pl: .pl
        case .tr: .tr
        case .nl: .nl
        }
    }
}

extension DisruptionCause {
    init(_ cause: Components.Schemas.DisruptionCause) {
        self = switch cause {
        case .weather: .weather
        case .carrierDelay: .carrierDelay
        case .warehouseBacklog: .warehouseBacklog
        case .customs: .customs
        case .strike: .strike
        case .other: .other
        }
    }
}

extension Components.Schemas.DisruptionCause {
    init(_ cause: DisruptionCause) {
        self = switch cause {
        case .weather: .weather
        case .carrierDelay: .carrierDelay
        case .warehouseBacklog: .warehouseBacklog
        case .customs: .customs
        case .strike: .strike
        case .other: .other
        }
    }
}

extension DeclaredDisruption.Status {
    init(_ status: Components.Schemas.DisruptionStatus) {
        self = switch status {
        case .scheduled: .scheduled
        case .active: .active
        case .resolved: .resolved
        }
    }
}

extension Components.Schemas.DisruptionStatus {
    init(_ status: DeclaredDisruption.Status) {
        self = switch status {
        case .scheduled: .scheduled
        case .active: .active
        case .resolved: .resolved
        }
    }
}
