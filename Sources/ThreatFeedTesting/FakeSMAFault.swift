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
}

/// The fake SMA's endpoints.
public enum FakeSMAEndpoint: Sendable, Hashable {
    case login, remediation
}
