import Logging
import PorchlightStore
import ServiceLifecycle

/// Deletes what is kept only for a while, every `interval` (the first time one interval after
/// start, when migrations are long done): Idempotency-Keys past their 24 hours, webhook
/// deliveries 30 days after they ended, the feed's events after 30 days, and more
/// (`purges(database:)`). Each purge deletes in batches until none is left. Deleting is
/// idempotent, so every replica can run it; `porchlight purge` runs each once.
struct RetentionPurger: Service {
    /// A named purge: deletes one batch and returns how many rows went.
    struct Purge: Sendable {
        var name: String
        var deleteBatch: @Sendable (Logger) async throws -> Int
    }

    let purges: [Purge]
    let interval: Duration
    let logger: Logger

    /// Every purge, in the order they run.
    static func purges(database: Database) -> [Purge] {
        [
            .init(name: "idempotency keys") { try await IdempotencyStore(database: database).purgeExpired(logger: $0) },
            .init(name: "webhook deliveries") { try await WebhookDeliveries(database: database).purgeEnded(logger: $0) },
            .init(name: "order lookup misses") { try await OrderLookupStore(database: database).purgeEnded(logger: $0) },
            .init(name: "customer tokens") { try await CustomerTokenStore(database: database).purgeExpired(logger: $0) },
            .init(name: "feed events") { try await EventFeed(database: database).purgeExpired(logger: $0) },
        ]
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // Shutdown cancels the sleep: a normal end, not an error (which would fail the exit code).
            while (try? await Task.sleep(for: interval)) != nil {
                for purge in purges { _ = await Self.run(purge, logger: logger) }
            }
        }
    }

    /// Runs `purge` until nothing is left; how many rows it deleted (nil when it failed).
    static func run(_ purge: Purge, logger: Logger) async -> Int? {
        do {
            var purged = 0
            var batch = 0
            repeat {
                batch = try await purge.deleteBatch(logger)
                purged += batch
            } while batch > 0 && !Task.isCancelled
            if purged > 0 { logger.info("purged expired rows", metadata: ["what": "\(purge.name)", "rows": "\(purged)"]) }
            return purged
        } catch {
            logger.warning("could not purge expired rows", metadata: ["what": "\(purge.name)", "error": "\(error)"])
            return nil
        }
    }
}

/// `porchlight purge`: each purge once, now; how many rows each deleted (nil: it failed, and
/// the log says why) and how long it took.
public func purgeExpired(databaseURL: String, logger: Logger) async throws -> [(name: String, rows: Int?, seconds: Double)] {
    try await withDatabase(url: databaseURL, logger: logger) { client in
        var results: [(name: String, rows: Int?, seconds: Double)] = []
        for purge in RetentionPurger.purges(database: Database(client: client)) {
            let started = ContinuousClock.now
            let rows = await RetentionPurger.run(purge, logger: logger)
            results.append((purge.name, rows, (ContinuousClock.now - started).seconds))
        }
        return results
    }
}
