import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import PorchlightCore

/// A request NIO cannot parse (a NUL or another control character in a header, a broken request
/// line) reaches no route: Hummingbird would answer a bare 400. This handler answers it with a
/// problem body like every other error, then closes the connection, since the byte stream can no
/// longer be read as requests.
final class ParseErrorProblemHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        let problem = Problem.badRequest(
            "The request is not valid HTTP/1.1 (\(parseError)); header values must not contain control characters such as NUL.",
            errors: [FieldError(field: "headers", message: "must be valid HTTP/1.1 without control characters")])
        let body = problem.body(requestID: nil, instance: nil)
        let head = HTTPResponse(status: .badRequest, headerFields: [
            .contentType: "application/problem+json", .contentLength: String(body.readableBytes), .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
