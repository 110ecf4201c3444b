import Foundation
import PorchlightCore

/// Applies `WebhookAddressPolicy` to a URL and to every address its host resolves to, at
/// registration and again before every attempt (a name can be pointed at an internal address
/// after it was registered). An attempt then connects to the address that was checked (see
/// `WebhookClients`), never to what a second lookup answers: a name whose answers change
/// between the check and the connection (DNS rebinding) cannot lead it elsewhere.
struct WebhookAddresses: Sendable {
    let policy: WebhookAddressPolicy
    let resolver: WebhookResolver

    init(settings: WebhookSettings) {
        policy = WebhookAddressPolicy(allowLoopback: settings.allowLoopback)
        resolver = settings.resolver
    }

    /// Where an attempt connects: the URL's host (as AsyncHTTPClient reads it from the URL, without
    /// IPv6 brackets), and the checked address that stands for it.
    struct Destination: Sendable, Hashable {
        var host: String
        var address: IPAddress
    }

    enum Lookup: Sendable {
        case allowed(Destination)
        case refused(WebhookAddressPolicy.Refusal)
        case unresolved(host: String)
    }

    /// Checks a draft's fields, then where its URL's host leads. A name that does not resolve
    /// now, or not within two seconds, is accepted (deliveries check it again).
    func validate(_ draft: WebhookEndpointDraft) async throws -> WebhookEndpointDraft.Checked {
        let checked = try draft.validate(addresses: policy)
        if let url = checked.url, case .refused(let refusal)? = await withDeadline(.seconds(2), { await lookUp(url, attempt: 1) }) {
            throw DomainError.validation([FieldError(field: "url", message: refusal.message)])
        }
        return checked
    }

    /// Where the `attempt`th attempt of a delivery to `url` connects, or why it must not be made.
    func destination(for url: URL, attempt: Int) async -> Lookup {
        if case .failure(let refusal) = policy.check(url: url.absoluteString) { return .refused(refusal) }
        return await lookUp(url, attempt: attempt)
    }

    /// One of the host's addresses, once every address it resolves to is allowed. Attempts take
    /// them in turn, the first the preferred one: connecting to one address gives up the client's
    /// own fallback to the next, so an address that does not answer must not fail every retry.
    /// An address literal stands for itself (the policy's URL check has judged it).
    private func lookUp(_ url: URL, attempt: Int) async -> Lookup {
        let host = (url.host ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if let literal = IPAddress(parsing: host) { return .allowed(Destination(host: host, address: literal)) }
        let addresses = (try? await resolver.addresses(host)) ?? []
        if let refusal = addresses.lazy.compactMap(policy.check).first { return .refused(refusal) }
        guard !addresses.isEmpty else { return .unresolved(host: host) }
        return .allowed(Destination(host: host, address: addresses[max(0, attempt - 1) % addresses.count]))
    }
}
