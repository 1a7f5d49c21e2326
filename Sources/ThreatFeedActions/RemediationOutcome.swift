import ThreatFeedCore

/// How one remediation request ended, as the runner acts on it.
public enum RemediationOutcome: Sendable, Equatable {
    /// 2xx: SMA took the request.
    case accepted(RemediationAnswer)
    /// 5xx, 429 (with its Retry-After, seconds), no answer, or a login that failed for now: try again later.
    case transient(RemediationAnswer, retryAfter: Double?)
    /// Any other 4xx: SMA refused this request; retrying the same body will not help.
    case rejected(RemediationAnswer)
}
