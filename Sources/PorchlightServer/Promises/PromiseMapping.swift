import Foundation
import PorchlightAPI
import PorchlightCore
import PorchlightStore

// Mapping between the generated contract types and the Core models of the Promises capability.

extension LocationDraft {
    init(code: String, _ input: Components.Schemas.FulfilmentLocationInput) {
        self.init(code: code, name: input.name, country: input.country.rawValue, region: input.region, postalCode: input.postalCode,
                  timeZone: input.timeZone, cutoffTime: input.cutoffTime, handlingDays: input.handlingDays,
                  workingDays: input.workingDays.map(Weekday.init), holidays: input.holidays ?? [])
    }
}

extension Components.Schemas.FulfilmentLocation {
    init(_ stamped: Stamped<FulfilmentLocation>) {
        let location = stamped.value
        self.init(
            code: location.code, name: location.name, country: location.country, region: location.region,
            postalCode: location.postalCode, timeZone: location.timeZone.identifier,
            cutoffTime: ClockTime.text(location.cutoffMinutes), handlingDays: location.handlingDays,
            workingDays: Weekday.allCases.filter(location.workingDays.days.contains).map(Components.Schemas.Weekday.init),
            holidays: location.workingDays.holidays.sorted().map(\.description),
            createdAt: stamped.createdAt, updatedAt: stamped.updatedAt)
    }
}

extension CarrierServiceDraft {
    init(carrier: String, serviceLevel: String, _ input: Components.Schemas.CarrierServiceInput) {
        self.init(
            carrier: carrier, serviceLevel: serviceLevel,
            pickupDays: input.pickupDays.map(Weekday.init), deliveryDays: input.deliveryDays.map(Weekday.init),
            baseline: input.baselineTransit.map { .init(country: $0.country.rawValue, region: $0.region, minDays: $0.minDays, maxDays: $0.maxDays) },
            scheduled: input.scheduledDelivery.map { scheduled in
                (scheduled.minimumLeadDays, scheduled.horizonDays, scheduled.slots.map { .init(start: $0.start, end: $0.end, capacity: $0.capacity) })
            },
            deliveryActions: input.ndrActions?.map(DeliveryActionKind.init))
    }
}

extension Components.Schemas.CarrierService {
    init(_ stamped: Stamped<CarrierService>) throws {
        let service = stamped.value
        func days(_ calendar: WorkCalendar) -> [Components.Schemas.Weekday] {
            Weekday.allCases.filter(calendar.days.contains).map(Components.Schemas.Weekday.init)
        }
        self.init(
            carrier: service.carrier, serviceLevel: service.serviceLevel,
            pickupDays: days(service.pickupDays), deliveryDays: days(service.deliveryDays),
            baselineTransit: try service.baselineTransit.map {
                .init(country: try .init(checked: $0.country), region: $0.region, minDays: $0.days.lowerBound, maxDays: $0.days.upperBound)
            },
            scheduledDelivery: service.scheduledDelivery.map { scheduled in
                .init(minimumLeadDays: scheduled.minimumLeadDays, horizonDays: scheduled.horizonDays, slots: scheduled.slots.map {
                    .init(start: ClockTime.text($0.startMinutes), end: ClockTime.text($0.endMinutes), capacity: $0.capacity)
                })
            },
            ndrActions: service.deliveryActions.map { kinds in DeliveryActionKind.allCases.filter(kinds.contains).map(Components.Schemas.DeliveryActionKind.init) },
            createdAt: stamped.createdAt, updatedAt: stamped.updatedAt)
    }
}

extension QuoteDraft {
    init(_ input: Components.Schemas.DeliveryQuoteInput) {
        self.init(
            location: input.location,
            destination: Destination(country: input.destination.country.rawValue, region: input.destination.region, postalCode: input.destination.postalCode),
            at: input.at,
            services: input.services?.map { ServiceKey(carrier: $0.carrier, serviceLevel: $0.serviceLevel) })
    }
}

