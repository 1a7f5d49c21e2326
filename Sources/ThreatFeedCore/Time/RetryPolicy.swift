/// How often, and after how long, a transiently failed call is tried again: capped exponential back-off, with
/// "equal jitter" (half fixed, half random) so that many clients restarted together spread out while each still
/// waits a predictable minimum. One type, configured per use (`.etd`, `.remediation`, `.notification`,
/// `.blocklist`, defined next to their users).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The wait after the first attempt; doubled after each further one, up to `maxDelay`.
    public var initialDelay: Double
    public var maxDelay: Double
    /// A Retry-After longer than this is cut to it (or, where the caller says so, ends the attempt).
    public var maxRetryAfter: Double
    /// Without jitter the wait is exactly the doubled delay.
    public var jitter: Bool

    public init(maxAttempts: Int, initialDelay: Double, maxDelay: Double, maxRetryAfter: Double = 3_600, jitter: Bool = true) {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.jitter = jitter
    }

    /// The wait after attempt `attempt` (1-based) failed; `random` in 0...1 is the jitter's draw.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Double {
        let exponential = min(maxDelay, initialDelay * Double(1 << min(max(attempt - 1, 0), 30)))
        return jitter ? exponential / 2 + exponential / 2 * random : exponential
    }
}
