import PorchlightCore

extension Validator {
    /// Checks a list's paging parameters and returns the page size: `limit` (default 50, 1 to
    /// 100) and `cursor` (a `next_cursor`, which the store reads).
    mutating func page(limit: Int?, cursor: String?) -> Int {
        let limit = limit ?? 50
        text(cursor, "cursor", max: 512)
        range(limit, "limit", 1...100)
        return limit
    }

    /// Refuses the request's parameters with a 400 naming each that is wrong, if any is.
    func finishParameters() throws {
        if !errors.isEmpty { throw DomainError.badRequest("Some parameters are invalid; see errors.", errors) }
    }
}
