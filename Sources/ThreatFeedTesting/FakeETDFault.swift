/// A failure the fake ETD serves instead of the next answer on an endpoint.
public enum FakeETDFault: Sendable, Equatable {
    /// 401 `{"message":"Unauthorized"}`: the bearer token "expired" (the client must renew once and retry).
    case expiredToken
    /// 403 `{"message":"Forbidden"}`: the API key is wrong.
    case badAPIKey
    /// 429 with `Retry-After: seconds`.
    case tooManyRequests(retryAfter: Int)
    /// 502 or 503 (any 5xx).
    case serverError(Int)
    /// Answers correctly, but only after `seconds` (longer than the client's timeout).
    case hang(seconds: Double)
    /// 200 with a body that is not JSON.
    case malformedJSON
    /// 200 with valid JSON whose message lacks the required `id`.
    case messageWithoutID
    /// Answers normally: queued before another fault, it lets that one hit a later request.
    case passThrough
    /// Never answers until the fake stops (for killing a client mid-cycle).
    case stall
    /// A redirect (`status`, e.g. 302 or 307) to `location`: a client must not follow it.
    case redirect(status: Int, location: String)
    /// Answers the page asked for, but always with a next-page token back to the first page: a peer that loops
    /// a client forever unless the client caps its pages. Inject it many times.
    case endlessPages
}

/// The fake's two endpoints.
public enum FakeETDEndpoint: Sendable, Hashable {
    case token, search
}
