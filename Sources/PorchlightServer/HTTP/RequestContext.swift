import Hummingbird
import HTTPTypes
import NIOCore
import PorchlightCore

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
/// that always sets the header, or anyone can claim any address. Without the header, or when it
/// holds no IP address, the client is the peer.
enum ClientAddress {
    static func of(_ request: Request, peer: SocketAddress?, trustedHeader: HTTPField.Name?) -> IPAddress? {
        let forwarded = trustedHeader.flatMap { request.headers[values: $0].last?.split(separator: ",").last }
        return forwarded.flatMap { IPAddress(parsing: $0.trimmingCharacters(in: .whitespaces)) }
            ?? peer?.ipAddress.flatMap(IPAddress.init(parsing:))
    }
}
