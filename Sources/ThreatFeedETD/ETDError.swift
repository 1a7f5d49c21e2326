/// Everything that can go wrong talking to ETD, worded for the operator. All messages are built
/// here, in one place; none contains a secret (server text is scrubbed before it gets here).
public enum ETDError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Missing or invalid settings.
    case configuration(String)
    /// The token call answered 401: the client id or secret is wrong.
    case credentialsRejected
    /// 403 on any call: the x-api-key is missing, wrong, or too new (keys take 3–5 minutes).
    case apiKeyRejected(endpoint: String)
    /// A 401 on an API call even right after a fresh token.
    case tokenRejected(endpoint: String)
    /// A 4xx other than the above: our request was wrong (e.g. a bad time range).
    case requestRejected(endpoint: String, status: Int, message: String?)
    /// 429 or 5xx after every retry.
    case gaveUp(endpoint: String, attempts: Int, lastProblem: String)
    /// The body is not what the API documents; `problem` names the field.
    case malformedResponse(endpoint: String, problem: String)
    /// A 3xx: never followed (the credentials would go with it); `location` without user info or query.
    case redirected(endpoint: String, status: Int, location: String)
    /// The cycle read more pages than `etd.max_pages_per_cycle` allows: the peer keeps sending next-page tokens.
    case tooManyPages(endpoint: String, pages: Int)
    /// The cycle ran past `etd.cycle_deadline`.
    case cycleDeadlinePassed(seconds: Int, pages: Int)
    /// Stopped because the service is shutting down.
    case cancelled

    public var description: String {
        switch self {
        case .configuration(let text):
            "ETD configuration: \(text)"
        case .credentialsRejected:
            "ETD rejected the client id or client secret (HTTP 401 from /v1/oauth/token); check THREATFEED_ETD_CLIENT_ID and THREATFEED_ETD_CLIENT_SECRET"
        case .apiKeyRejected(let endpoint):
            "ETD rejected the API key (HTTP 403 from \(endpoint)); check THREATFEED_ETD_API_KEY (new keys take 3–5 minutes to work)"
        case .tokenRejected(let endpoint):
            "ETD rejected a freshly issued access token (HTTP 401 from \(endpoint))"
        case .requestRejected(let endpoint, let status, let message):
            "ETD refused the request to \(endpoint) (HTTP \(status))\(message.map { ": \($0)" } ?? "")"
        case .gaveUp(let endpoint, let attempts, let lastProblem):
            "ETD did not answer \(endpoint) after \(attempts) attempts (last: \(lastProblem))"
        case .malformedResponse(let endpoint, let problem):
            "ETD sent an unexpected response from \(endpoint): \(problem)"
        case .redirected(let endpoint, let status, let location):
            "ETD answered \(endpoint) with a redirect (HTTP \(status) to \(location)), which is not followed; check THREATFEED_ETD_REGION or THREATFEED_ETD_BASE_URL"
        case .tooManyPages(let endpoint, let pages):
            "ETD kept sending next pages from \(endpoint): stopped after \(pages) pages in one cycle (etd.max_pages_per_cycle); the window is searched again next cycle, what was read is kept"
        case .cycleDeadlinePassed(let seconds, let pages):
            "the ETD poll cycle ran past its deadline of \(seconds) s after \(pages) pages (etd.cycle_deadline); the window is searched again next cycle, what was read is kept"
        case .cancelled:
            "ETD polling was cancelled"
        }
    }

    /// Whether the next cycle may succeed without anyone changing the configuration.
    public var isTransient: Bool {
        switch self {
        case .gaveUp, .malformedResponse, .cancelled, .tooManyPages, .cycleDeadlinePassed: true
        default: false
        }
    }
}
