import Foundation
import Logging
import PorchlightCore
import PorchlightStore

/// Makes quotes and estimates with what each merchant's history has taught the engine. Learning
/// reads a sample of a year of shipments (`LearningSample`), so the learned model (with the merchant's setup) is relearned at most
/// once a minute per merchant, in the background; this replica forgets it at once when the
/// merchant changes the setup (other replicas within the minute).
actor PromisePlanner {
    static let modelLifetime: TimeInterval = 60

    struct Learned: Sendable {
        var setup: PromiseSetup
        var engine: PromiseEngine
        var learnedAt: Date
    }

    private let store: PromiseStore
    private var learned: [MerchantID: Learned] = [:]
    private var learning: [MerchantID: Task<Learned, any Error>] = [:]

    init(store: PromiseStore) {
        self.store = store
    }

    /// After a setup change: the next caller learns afresh (a pass already running is disowned).
    func forget(_ merchant: MerchantID) {
        learned[merchant] = nil
        learning[merchant] = nil
    }

    /// The merchant's current model. Concurrent callers share one learning pass; once a model
    /// exists, an expired one keeps answering while its successor learns, so no quote waits for it.
    func model(for merchant: MerchantID, now: Date, logger: Logger) async throws -> Learned {
        let cached = learned[merchant]
        if let cached, now.timeIntervalSince(cached.learnedAt) < Self.modelLifetime { return cached }
        let task = learning[merchant] ?? startLearning(merchant, now: now, logger: logger)
        if let cached { return cached }
        return try await task.value
    }

    private func startLearning(_ merchant: MerchantID, now: Date, logger: Logger) -> Task<Learned, any Error> {
        let store = self.store
        let task = Task<Learned, any Error> {
            let setup = try await store.setup(merchant: merchant, now: now, logger: logger)
            let history = try await store.history(merchant: merchant, asOf: now, logger: logger)
            let model = TransitModel(history: history, asOf: now, locations: setup.locations, services: setup.services)
            // Once a minute per merchant at most: a fitting moment to drop quotes nobody can use.
            try await store.purgeExpiredQuotes(merchant: merchant, logger: logger)
            return Learned(setup: setup, engine: PromiseEngine(model: model, policy: setup.policy, recalibration: setup.recalibration,
                                                                  levelOffset: setup.adaptive.offset), learnedAt: now)
        }
        learning[merchant] = task
        Task { await self.finish(task, for: merchant) }
        return task
    }

    private func finish(_ task: Task<Learned, any Error>, for merchant: MerchantID) async {
        let result = try? await task.value
        guard learning[merchant] == task else { return }  // disowned by `forget`
        learning[merchant] = nil
        if let result { learned[merchant] = result }
    }

    /// Quotes every requested service (default all) from the location to the destination. Only
    /// fetching the model touches the actor: the arithmetic runs in parallel across requests.
    nonisolated func quote(_ draft: QuoteDraft, at instant: Date, merchant: MerchantID, now: Date, logger: Logger) async throws -> DeliveryQuote {
        let learned = try await model(for: merchant, now: now, logger: logger)
        guard let location = learned.setup.locations[draft.location] else {
            throw DomainError.validation([FieldError(field: "location", message: "must be the code of one of your fulfilment locations (PUT /v1/locations/{code})")])
        }
        let services: [CarrierService]
        if let wanted = draft.services {
            var errors: [FieldError] = []
            for (index, key) in wanted.enumerated() where learned.setup.services[key] == nil {
                errors.append(FieldError(field: "services[\(index)]", message: "is not one of your carrier services (\(key))"))
            }
            if !errors.isEmpty { throw DomainError.validation(errors) }
            services = wanted.compactMap { learned.setup.services[$0] }
        } else {
            services = learned.setup.services.values.sorted { ($0.carrier, $0.serviceLevel) < ($1.carrier, $1.serviceLevel) }
        }
        var options: [QuotedOption] = []
        for service in services {
            guard let option = learned.engine.quote(service, from: location, to: draft.destination, at: instant) else { continue }
            let slots = try await slots(for: option, service: service, location: location, orderedAt: instant, merchant: merchant, logger: logger)
            options.append(QuotedOption(option, slots: slots))
        }
        return DeliveryQuote(id: UUID.random(), location: location.code, destination: draft.destination, quotedAt: now,
                             expiresAt: now.addingTimeInterval(DeliveryQuote.lifetime), options: options)
    }

    private nonisolated func slots(for option: DeliveryOption, service: CarrierService, location: FulfilmentLocation, orderedAt: Date,
                       merchant: MerchantID, logger: Logger) async throws -> [QuotedSlot] {
        guard let scheduled = service.scheduledDelivery else { return [] }
        let days = scheduled.slotDays(after: option.window, orderedOn: LocalDate(orderedAt, in: location.timeZone), deliveryDays: service.deliveryDays)
        let booked = try await store.slotBookings(service.key, days: days, merchant: merchant, logger: logger)
        return days.flatMap { day in
            scheduled.slots.compactMap { slot -> QuotedSlot? in
                let id = ScheduledDelivery.slotID(day: day, slot: slot)
                let remaining = slot.capacity - (booked[id] ?? 0)
                guard remaining > 0 else { return nil }
                return QuotedSlot(slotID: id, date: day.description, start: ClockTime.text(slot.startMinutes),
                                  end: ClockTime.text(slot.endMinutes), capacity: slot.capacity, remaining: remaining)
            }
        }
    }

    /// The merchant's estimator, with the learned model loaded now, before the shipment store
    /// opens its transaction: inside it, estimating is arithmetic only.
    nonisolated func estimator(for merchant: MerchantID, now: Date, logger: Logger) async throws -> ShipmentEstimator {
        let learned = try await model(for: merchant, now: now, logger: logger)
        return { request in
            guard let location = learned.setup.locations[request.locationCode],
                  let service = learned.setup.services[request.service]
            else { return nil }
            return learned.engine.estimate(request.progress, service: service, from: location, to: request.destination, now: now)
        }
    }
}
