import Foundation
import Logging
import PorchlightStore
import ServiceLifecycle

/// Announces review requests as they fall due, every `interval`, with `review.requested`. Each
/// request is claimed in the database as it is announced, so every replica can run this and
/// each request is still sent once (`ReviewStore.sendDueRequests`).
struct ReviewRequester: Service {
    let reviews: ReviewStore
    let interval: Duration
    /// Set once migrations are applied: the tables exist.
    let migrated: StartupValue<Void>
    let logger: Logger

    func run() async throws {
        guard (try? await cancelWhenGracefulShutdown({ try await migrated.wait() })) != nil else { return }
        // Shutdown cancels the sleep: a normal end, not an error (which would fail the exit code).
        while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: interval) })) != nil {
            do {
                let sent = try await reviews.sendDueRequests(now: Date(), logger: logger)
                if sent > 0 { logger.info("announced review requests", metadata: ["requests": "\(sent)"]) }
            } catch {
                logger.warning("could not announce review requests", metadata: ["error": "\(error)"])
            }
        }
    }
}
