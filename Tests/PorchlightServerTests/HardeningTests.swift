import Foundation
import HTTPTypes
import PorchlightCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Sends `request` as raw bytes to the service on loopback and returns what came back (status,
/// headers, body), for what no HTTP client sends: chunked bodies of a chosen size, a NUL in a
/// header. The request should say `Connection: close`, so the answer ends with the connection.
func rawExchange(port: Int, _ request: [UInt8]) async throws -> (status: Int, headers: [String: String], body: String) {
    try await Task.detached {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socketFD >= 0)
        defer { close(socketFD) }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0, "connect failed: \(errno)")
        // The service may answer and stop reading before the whole body is sent: that is fine.
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes { send(socketFD, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { break }
            sent += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socketFD, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        let (head, body) = text.range(of: "\r\n\r\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) } ?? (text, "")
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let headers = Dictionary(lines.dropFirst().compactMap { line -> (String, String)? in
            let parts = line.split(separator: ":", maxSplits: 1)
            return parts.count == 2 ? (parts[0].lowercased(), parts[1].trimmingCharacters(in: .whitespaces)) : nil
        }, uniquingKeysWith: { $1 })
        return (status, headers, body)
    }.value
}

/// Findings of an outside probe (issue "Hardening"): each a 4xx problem now, never a 500.
@Suite struct HardeningTests {
    @Test func aChunkedBodyOverTheLimitIsA413ProblemOnEveryKindOfOperation() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let port = service.port
            let chunk = [UInt8](repeating: UInt8(ascii: " "), count: 64 * 1024)
            for (method, path) in [("POST", "/v1/orders"), ("PUT", "/v1/return-policy"), ("POST", "/v1/delivery-quotes")] {
                var request = Array("\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(merchant.apiKey)\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8)
                for _ in 0..<20 {  // 1.25 MiB, over the 1 MiB limit
                    request += Array(String(chunk.count, radix: 16).utf8) + Array("\r\n".utf8) + chunk + Array("\r\n".utf8)
                }
                request += Array("0\r\n\r\n".utf8)
                let answer = try await rawExchange(port: port, request)
                #expect(answer.status == 413, "\(method) \(path): \(answer.status) \(answer.body.prefix(300))")
                #expect(answer.headers["content-type"] == "application/problem+json", "\(answer.headers)")
            }
        }
    }

    @Test func aNULInAHeaderGetsAProblemBody() async throws {
        try await withService { service in
            let port = service.port
            let request = Array("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Note: a".utf8) + [0] + Array("b\r\nConnection: close\r\n\r\n".utf8)
            let answer = try await rawExchange(port: port, request)
            #expect(answer.status == 400)
            #expect(answer.headers["content-type"] == "application/problem+json", "\(answer.headers)")
            let problem = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any], "\(answer.body)")
            #expect(problem["status"] as? Int == 400 && (problem["detail"] as? String)?.contains("NUL") == true, "\(answer.body)")
        }
    }

    @Test func pathAndQueryParametersThatAreNotStorableTextAre400sNamingThem() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let nulPath = try await service.call(.get, "/v1/locations/A%00B", key: merchant.apiKey)
            #expect(nulPath.status == .badRequest && nulPath.isProblem, "\(nulPath.text)")
            #expect(try fieldErrors(nulPath)["location_code"] == "must not contain NUL characters", "\(nulPath.text)")
            let nulQuery = try await service.call(.get, "/v1/orders?order_number=%00", key: merchant.apiKey)
            #expect(try fieldErrors(nulQuery)["order_number"] == "must not contain NUL characters", "\(nulQuery.text)")
            let notUTF8 = try await service.call(.get, "/v1/locations/%FF%FE", key: merchant.apiKey)
            #expect(notUTF8.status == .badRequest)
            #expect(try fieldErrors(notUTF8)["location_code"] == "must be valid UTF-8 text once percent-decoded", "\(notUTF8.text)")
            // An empty list is not "no filter": the generated decoder would read it so.
            for query in ["types=", "limit=10&types=", "types=&limit=10"] {
                let empty = try await service.call(.get, "/v1/events?\(query)", key: merchant.apiKey)
                #expect(empty.status == .badRequest, "\(query): \(empty.text)")
                #expect(try fieldErrors(empty)["types"]?.hasPrefix("must not be empty") == true, "\(query): \(empty.text)")
            }
            #expect(try await service.call(.get, "/v1/events?types=order.created", key: merchant.apiKey).status == .ok)
        }
    }

    @Test func aMalformedDateTimeInABodyNamesItsField() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var order = sampleOrder()
            order["placed_at"] = "yesterday"
            #expect(try fieldErrors(try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)).keys.sorted() == ["placed_at"])
            let disruption = try await service.call(.post, "/v1/disruptions", key: merchant.apiKey, json: [
                "cause": "weather", "scope": ["carriers": [["carrier": "dhl"]]], "starts_at": "2026-12-01T08:00:00Z",
                "expected_end_at": "soon", "extra_days": 1,
            ])
            #expect(disruption.status == .badRequest)
            #expect(try fieldErrors(disruption).keys.sorted() == ["expected_end_at"], "\(disruption.text)")
            let orderID = try await service.createOrder(merchant)
            let shipment = try await service.ship(merchant, order: orderID, tracking: "DT1", lines: [["sku": "TEE", "quantity": 1]])
            let scans = try await service.scans(merchant, shipment: try #require(shipment["id"] as? String),
                                                [scan("in_transit", "2026-11-21T08:00:00Z"), scan("in_transit", "2026-11-21 8am")])
            #expect(try fieldErrors(scans).keys.sorted() == ["events[1].occurred_at"], "\(scans.text)")
        }
    }

    @Test func aValueOutsideAnEnumIsAnsweredWithTheValuesAllowed() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let orderID = try await service.createOrder(merchant)
            let shipment = try await service.ship(merchant, order: orderID, tracking: "EN1", lines: [["sku": "TEE", "quantity": 1]])
            var bogus = scan("in_transit", "2026-11-21T08:00:00Z")
            bogus["substatus"] = "teleported"
            let refused = try await service.scans(merchant, shipment: try #require(shipment["id"] as? String), [bogus])
            #expect(refused.status == .badRequest)
            // TrackingSubstatus's values wrap onto three lines of the spec: the first and the last are named.
            let message = try #require(try fieldErrors(refused)["events[0].substatus"], "\(refused.text)")
            #expect(message.hasPrefix("must be one of weather_delay, carrier_delay,") && message.hasSuffix(", other, not 'teleported'"), "\(message)")
        }
    }

    @Test func metadataHoldsAtMostFiftyKeys() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            var order = sampleOrder()
            order["metadata"] = Dictionary(uniqueKeysWithValues: (1...51).map { ("k\($0)", $0) })
            let refused = try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order)
            #expect(refused.status == .unprocessableContent)
            #expect(try fieldErrors(refused)["metadata"] == "must have at most 50 keys")
            order["metadata"] = Dictionary(uniqueKeysWithValues: (1...50).map { ("k\($0)", $0) })
            #expect(try await service.call(.post, "/v1/orders", key: merchant.apiKey, json: order).status == .created)
        }
    }

    @Test func customerTokensAreOpaqueAndAMerchantRevokesALinkBeforeItExpires() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let orderID = try await service.createOrder(merchant)
            let made = try await service.call(.post, "/v1/orders/\(orderID)/customer-links", key: merchant.apiKey, json: ["expires_in_days": 60])
            #expect(made.status == .created)
            let token = try #require(made["token"] as? String)
            let linkID = try #require(made["link_id"] as? String)
            // Nothing in the token names the merchant or the order, however it is decoded.
            let body = String(token.dropFirst(4))
            #expect(token.hasPrefix("pct_") && !body.contains("."))
            let decoded = Data(base64Encoded: body.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "=")
                .map { String(decoding: $0, as: UTF8.self) } ?? ""
            for secret in [orderID, merchant.id, "\"o\"", "\"m\""] { #expect(!decoded.contains(secret) && !token.contains(secret)) }

            #expect(try await service.call(.get, "/v1/orders/\(orderID)/customer-view", key: token).status == .ok)
            let listed = try await service.call(.get, "/v1/orders/\(orderID)/customer-links", key: merchant.apiKey)
            let links = try #require(listed["items"] as? [[String: Any]], "\(listed.text)")
            #expect(links.map { $0["id"] as? String } == [linkID] && links[0]["revoked_at"] == nil && !listed.text.contains(token))

            let stranger = try await service.newMerchant()
            #expect(try await service.call(.delete, "/v1/orders/\(orderID)/customer-links/\(linkID)", key: stranger.apiKey).status == .notFound)
            let revoked = try await service.call(.delete, "/v1/orders/\(orderID)/customer-links/\(linkID)", key: merchant.apiKey)
            #expect(revoked.status == .ok, "\(revoked.text)")
            let revokedAt = try #require(revoked["revoked_at"] as? String)
            // Every replica refuses it once its credential cache (10 s) has let go of it.
            let refused = try await eventually("the revoked link refused", timeout: .seconds(12)) {
                try await service.call(.get, "/v1/orders/\(orderID)/customer-view", key: token).status
            } until: { $0 == .unauthorized }
            #expect(refused == .unauthorized)
            let again = try await service.call(.delete, "/v1/orders/\(orderID)/customer-links/\(linkID)", key: merchant.apiKey)
            #expect(again["revoked_at"] as? String == revokedAt, "revoking again changes nothing")
        }
    }

    @Test func metricsAnswerOnlyTheOperatorsToken() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            #expect(try await service.call(.get, "/metrics").status == .unauthorized)
            let withKey = try await service.call(.get, "/metrics", key: merchant.apiKey)
            #expect(withKey.status == .unauthorized && withKey.isProblem, "a merchant's key is not the operator's token")
            let metrics = try await service.call(.get, "/metrics", key: testMetricsToken)
            #expect(metrics.status == .ok && metrics.text.contains("http_requests_total"))
        }
        try await withService(metricsToken: nil) { service in
            let off = try await service.call(.get, "/metrics", key: testMetricsToken)
            #expect(off.status == .forbidden && (off["detail"] as? String)?.contains("METRICS_TOKEN") == true, "\(off.text)")
        }
    }

    @Test func aKeyGrantsOnlyTheScopesItHolds() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let manager = try await service.call(.post, "/v1/api-keys", key: merchant.apiKey, json: ["name": "keys only", "scopes": ["keys:manage"]])
            let managerKey = try #require(manager["key"] as? String, "\(manager.text)")
            let stronger = try await service.call(.post, "/v1/api-keys", key: managerKey,
                                                  json: ["name": "escalation", "scopes": ["keys:manage", "orders:read"]])
            #expect(stronger.status == .forbidden && (stronger["detail"] as? String)?.contains("orders:read") == true, "\(stronger.text)")
            let same = try await service.call(.post, "/v1/api-keys", key: managerKey, json: ["name": "another manager", "scopes": ["keys:manage"]])
            #expect(same.status == .created, "\(same.text)")
        }
    }
}
