import Foundation
import PorchlightAPI
import PorchlightCore

extension DeliverySettings {
    init(_ settings: Components.Schemas.DeliverySettings) {
        self.init(actionWindowHours: settings.actionWindowHours, reattemptDays: settings.reattemptDays,
                  defaultAction: settings.defaultAction == .reattempt ? .reattempt : .returnToSender,
                  pickupPoints: settings.pickupPoints.map(PickupPoint.init), selfCancelMinutes: settings.selfCancelMinutes ?? 0)
    }
}

extension Components.Schemas.DeliverySettings {
    init(_ settings: DeliverySettings) throws {
        self.init(actionWindowHours: settings.actionWindowHours, reattemptDays: settings.reattemptDays,
                  defaultAction: settings.defaultAction == .reattempt ? .reattempt : .returnToSender,
                  pickupPoints: try settings.pickupPoints.map(Components.Schemas.PickupPoint.init), selfCancelMinutes: settings.selfCancelMinutes)
    }
}

extension PickupPoint {
    init(_ point: Components.Schemas.PickupPoint) {
        self.init(id: point.id, name: point.name, address: Address(point.address), openingHours: point.openingHours.map {
            OpeningHours(days: $0.days.map(Weekday.init), opens: $0.opens, closes: $0.closes)
        })
    }
}

extension Components.Schemas.PickupPoint {
    init(_ point: PickupPoint) throws {
        self.init(id: point.id, name: point.name, address: try .init(point.address), openingHours: point.openingHours.map {
            .init(days: $0.days.map(Components.Schemas.Weekday.init), opens: $0.opens, closes: $0.closes)
        })
    }
}

extension Components.Schemas.Address {
    init(_ address: Address) throws {
        self.init(name: address.name, line1: address.line1, line2: address.line2, city: address.city, region: address.region,
                  postalCode: address.postalCode, country: try .init(checked: address.country))
    }
}

extension DeliveryActionRequest {
    /// The request as sent; a `date` that is not a calendar date is refused here, the rest by Core.
    init(_ input: Components.Schemas.DeliveryActionInput) throws {
        let date = try input.date.map { text throws(DomainError) in
            guard let date = LocalDate(text) else { throw .validation([FieldError(field: "date", message: "must be a date, YYYY-MM-DD")]) }
            return date
        }
        self.init(kind: DeliveryActionKind(input.kind), date: date, instructions: input.instructions, address: input.address.map(Address.init),
                  pickupPointID: input.pickupPointId)
    }
}

extension Components.Schemas.DeliveryException {
    /// The exception as this viewer may see it, with the choices open to them now (in the order's context).
    init(_ exception: DeliveryExceptionRecord, of order: OrderRecord, context: MerchantContext, viewer: OrderViewer, now: Date) throws {
        let proof: CustomerProof? = switch viewer {
        case .merchant: nil
        case .customer(let proof): proof
        }
        let choices = order.deliveryChoices(exception.id, proof: proof, now: now, context: context) ?? .nothing
        self.init(
            id: exception.id.apiText, shipmentId: exception.shipmentID.apiText, reason: .init(exception.reason), status: .init(exception.status),
            attemptedAt: exception.attemptedAt, openedAt: exception.openedAt, respondBy: exception.respondBy,
            actions: try exception.actions.map { try .init($0, showingDetails: proof?.satisfies(.email) ?? true) },
            choices: .init(kinds: choices.kinds.map(Components.Schemas.DeliveryActionKind.init), dates: choices.dates.map(\.description),
                           pickupPoints: try choices.pickupPoints.map(Components.Schemas.PickupPoint.init)),
            closedAt: exception.closedAt, closure: exception.closure.map(Components.Schemas.DeliveryException.ClosurePayload.init))
    }
}

extension Components.Schemas.DeliveryException.ClosurePayload {
    init(_ closure: DeliveryExceptionRecord.Closure) {
        self = switch closure {
        case .delivered: .delivered
        case .returnedToSender: .returnedToSender
        case .nextAttempt: .nextAttempt
        }
    }
}

extension Components.Schemas.DeliveryException.StatusPayload {
    init(_ status: DeliveryExceptionRecord.Status) {
        self = switch status {
        case .open: .open
        case .actionRequested: .actionRequested
        case .actionAcknowledged: .actionAcknowledged
        case .closed: .closed
        }
    }
}

extension Components.Schemas.DeliveryAction {
    /// The action; its address and instructions are the buyer's, left out for a postal-code look-up.
    init(_ action: DeliveryActionRecord, showingDetails: Bool) throws {
        self.init(
            id: action.id.apiText, kind: .init(action.request.kind), date: action.request.date?.description,
            instructions: showingDetails ? action.request.instructions : nil,
            address: showingDetails ? try action.request.address.map(Components.Schemas.Address.init) : nil,
            pickupPointId: action.request.pickupPointID, source: .init(action.source), status: .init(action.status),
            carrierReference: action.carrierReference, failureReason: action.failureReason, requestedAt: action.requestedAt, updatedAt: action.updatedAt)
    }
}

extension Components.Schemas.DeliveryAction.SourcePayload {
    init(_ source: DeliveryActionSource) {
        self = switch source {
        case .customer: .customer
        case .merchant: .merchant
        case .default: ._default
        }
    }
}

extension Components.Schemas.DeliveryAction.StatusPayload {
    init(_ status: DeliveryActionRecord.Status) {
        self = switch status {
        case .requested: .requested
        case .acknowledged: .acknowledged
        case .failed: .failed
        case .withdrawn: .withdrawn
        }
    }
}

extension DeliveryActionKind {
    init(_ kind: Components.Schemas.DeliveryActionKind) {
        self = switch kind {
        case .reattempt: .reattempt
        case .instructions: .instructions
        case .addressChange: .addressChange
        case .pickupPoint: .pickupPoint
        case .returnToSender: .returnToSender
        }
    }
}

extension Components.Schemas.DeliveryActionKind {
    init(_ kind: DeliveryActionKind) {
        self = switch kind {
        case .reattempt: .reattempt
        case .instructions: .instructions
        case .addressChange: .addressChange
        case .pickupPoint: .pickupPoint
        case .returnToSender: .returnToSender
        }
    }
}

extension Components.Schemas.DeliveryExceptionReason {
    init(_ reason: DeliveryExceptionReason) {
        self = switch reason {
        case .customerUnavailable: .customerUnavailable
        case .addressProblem: .addressProblem
        case .refused: .refused
        case .paymentOrID: .paymentOrId
        case .accessProblem: .accessProblem
        case .carrierProblem: .carrierProblem
        }
    }
}

extension Components.Schemas.DeliveryStats {
    init(_ stats: DeliveryStats) {
        self.init(finished: stats.finished, deliveredFirstAttempt: stats.deliveredFirstAttempt, failedAttempts: stats.failedAttempts,
                  actioned: stats.actioned, deliveredAfterAction: stats.deliveredAfterAction, returnedToSender: stats.returnedToSender,
                  firstAttemptRate: stats.firstAttemptRate, resolutionRate: stats.resolutionRate, rtoRate: stats.rtoRate)
    }
}
