import Foundation
import Logging
import PorchlightStore

/// One detector pass now, over every merchant (`porchlight detect`): what the service's pass does
/// every five minutes, for operators and for the benchmark. Returns the orders checked, the
/// orders whose alert changed, and the seconds it took.
public func detectDisruptions(databaseURL: String, logger: Logger) async throws -> (checked: Int, changed: Int, seconds: Double) {
    try await withDatabase(url: databaseURL, logger: logger) { client in
        let started = ContinuousClock.now
        let database = Database(client: client)
        let (checked, changed) = try await AlertStore(database: database)
            .detectDue(now: database.clock.now, logger: logger)
        let elapsed = ContinuousClock.now - started
        return (checked, changed, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
