import Logging
import PorchlightStore
import ServiceLifecycle

/// Deletes Idempotency-Keys past their 24 hours, every `interval` (the first time one interval
/// after start, when migrations are long done). Deleting is idempotent, so every replica can run it.
struct IdempotencyKeyPurger: Service {
    let store: IdempotencyStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // Shutdown cancels the sleep: a normal end, not an error (which would fail the exit code).
            while (try? await Task.sleep(for: interval)) != nil {
                do {
                    var purged = 0
                    var batch = 0
                    repeat {
                        batch = try await store.purgeExpired(logger: logger)
                        purged += batch
                    } while batch > 0 && !Task.isCancelled
                    if purged > 0 { logger.info("purged expired idempotency keys", metadata: ["keys": "\(purged)"]) }
                } catch {
                    logger.warning("could not purge expired idempotency keys", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
