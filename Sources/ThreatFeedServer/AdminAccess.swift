import Hummingbird
import ThreatFeedCore

/// Who may see the administrator's detail (feed names and counts, appliance addresses, peer errors, clients).
///
/// With an admin token configured: only a request carrying `Authorization: Bearer <token>`, compared in constant
/// time. Without one: only loopback clients (the operator on the host itself), when the page allows that.
enum AdminAccess {
    static func allowed(_ request: Request, _ context: AppRequestContext, token: String?, loopbackWithoutToken: Bool) -> Bool {
        if let token {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
            return ConstantTime.equals(Array(header.dropFirst(7).utf8), Array(token.utf8))
        }
        return loopbackWithoutToken && isLoopback(context.clientAddress)
    }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
