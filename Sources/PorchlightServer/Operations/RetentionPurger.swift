import Logging
import ServiceLifecycle

/// Deletes what is kept only for a while, every `interval` (the first time one interval after
/// start, when migrations are long done): Idempotency-Keys past their 24 hours, webhook
/// deliveries 30 days after they ended. Each purge deletes in batches until none is left.
/// Deleting is idempotent, so every replica can run it.
struct RetentionPurger: Service {
    /// A named purge: deletes one batch and returns how many rows went.
    struct Purge: Sendable {
        var name: String
        var deleteBatch: @Sendable (Logger) async throws -> Int
    }

    let purges: [Purge]
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // Shutdown cancels the sleep: a normal end, not an error (which would fail the exit code).
            while (try? await Task.sleep(for: interval)) != nil {
                for purge in purges { await run(purge) }
            }
        }
    }

    func run(_ purge: Purge) async {
        do {
            var purged = 0
            var batch = 0
            repeat {
                batch = try await purge.deleteBatch(logger)
                purged += batch
            } while batch > 0 && !Task.isCancelled
            if purged > 0 { logger.info("purged expired rows", metadata: ["what": "\(purge.name)", "rows": "\(purged)"]) }
        } catch {
            logger.warning("could not purge expired rows", metadata: ["what": "\(purge.name)", "error": "\(error)"])
        }
    }
}
