import Hummingbird
import HTTPTypes
import NIOCore

/// The service's request context: Hummingbird's, plus the peer's address, from which the
/// client's address is taken for per-address throttles.
struct PorchlightRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Where a request comes from. Behind a proxy, the peer is the proxy: with `CLIENT_ADDRESS_HEADER`
/// set (e.g. `X-Forwarded-For`), the client is the last address in that header, the one the
/// trusted proxy added (earlier ones are whatever the client claimed). Set it only behind a proxy
/// that always sets the header, or anyone can claim any address.
enum ClientAddress {
    static func of(_ request: Request, peer: SocketAddress?, trustedHeader: HTTPField.Name?) -> String? {
        if let trustedHeader {
            return request.headers[values: trustedHeader].last?
                .split(separator: ",").last?.trimmingCharacters(in: .whitespaces)
                .nonEmpty
        }
        return peer?.ipAddress
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
