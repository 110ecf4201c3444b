import Foundation
import Hummingbird
import PorchlightCore

/// The contract declares no field nullable, but Swift's decoding would take an explicit `null` as
/// "absent"; this refuses `null` in JSON request bodies (400, naming the field) so that what is
/// accepted is exactly what the spec allows. Free-form `metadata` may hold anything.
/// A body without the bytes `null` anywhere cannot hold one, so only such bodies are parsed here:
/// in the common case the body is parsed once, by the generated decoder.
struct NullFieldMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        // BodyLimitMiddleware has already collected the body, so reading it again here is cheap.
        if request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true,
           case let buffer = try await request.collectBody(upTo: RequestLimits.maxBodyBytes),
           Self.mayHoldNull(buffer.readableBytesView),
           let json = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [.fragmentsAllowed]),
           let field = JSONPath.first(in: json, skipping: ["metadata"], where: { $0 is NSNull }) {
            throw DomainError.badRequest(
                "\(field.isEmpty ? "The body" : field) is null; omit a field rather than sending null.",
                [FieldError(field: field.isEmpty ? "body" : field, message: "must not be null (omit it instead)")])
        }
        return try await next(request, context)
    }

    static func mayHoldNull(_ bytes: some Collection<UInt8>) -> Bool {
        let null = Array("null".utf8)
        var matched = 0
        for byte in bytes {
            matched = byte == null[matched] ? matched + 1 : (byte == null[0] ? 1 : 0)
            if matched == null.count { return true }
        }
        return false
    }
}
