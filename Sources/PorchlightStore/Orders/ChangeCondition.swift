import PorchlightCore
import Synchronization

/// The `If-Match` of the request being served: the HTTP layer sets it around the handler, and
/// the request's first change to an order checks it after taking the order's lock
/// (`OrderStore.change`), so two changes made from the same version cannot both land. Work
/// outside a request (the periodic passes) has none.
public final class ChangeCondition: Sendable {
    @TaskLocal public static var current: ChangeCondition?

    private let ifMatch: Mutex<EntityTagCondition?>

    public init(ifMatch: EntityTagCondition) {
        self.ifMatch = Mutex(ifMatch)
    }

    /// Throws when the request's condition does not allow a change to an order at
    /// `orderVersion`. Only the first change checks it: a later one in the same request (a
    /// follow-up the first one caused) finds the version it moved to.
    static func check(orderVersion: Int) throws {
        guard let condition = current?.ifMatch.withLock({ ifMatch in defer { ifMatch = nil }; return ifMatch }),
              !condition.allowsChange(atOrderVersion: orderVersion)
        else { return }
        throw DomainError.preconditionFailed(
            "The order is at version \(orderVersion) (ETag \(EntityTag(orderVersion: orderVersion).field)), not the one If-Match names. Read it again and decide again.")
    }
}
