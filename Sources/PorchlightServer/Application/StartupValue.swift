import Synchronization

/// A value the service learns during start-up (after the database is reachable, before traffic
/// is accepted) and never changes afterwards.
final class StartupValue<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)

    func set(_ value: Value) {
        storage.withLock { $0 = value }
    }

    /// The value; asking before start-up finished is a wiring bug, answered as a 503.
    func get() throws -> Value {
        guard let value = storage.withLock({ $0 }) else { throw Problem.serviceUnavailable }
        return value
    }

    /// Waits until the value is set (or the task is cancelled), for work that must not start
    /// before start-up has finished.
    func wait() async throws -> Value {
        while true {
            if let value = storage.withLock({ $0 }) { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
