import Foundation
import Hummingbird
import ThreatFeedCore

/// Who may call `POST /lookup`: the administrator (the admin token as a bearer token, checked by the same
/// function as `/health/clients`), or a user with the `lookup` permission (its Basic credentials, checked
/// like a TAXII poller's). The one place the lookup route decides access.
struct LookupAccess: Sendable {
    let adminToken: String?
    let credentials: CredentialVerifier
    let store: any UserRecords

    /// Nil when the request may proceed, else the answer refusing it.
    func refusal(_ request: Request, _ context: AppRequestContext) async throws -> Response? {
        if let basic = BasicCredentials(authorization: request.headers[.authorization]) {
            let user: User
            switch try await credentials.authenticate(basic, from: context.clientAddress) {
            case .verified(let verified): user = verified
            case .wrong: return Self.denied(.unauthorized, "wrong user name or password")
            case .backingOff: return Self.denied(.unauthorized, "too many wrong passwords from this address: try again later")
            case .busy: return Self.denied(.serviceUnavailable, "too many password checks in progress: try again shortly")
            }
            let userID = user.id
            guard try await store.userHas(.lookup, userID: userID) else {
                return Self.denied(.forbidden, "this user has no lookup permission (threatfeed user allow NAME lookup)")
            }
            return nil
        }
        if adminToken != nil, ObservabilityController.allowed(request, context, token: adminToken, loopbackWithoutToken: false) {
            return nil
        }
        return Self.denied(
            .unauthorized, "send the admin token (Authorization: Bearer …) or the Basic credentials of a user with the lookup permission"
        )
    }

    static func denied(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var response = ObservabilityController.denied(message, status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = #"Basic realm="ThreatFeed lookup""# }
        return response
    }
}
