/// When a remediation that failed transiently (5xx, 429, no answer) is tried again. The wait is
/// persisted on the row (`next_attempt`), so a restart neither forgets nor shortens it.
public struct RemediationRetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; then the row is `failed` with the last answer.
    public var maxAttempts = 8
    public var initialDelay = 15.0
    public var maxDelay = 3_600.0
    /// A Retry-After longer than this is cut to it.
    public var maxRetryAfter = 3_600.0

    public init() {}

    /// Capped exponential backoff with equal jitter (half fixed, half random).
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Double {
        let exponential = min(maxDelay, initialDelay * Double(1 << min(max(attempt - 1, 0), 30)))
        return exponential / 2 + exponential / 2 * random
    }
}
