import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OpenAPIRuntime
import PorchlightAPI
@testable import PorchlightServer
import Testing

/// The order journey through the Swift client generated from openapi.yaml, as a mobile team
/// would call it: typed inputs, typed outputs, against the live service.
@Suite struct TypedClientTests {
    @Test func theOrderJourneyThroughTheGeneratedClient() async throws {
        try await withService { service in
            let merchant = try await service.newMerchant()
            let port = service.port
            let api = Client(
                serverURL: try #require(URL(string: "http://127.0.0.1:\(port)")),
                configuration: .init(dateTranscoder: RFC3339DateTranscoder()),
                transport: AsyncHTTPClientTransport(client: .shared), middlewares: [BearerToken(token: merchant.apiKey)])

            let number = "TYPED-\(UUID().uuidString.prefix(8))"
            let order = try await api.upsertOrder(body: .json(.init(
                orderNumber: number, channel: .init(_type: .web), customer: .init(email: "ana@example.com", name: "Ana Popescu"),
                destination: .init(line1: "Strada Lipscani 12", city: "Bucharest", postalCode: "030031", country: .ro),
                placedAt: Date(timeIntervalSinceNow: -3600), currency: .ron,
                lines: [.init(sku: "TEE", name: "Red tee", quantity: 2, unitPrice: 4990),
                        .init(sku: "MUG", name: "Mug", quantity: 1, unitPrice: 2990)]))).created.body.json
            #expect(order.orderNumber == number)
            #expect(order.status == .processing)
            #expect(order.subtotal == 2 * 4990 + 2990)

            let shipment = try await api.createShipment(
                path: .init(orderId: order.id),
                body: .json(.init(carrier: "dhl", serviceLevel: "standard", trackingNumber: "TY\(UInt32.random(in: 0...UInt32.max))",
                                  lines: [.init(sku: "TEE", quantity: 2)]))).created.body.json
            #expect(shipment.orderId == order.id)

            let scans = try await api.recordTrackingEvents(
                path: .init(shipmentId: shipment.id),
                body: .json(.init(events: [.init(status: .inTransit, occurredAt: Date(timeIntervalSinceNow: -600), carrierEventId: "t-1")])))
                .ok.body.json
            #expect(scans.recorded == 1)
            #expect(scans.shipment.status == .inTransit)

            let cancelled = try await api.cancelOrder(
                path: .init(orderId: order.id), body: .json(.init(reason: .outOfStock, lines: [.init(sku: "MUG", quantity: 1)]))).ok.body.json
            #expect(cancelled.lines.first { $0.sku == "MUG" }?.cancelledQuantity == 1)
            #expect(cancelled.status == .shipped || cancelled.status == .inTransit)

            let read = try await api.getOrder(path: .init(orderId: order.id)).ok.body.json
            #expect(read.version == cancelled.version)
            #expect(read.shipments.map(\.id) == [shipment.id])

            let token = try await api.lookUpOrder(body: .json(.init(orderNumber: number, email: "ana@example.com"))).ok.body.json
            #expect(token.orderId == order.id)

            let missing = try await api.getOrder(path: .init(orderId: UUID().uuidString))
            guard case .notFound(let problem) = missing else {
                Issue.record("expected 404, got \(missing)")
                return
            }
            #expect(try problem.body.applicationProblemJson.status == 404)
        }
    }
}

/// A ClientTransport over AsyncHTTPClient, enough for these tests.
struct AsyncHTTPClientTransport: ClientTransport {
    let client: HTTPClient

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        var outgoing = HTTPClientRequest(url: baseURL.absoluteString + (request.path ?? ""))
        outgoing.method = .init(rawValue: request.method.rawValue)
        for field in request.headerFields { outgoing.headers.add(name: field.name.canonicalName, value: field.value) }
        if let body { outgoing.body = .bytes(ByteBuffer(bytes: try await [UInt8](collecting: body, upTo: 1 << 20))) }
        let response = try await client.execute(outgoing, timeout: .seconds(30))
        var fields = HTTPFields()
        for (name, value) in response.headers { if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) } }
        let bytes = try await response.body.collect(upTo: 1 << 24)
        return (HTTPResponse(status: .init(code: Int(response.status.code)), headerFields: fields), HTTPBody(Array(bytes.readableBytesView)))
    }
}

/// Sends `Authorization: Bearer <token>` with every request.
struct BearerToken: ClientMiddleware {
    let token: String

    func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                   next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}
