import AsyncHTTPClient
import PorchlightCore
import Synchronization

/// The HTTP clients webhooks go out with, one per destination (a host and the address checked
/// for it). AsyncHTTPClient connects a host name to a given address only through `dnsOverride`,
/// a setting of the whole client; TLS still sends and verifies the host name. Clients are kept
/// so that their connections are reused; beyond `capacity`, the least recently used idle ones
/// are shut down.
final class WebhookClients: Sendable {
    private struct Entry {
        var client: HTTPClient
        var leases: Int
        var lastUsed: Int
    }

    private struct State {
        var entries: [WebhookAddresses.Destination: Entry] = [:]
        /// Counts uses, to order entries by their last.
        var uses = 0
        var closed = false
    }

    struct Closed: Error, CustomStringConvertible {
        var description: String { "webhook sending is shutting down" }
    }

    private let state = Mutex(State())
    private let timeout: Duration
    private let capacity: Int

    /// `capacity`: the clients kept (each closes its idle connections after a minute); a busy one
    /// is not shut down, so for a while there may be more.
    init(timeout: Duration, capacity: Int = 64) {
        (self.timeout, self.capacity) = (timeout, capacity)
    }

    /// Runs `body` with a client that connects to `destination.address`, whatever the host's DNS
    /// says by then.
    func with<Result>(_ destination: WebhookAddresses.Destination, _ body: (HTTPClient) async throws -> Result) async throws -> Result {
        let client = try lease(destination)
        do {
            let result = try await body(client)
            await release(destination)
            return result
        } catch {
            await release(destination)
            throw error
        }
    }

    /// Shuts every client down; requests still running (an attempt past its deadline) fail.
    func shutdown() async {
        let clients = state.withLock { state in
            state.closed = true
            defer { state.entries = [:] }
            return state.entries.values.map(\.client)
        }
        for client in clients { try? await client.shutdown() }
    }

    private func lease(_ destination: WebhookAddresses.Destination) throws(Closed) -> HTTPClient {
        try state.withLock { state throws(Closed) in
            guard !state.closed else { throw Closed() }
            state.uses += 1
            let entry = state.entries[destination] ?? Entry(client: makeClient(destination), leases: 0, lastUsed: 0)
            state.entries[destination] = Entry(client: entry.client, leases: entry.leases + 1, lastUsed: state.uses)
            return entry.client
        }
    }

    private func release(_ destination: WebhookAddresses.Destination) async {
        let evicted = state.withLock { state -> [HTTPClient] in
            state.entries[destination]?.leases -= 1
            let idle = state.entries.filter { $0.value.leases == 0 }.sorted { $0.value.lastUsed < $1.value.lastUsed }
            return idle.prefix(max(0, state.entries.count - capacity)).map { key, entry in
                state.entries[key] = nil
                return entry.client
            }
        }
        for client in evicted { try? await client.shutdown() }
    }

    /// Redirects are not followed: a receiver could send the request on to an internal address.
    private func makeClient(_ destination: WebhookAddresses.Destination) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .nanoseconds(Int64(timeout.seconds * 1e9)))
        configuration.decompression = .disabled
        configuration.dnsOverride = [destination.host: destination.address.description]
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
