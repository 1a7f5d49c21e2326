/// How often and how patiently a notification is tried again after a transient failure
/// (a 4xx reply, a refused or dropped connection, a timeout). Permanent failures are never retried.
public struct NotificationRetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var initialDelay: Double
    public var maxDelay: Double

    /// Four attempts over roughly a minute: a greylisting relay (4xx on first contact) usually
    /// accepts within that; longer outages are the next cycle's business.
    public init(maxAttempts: Int = 4, initialDelay: Double = 5, maxDelay: Double = 60) {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// Capped exponential backoff with "equal jitter" (half fixed, half random), as the ETD client does.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Double {
        let exponential = min(maxDelay, initialDelay * Double(1 << min(max(attempt - 1, 0), 30)))
        return exponential / 2 + exponential / 2 * random
    }
}
