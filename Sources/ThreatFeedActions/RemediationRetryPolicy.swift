import ThreatFeedCore

extension RetryPolicy {
    /// SMA remediation of a transient failure (5xx, 429, no answer). The wait is persisted on the row
    /// (`next_attempt`), so a restart neither forgets nor shortens it; after the last attempt the row is `failed`.
    public static let remediation = RetryPolicy(maxAttempts: 8, initialDelay: 15, maxDelay: 3_600, maxRetryAfter: 3_600)

    /// One blocklist request within a run (5xx, 429, no answer): doubling waits without jitter; a 429 asking for
    /// longer than two minutes ends the run instead (the next run carries on).
    public static let blocklist = RetryPolicy(maxAttempts: 4, initialDelay: 1, maxDelay: 3_600, maxRetryAfter: 120, jitter: false)
}

/// Kept so that branches written against the old name compile.
public typealias RemediationRetryPolicy = RetryPolicy
