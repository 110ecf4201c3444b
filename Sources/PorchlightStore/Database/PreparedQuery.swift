import Foundation
import Logging
import PorchlightCore
import PostgresNIO
import Synchronization

/// A statement of a hot path (a document read, the load of an order to change), prepared once per
/// connection and run by name after that. Measured under load (issue 29), planning the statements
/// that load an order cost PostgreSQL more than running them; a prepared statement is planned once.
///
/// Each takes the merchant as `$1` and one key (an id, ids, an order number) as `$2`, with those
/// types declared (the statement is prepared once, with these types, for every later run).
protocol PreparedQuery: PostgresPreparedStatement {
    associatedtype Key: PostgresEncodable & Sendable
    var merchant: MerchantID { get }
    var key: Key { get }
}

extension PreparedQuery {
    /// The type's own name (`PartsQuery<UUID>`, `OrderRows<ByIDs<UUID>>`): unique among prepared
    /// queries, and short, since PostgreSQL cuts names at 63 bytes (the fully qualified name of a
    /// private type is longer, and two would collide).
    static var name: String { String(describing: self) }

    static var bindingDataTypes: [PostgresDataType] { [.uuid, Key.psqlType] }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(merchant.rawValue)
        try bindings.append(key)
        return bindings
    }
}

extension PreparedQuery where Row == PostgresRow {
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// The key of a prepared query that names one row or several, as the SQL matches it. With one id
/// PostgreSQL plans the statement once and reuses the plan; an array's length it cannot guess,
/// so a statement over several ids is usually planned again for each run. The write path names
/// one order, so its statements are the one-id kind.
protocol IDs: PostgresEncodable & Sendable {
    /// `column` matching the key `$2`.
    static func match(_ column: String) -> String
    /// The key `$2` as the rows of a one-column table.
    static var rows: String { get }
}

extension UUID: IDs {
    static func match(_ column: String) -> String { "\(column) = $2" }
    static var rows: String { "(VALUES ($2::uuid))" }
}

extension Array: IDs where Element == UUID {
    static func match(_ column: String) -> String { "\(column) = ANY($2)" }
    static var rows: String { "unnest($2::uuid[])" }
}

extension PostgresConnection {
    /// Every row of the prepared query.
    func rows<Query: PreparedQuery>(_ query: Query, logger: Logger) async throws -> [PostgresRow] where Query.Row == PostgresRow {
        var rows: [PostgresRow] = []
        for try await row in try await execute(query, logger: logger) { rows.append(row) }
        return rows
    }

    /// Every row of the query for these ids: its one-id statement when there is one id (see `IDs`).
    func rows<One: PreparedQuery, Several: PreparedQuery>(for ids: [UUID], one: (UUID) -> One, several: ([UUID]) -> Several,
                                                          logger: Logger) async throws -> [PostgresRow]
    where One.Row == PostgresRow, Several.Row == PostgresRow {
        ids.count == 1 ? try await rows(one(ids[0]), logger: logger) : try await rows(several(ids), logger: logger)
    }
}

/// SQL with its parameters interpolated as in `PostgresQuery`, that also keeps each parameter's
/// PostgreSQL type, a nil's included, so that it can run as a prepared statement
/// (`PostgresConnection.run`): PostgreSQL fixes a prepared statement's parameter types once, and
/// a nil alone says none.
struct TypedQuery: ExpressibleByStringInterpolation, Sendable {
    var sql: String
    var bindings: PostgresBindings
    var types: [PostgresDataType]

    init(stringInterpolation: StringInterpolation) {
        (sql, bindings, types) = (stringInterpolation.sql, stringInterpolation.bindings, stringInterpolation.types)
    }

    init(stringLiteral sql: String) {
        (self.sql, bindings, types) = (sql, PostgresBindings(), [])
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var bindings = PostgresBindings()
        var types: [PostgresDataType] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + 4 * interpolationCount)
            types.reserveCapacity(interpolationCount)
        }

        mutating func appendLiteral(_ literal: String) { sql.append(literal) }

        mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) throws {
            try bindings.append(value)
            append(Value.psqlType)
        }

        mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) throws {
            if let value { try bindings.append(value) } else { bindings.appendNull() }
            append(Value.psqlType)
        }

        private mutating func append(_ type: PostgresDataType) {
            types.append(type)
            sql.append("$\(types.count)")
        }
    }
}

extension PostgresConnection {
    /// Runs the query as the statement `name`, prepared on this connection's first run of it. A
    /// name stands for one query text, the same on every run (its values change, not its SQL):
    /// PostgresNIO finds a prepared statement by its name alone (checked in debug builds).
    @discardableResult
    func run(_ name: StaticString, _ query: TypedQuery, logger: Logger) async throws -> [PostgresRow] {
        let statement = RunningStatement.Shape(name: name.description, sql: query.sql, types: query.types)
        assert(StatementNames.shared.isOnly(statement.name, for: statement.sql), "\(statement.name) names two queries")
        return try await RunningStatement.$shape.withValue(statement) {
            var rows: [PostgresRow] = []
            for try await row in try await execute(RunningStatement(bindings: query.bindings), logger: logger) { rows.append(row) }
            return rows
        }
    }
}

/// PostgresNIO (1.33) prepares a statement from its type's name, SQL and parameter types, read
/// once as the run starts (before its first suspension); `run` lends this type those of its query
/// for the time of the call.
private struct RunningStatement: PostgresPreparedStatement {
    struct Shape: Sendable {
        var name: String
        var sql: String
        var types: [PostgresDataType]
    }

    @TaskLocal static var shape: Shape?
    let bindings: PostgresBindings

    private static var lent: Shape {
        guard let shape else { preconditionFailure("a prepared statement's shape read outside PostgresConnection.run") }
        return shape
    }

    static var name: String { lent.name }
    static var sql: String { lent.sql }
    static var bindingDataTypes: [PostgresDataType] { lent.types }

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// The SQL each statement name has stood for (debug builds), so that a name given to two
/// queries fails a test instead of running the wrong statement.
private final class StatementNames: Sendable {
    static let shared = StatementNames()
    private let texts = Mutex<[String: String]>([:])

    func isOnly(_ name: String, for sql: String) -> Bool {
        texts.withLock { texts in
            if let known = texts[name] { return known == sql }
            texts[name] = sql
            return true
        }
    }
}
