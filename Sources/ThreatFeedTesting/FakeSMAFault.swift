import Foundation
import Hummingbird
import NIOCore

/// A failure the fake SMA serves instead of the next answer on an endpoint.
public enum FakeSMAFault: Sendable, Equatable {
    /// 401 with the AsyncOS envelope, and the token is forgotten, as if it had expired.
    case expiredToken
    /// Any status with the AsyncOS envelope (500, 502, 503; or 400 for a refused request).
    case status(Int)
    /// 429 with `Retry-After: seconds`.
    case tooManyRequests(retryAfter: Int)
    /// 200 with a body that is not JSON.
    case malformedBody
    /// The request is received and recorded, but the answer is held until `release()` or the fake
    /// stops (for killing the client while SMA "is answering").
    case stall
    /// Answers normally: queued before another fault, it lets that one hit a later request.
    case passThrough
    /// A redirect (`status`, e.g. 302 or 307) to `location`: a client must not follow it.
    case redirect(status: Int, location: String)
}

/// The fake SMA's endpoints.
public enum FakeSMAEndpoint: Sendable, Hashable {
    case login, remediation
}

extension FakeSMAFault {
    /// The AsyncOS answer both fakes (SMA and ESA) give for a fault; nil for `stall` and `passThrough`,
    /// which the fake handles itself. `badRequest` is the explanation of a 400 on this endpoint.
    func cannedResponse(badRequest: String = "400 = Invalid value.") -> Response? {
        switch self {
        case .expiredToken: return FakeSMA.error(401)
        case .status(let code):
            let reason = [400: "Bad Request", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"][code] ?? "Error"
            return FakeSMA.error(code, message: "\(reason).", explanation: code == 400 ? badRequest : "\(code) = The server is not ready.")
        case .tooManyRequests(let seconds):
            var response = FakeSMA.error(429, message: "Too Many Requests.", explanation: "429 = Rate limit exceeded.")
            response.headers[.retryAfter] = String(seconds)
            return response
        case .malformedBody:
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"data\": {")))
        case .redirect(let status, let location):
            return Response(status: .init(code: status), headers: [.location: location, .contentLength: "0"])
        case .stall, .passThrough:
            return nil
        }
    }
}
