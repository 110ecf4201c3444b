/// How many PostgreSQL connections the replicas may open together, against what the server
/// accepts: each replica opens up to its API pool plus the webhook dispatcher's pool.
public struct ConnectionBudget: Sendable, Equatable {
    public var replicas: Int
    public var poolSize: Int
    public var dispatcherPoolSize: Int

    public init(replicas: Int, poolSize: Int, dispatcherPoolSize: Int) {
        (self.replicas, self.poolSize, self.dispatcherPoolSize) = (replicas, poolSize, dispatcherPoolSize)
    }

    public var connections: Int { replicas * (poolSize + dispatcherPoolSize) }

    /// A warning when the replicas could open more connections than the server takes from
    /// ordinary users (`max_connections` less `superuser_reserved_connections`); nil when they fit.
    public func warning(maxConnections: Int, reserved: Int) -> String? {
        let available = maxConnections - reserved
        guard connections > available else { return nil }
        let fitting = max(1, available / replicas - dispatcherPoolSize)
        return "\(replicas) replicas × (pool \(poolSize) + dispatcher \(dispatcherPoolSize)) = \(connections) connections, "
            + "but PostgreSQL takes \(available) (max_connections \(maxConnections) less \(reserved) reserved): "
            + "set DATABASE_POOL_SIZE to at most \(fitting), raise max_connections, or put PgBouncer in front"
    }
}
