import ThreatFeedCore

extension RetryPolicy {
    /// A notification after a transient failure (a 4xx reply, a refused or dropped connection, a timeout): four
    /// attempts over roughly a minute; a greylisting relay usually accepts within that, longer outages are the next
    /// cycle's business. Permanent failures are never retried.
    public static let notification = RetryPolicy(maxAttempts: 4, initialDelay: 5, maxDelay: 60)
}

/// Kept so that branches written against the old name compile.
public typealias NotificationRetryPolicy = RetryPolicy
