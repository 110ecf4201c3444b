import PorchlightCore

/// The `If-Match` of the request being served: the HTTP layer sets it around the handler, and
/// every change to an order checks it after taking the order's lock (`OrderStore.change`,
/// `OrderStore.upsert`), so two changes made from the same version cannot both land. Work
/// outside a request (the periodic passes) has none.
public enum ChangeCondition {
    @TaskLocal public static var ifMatch: EntityTagCondition?

    /// Throws when the request's condition does not allow a change to an order at
    /// `orderVersion` (nil: there is no such order yet, which no condition allows).
    static func check(orderVersion: Int?) throws {
        guard let ifMatch else { return }
        guard let orderVersion else {
            throw DomainError.preconditionFailed("There is no such order yet, so no version of it can match If-Match.")
        }
        guard !ifMatch.allowsChange(atOrderVersion: orderVersion) else { return }
        throw DomainError.preconditionFailed(
            "The order is at version \(orderVersion) (ETag \(EntityTag(orderVersion: orderVersion).field)), not the one If-Match names. Read it again and decide again.")
    }
}
