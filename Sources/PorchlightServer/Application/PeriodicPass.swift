import Foundation
import Logging
import PorchlightCore
import ServiceLifecycle

/// Runs a pass over every merchant every `interval`, once migrations are applied: review
/// requests falling due (`ReviewStore.sendDueRequests`), returns expiring
/// (`ReturnStore.expireDue`), parcels gone quiet (`AlertStore.detectDue`). Every replica runs it, so each pass must be safe to run on several
/// at once: a claim row or the order's lock decides, and the rules in Core make a second try a no-op.
struct PeriodicPass: Service {
    /// What the pass does, for the logs ("announced review requests").
    let name: String
    let interval: Duration
    let clock: WallClock
    /// Set once migrations are applied: the tables exist.
    let migrated: StartupValue<Void>
    let logger: Logger
    /// Does the work due at the given time; returns how many things it did.
    let pass: @Sendable (Date, Logger) async throws -> Int

    func run() async throws {
        guard (try? await cancelWhenGracefulShutdown({ try await migrated.wait() })) != nil else { return }
        // Shutdown cancels the sleep: a normal end, not an error (which would fail the exit code).
        while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: interval) })) != nil {
            do {
                let done = try await pass(clock.now, logger)
                if done > 0 { logger.info("periodic pass", metadata: ["pass": "\(name)", "count": "\(done)"]) }
            } catch {
                logger.error("periodic pass failed", metadata: ["pass": "\(name)", "error": "\(error)"])
            }
        }
    }
}