extension Components.Schemas.DeliveryQuote {
    init(_ quote: DeliveryQuote) throws {
        self.init(
            id: quote.id.uuidString.lowercased(), location: quote.location,
            destination: .init(country: try .init(checked: quote.destination.country), region: quote.destination.region, postalCode: quote.destination.postalCode),
            quotedAt: quote.quotedAt, expiresAt: quote.expiresAt,
            options: quote.options.map { option in
                .init(
                    optionId: option.optionID, carrier: option.carrier, serviceLevel: option.serviceLevel,
                    orderBy: option.orderBy, orderWithinMinutes: max(0, Int(option.orderBy.timeIntervalSince(quote.quotedAt) / 60)),
                    handlingStartsOn: option.handlingStartsOn,
                    window: .init(earliest: option.earliest, latest: option.latest), confidence: option.confidence,
                    basis: .init(transit: .init(option.transitBasis), handling: .init(option.handlingBasis)),
                    slots: option.slots.map { .init(slotId: $0.slotID, date: $0.date, start: $0.start, end: $0.end, remaining: $0.remaining) })
            })
    }
}

extension Components.Schemas.PromiseStats {
    init(_ stats: PromiseStats) {
        self.init(promises: stats.promises, resolved: stats.resolved, kept: stats.kept, keptRate: stats.keptRate,
                  medianPromisedLeadDays: stats.medianPromisedLeadDays, medianWindowDays: stats.medianWindowDays)
    }
}

extension DeliverySelection {
    init(_ input: Components.Schemas.DeliverySelection) throws {
        guard let quoteID = UUID(uuidString: input.quoteId) else {
            throw DomainError.validation([FieldError(field: "delivery.quote_id", message: "must be a quote id (a UUID)")])
        }
        self.init(quoteID: quoteID, optionID: input.optionId, slotID: input.slotId)
    }
}

extension DeclaredDelay {
    init?(_ declared: Components.Schemas.OrderDeclaredDisruption) {
        guard let id = UUID(uuidString: declared.id) else { return nil }
        self.init(disruptionID: id, cause: DisruptionCause(declared.cause), extraDays: declared.extraDays, customerMessage: declared.customerMessage,
                  customerMessageLanguage: declared.customerMessageLanguage.map(CustomerLanguage.init) ?? .en,
                  customerMessages: declared.customerMessages?.byLanguage ?? [:], shipmentIDs: declared.shipmentIds.compactMap(UUID.init(uuidString:)))
    }
}

/// Where an order stands for a customer, read from the order as the API shows it (an open
/// disruption alert first: the customer hears about it before noticing).
extension ArrivalSituation {
    static let problemStatuses: Set<Components.Schemas.TrackingStatus> = [.exception, .returnedToSender]

    init(_ order: ArrivalFacts, window: DeliveryWindow?, lastDelivery: Date?, now: Date) {
        let open = order.shipments.filter { $0.status != .delivered }
        if let alert = order.alert {  // (an alert is resolved once the order is delivered or cancelled)
            self = .disrupted(AlertReason(alert.reason), order.declaredDisruption.flatMap(DeclaredDelay.init), window)
            return
        }
        switch order.status {
        case .cancelled:
            self = .cancelled
        case .delivered:
            self = .delivered(on: order.promise?.deliveredOn.flatMap(LocalDate.init) ?? LocalDate(lastDelivery ?? order.updatedAt, in: .gmt))
        case _ where open.contains { Self.problemStatuses.contains($0.status) }:
            self = .deliveryProblem
        case _ where order.estimate?.basis == .latestScan:
            self = .outForDelivery(today: window?.latest ?? LocalDate(now, in: .gmt))
        case .processing, .shipped:
            self = order.promiseAtRisk == true ? window.map { .runningLate($0) } ?? .beingPrepared(nil) : .beingPrepared(window)
        default:
            self = order.promiseAtRisk == true ? window.map { .runningLate($0) } ?? .onItsWay(nil) : .onItsWay(window)
        }
    }
}

extension Weekday {
    init(_ day: Components.Schemas.Weekday) {
        self = switch day {
        case .mon: .mon
        case .tue: .tue
        case .wed: .wed
        case .thu: .thu
        case .fri: .fri
        case .sat: .sat
        case .sun: .sun
        }
    }
}

extension Components.Schemas.Weekday {
    init(_ day: Weekday) {
        self = switch day {
        case .mon: .mon
        case .tue: .tue
        case .wed: .wed
        case .thu: .thu
        case .fri: .fri
        case .sat: .sat
        case .sun: .sun
        }
    }
}

extension Components.Schemas.EstimateBasis {
    init(_ basis: EstimateBasis) {
        self = switch basis {
        case .lane: .lane
        case .destinationRegion: .destinationRegion
        case .route: .route
        case .carrierService: .carrierService
        case .location: .location
        case .merchant: .merchant
        case .configured: .configured
        case .latestScan: .latestScan
        case .customerChoice: .customerChoice
        }
    }
}
