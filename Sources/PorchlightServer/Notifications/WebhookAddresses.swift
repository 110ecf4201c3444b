import Foundation
import NIOPosix
import PorchlightCore

/// Applies `WebhookAddressPolicy` to what a URL's host resolves to, at registration and again
/// before every attempt (a name can be pointed at an internal address after it was registered).
/// AsyncHTTPClient resolves the name once more to connect, so a name whose answers change between
/// the two lookups (DNS rebinding) could still slip through; connecting to the checked address
/// would close that gap.
struct WebhookAddresses: Sendable {
    let policy: WebhookAddressPolicy

    /// Checks a draft's fields, then where its URL's host leads. A name that does not resolve
    /// now, or not within two seconds, is accepted (deliveries check it again).
    func validate(_ draft: WebhookEndpointDraft) async throws -> WebhookEndpointDraft.Checked {
        let checked = try draft.validate(addresses: policy)
        if let url = checked.url, let refusal = await withDeadline(.seconds(2), { await refusal(resolving: url) }) ?? nil {
            throw DomainError.validation([FieldError(field: "url", message: refusal.message)])
        }
        return checked
    }

    /// Why a delivery to `url` must not be attempted, if it must not.
    func refusal(for url: URL) async -> WebhookAddressPolicy.Refusal? {
        if case .failure(let refusal) = policy.check(url: url.absoluteString) { return refusal }
        return await refusal(resolving: url)
    }

    /// Why an address the URL's host name resolves to is refused (nil for an address literal,
    /// which the policy's URL check has already judged).
    private func refusal(resolving url: URL) async -> WebhookAddressPolicy.Refusal? {
        guard let host = url.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), IPAddress(parsing: host) == nil else {
            return nil
        }
        let addresses = (try? await NIOThreadPool.singleton.runIfActive { Self.resolve(host) }) ?? []
        return addresses.lazy.compactMap(policy.check).first
    }

    /// Every address `host` resolves to (blocking: run on a thread pool).
    static func resolve(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        for entry in sequence(first: first, next: { $0.pointee.ai_next }) {
            guard let address = entry.pointee.ai_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    var raw = $0.pointee.sin_addr
                    if let ip = IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }) { addresses.append(ip) }
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    var raw = $0.pointee.sin6_addr
                    if let ip = IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }) { addresses.append(ip) }
                }
            default:
                continue
            }
        }
        return addresses
    }
}
