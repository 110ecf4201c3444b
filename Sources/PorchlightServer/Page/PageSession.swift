import Crypto
import Foundation
import HTTPTypes
import PorchlightCore

/// The customer page's session: a cookie holding a customer token (from a look-up or a link), so
/// the page sees exactly what that token sees through the API. `HttpOnly` keeps it from scripts,
/// `SameSite=Strict` from other sites' requests, `Secure` off plain connections (browsers treat
/// loopback as secure). Every form also carries a token derived from the session, which another
/// site cannot read or compute.
struct PageSession: Sendable {
    static let cookieName = "porchlight_session"

    /// The customer token in the cookie.
    let token: String

    /// The session of this request, when it carried a valid one (set by `AuthMiddleware`).
    @TaskLocal static var current: PageSession?

    /// The session token in a `Cookie` header, if any.
    static func token(inCookieHeader header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName {
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// The `Set-Cookie` value that starts a session on the page's paths.
    static func cookie(token: String, slug: String, lifetime: Duration) -> String {
        "\(cookieName)=\(token); Path=/pages/\(slug); Max-Age=\(lifetime.components.seconds); HttpOnly; Secure; SameSite=Strict"
    }

    /// The token every form of this session carries: an HMAC of the session token, so it is
    /// worthless without the cookie and cannot be made from outside.
    var formToken: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("page form".utf8), using: SymmetricKey(data: Data(token.utf8)))
        return Base64URL.encode(Data(mac))
    }

    /// Whether a submitted form token is this session's; compared without early exit.
    func accepts(formToken given: String) -> Bool {
        AuthMiddleware.constantTimeEqual(given, formToken)
    }
}
