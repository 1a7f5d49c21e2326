import ThreatFeedCore

extension RetryPolicy {
    /// ETD searches: a 429, a 5xx or a transport failure is tried again within the cycle, briefly; a Retry-After
    /// longer than two minutes is cut to it, so one cycle does not stall for an hour.
    public static let etd = RetryPolicy(maxAttempts: 6, initialDelay: 1, maxDelay: 60, maxRetryAfter: 120)
}

/// Kept so that branches written against the old name compile.
public typealias ETDRetryPolicy = RetryPolicy
