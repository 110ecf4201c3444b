import Foundation
import NIOCore
import NIOPosix
import PorchlightCore

/// How webhook hosts are looked up: the system's resolver, or one DNS server asked directly
/// (tests, which answer as they need to).
public struct WebhookResolver: Sendable {
    /// Every address `host` resolves to, the preferred first (the one an attempt connects to).
    let addresses: @Sendable (_ host: String) async throws -> [IPAddress]

    /// `getaddrinfo`, on a thread pool since it blocks; its order is the system's preference.
    public static let system = WebhookResolver { host in
        try await NIOThreadPool.singleton.runIfActive { lookUp(host) }
    }

    /// Asks the DNS server at `host` (an address) and `port` for A and AAAA records, once each
    /// over UDP, IPv4 first. It does not retry: the caller bounds the wait.
    public static func dnsServer(host: String, port: Int) throws -> WebhookResolver {
        let server = try SocketAddress(ipAddress: host, port: port)
        return WebhookResolver { name in
            async let v4 = DNSQuery(name: name, type: .a).ask(server)
            async let v6 = DNSQuery(name: name, type: .aaaa).ask(server)
            return try await v4 + v6
        }
    }

    private static func lookUp(_ host: String) -> [IPAddress] {
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

/// One DNS question for a host's addresses (RFC 1035), and the reading of its answer.
struct DNSQuery: Sendable {
    enum RecordType: UInt16, Sendable {
        case a = 1, aaaa = 28

        var addressBytes: Int { self == .a ? 4 : 16 }
    }

    var name: String
    var type: RecordType
    var id = UInt16.random(in: .min ... .max)

    /// Sends the question to `server` and waits for its answer: the addresses, none for a name
    /// that does not exist or a label DNS cannot carry.
    func ask(_ server: SocketAddress) async throws -> [IPAddress] {
        guard let question = message() else { return [] }
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(to: server) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
            }
        }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(AddressedEnvelope(remoteAddress: server, data: question))
            for try await reply in inbound {
                if let addresses = addresses(in: reply.data) { return addresses }
            }
            return []
        }
    }

    /// The question as a message: header (this id, recursion desired, one question), then the name
    /// as labels, the type and class IN. Nil when a label is empty or longer than 63 bytes.
    func message() -> ByteBuffer? {
        var buffer = ByteBuffer()
        buffer.writeMultipleIntegers(id, UInt16(0x0100), UInt16(1), UInt16(0), UInt16(0), UInt16(0))
        let labels = name.hasSuffix(".") ? name.dropLast().split(separator: ".", omittingEmptySubsequences: false)
                                         : name.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard (1...63).contains(label.utf8.count) else { return nil }
            buffer.writeInteger(UInt8(label.utf8.count))
            buffer.writeString(String(label))
        }
        buffer.writeMultipleIntegers(UInt8(0), type.rawValue, UInt16(1))
        return buffer
    }

    /// The addresses of the type asked for in `reply`, none for an error answer (such as a name
    /// that does not exist); nil when it is not the answer to this question (or unreadable).
    func addresses(in reply: ByteBuffer) -> [IPAddress]? {
        var reply = reply
        guard let (replyID, flags, questions, answers, _, _) = reply.readMultipleIntegers(as: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16).self),
              replyID == id, flags & 0x8000 != 0
        else { return nil }
        guard flags & 0x000F == 0 else { return [] }
        for _ in 0..<questions {
            guard Self.skipName(&reply), reply.skip(4) else { return nil }
        }
        var addresses: [IPAddress] = []
        for _ in 0..<answers {
            guard Self.skipName(&reply),
                  let (recordType, recordClass, _, length) = reply.readMultipleIntegers(as: (UInt16, UInt16, UInt32, UInt16).self),
                  let data = reply.readBytes(length: Int(length))
            else { return nil }
            // Other records (the CNAMEs of an alias chain) are passed over.
            if recordType == type.rawValue, recordClass == 1, data.count == type.addressBytes, let address = IPAddress(bytes: data) {
                addresses.append(address)
            }
        }
        return addresses
    }

    /// Moves past a name: labels ending with an empty one, or with a pointer to an earlier name.
    private static func skipName(_ buffer: inout ByteBuffer) -> Bool {
        while let length = buffer.readInteger(as: UInt8.self) {
            if length == 0 { return true }
            if length & 0xC0 == 0xC0 { return buffer.readInteger(as: UInt8.self) != nil }
            guard buffer.skip(Int(length)) else { return false }
        }
        return false
    }
}

private extension ByteBuffer {
    /// Moves past `count` bytes, if there are as many.
    mutating func skip(_ count: Int) -> Bool {
        guard readableBytes >= count else { return false }
        moveReaderIndex(forwardBy: count)
        return true
    }
}
