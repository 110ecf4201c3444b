import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

// Mapping between the generated contract types and the Core models of declared disruptions and their settings.

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
