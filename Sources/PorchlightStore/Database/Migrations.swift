import Logging
import PostgresNIO

/// A numbered schema change. Never edit one that has shipped: add the next number instead.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// Run in order inside one transaction (the extended protocol takes one statement at a time).
    let statements: [String]
}

/// Applies migrations in order, each in its own transaction, under an advisory lock so that
/// instances starting together take turns; applied versions are recorded in `schema_migrations`.
/// On Citus, lays out the tables they created (`CitusDistribution`). Then, still under the lock,
/// builds the stored documents that orders lack (`DocumentBackfill`) and sets their learning
/// keys (`LearningKeyBackfill`).
public struct Migrator: Sendable {
    /// Any constant unique to this application; other users of advisory locks pick their own.
    private static let advisoryLockKey: Int64 = 0x706F_7263_686C_6967  // "porchlig"

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public static var latestVersion: Int { Schema.migrations.map(\.version).max() ?? 0 }

    public func migrate(distribution: SchemaDistribution = .single) async throws {
        try await database.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
            do {
                try await applyPending(on: connection)
                if distribution == .citus { try await CitusDistribution.layOut(on: connection, logger: logger) }
                let built = try await DocumentBackfill(database: database, logger: logger).run()
                if built > 0 { logger.info("built stored order documents", metadata: ["orders": "\(built)"]) }
                let keyed = try await LearningKeyBackfill(database: database, logger: logger).run()
                if keyed > 0 { logger.info("set learning keys", metadata: ["orders": "\(keyed)"]) }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
        }
    }

    private func applyPending(on connection: PostgresConnection) async throws {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var applied = Set<Int>()
        for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
            applied.insert(version)
        }
        for migration in Schema.migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
            try await connection.withTransaction(logger: logger) { transaction in
                for statement in migration.statements {
                    try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await transaction.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
            }
            logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
        }
    }

    /// True when the database answers and every known migration is applied.
    public func isUpToDate() async throws -> Bool {
        let rows = try await database.query(
            "SELECT coalesce(max(version), 0) FROM schema_migrations", logger: logger)
        for version in try rows.decode(Int.self) { return version >= Self.latestVersion }
        return false
    }
}
