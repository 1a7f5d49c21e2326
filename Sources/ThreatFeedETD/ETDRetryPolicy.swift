/// How long to wait before retrying a 429, a 5xx or a transport failure.
public struct ETDRetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts = 6
    public var initialDelay = 1.0
    public var maxDelay = 60.0
    /// A Retry-After longer than this is cut to it: one cycle should not stall for an hour.
    public var maxRetryAfter = 120.0

    public init() {}

    /// Capped exponential backoff with "equal jitter": half fixed, half random, so many clients
    /// restarted together spread out while each still waits a predictable minimum.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Double {
        let exponential = min(maxDelay, initialDelay * pow2(attempt - 1))
        return exponential / 2 + exponential / 2 * random
    }

    private func pow2(_ n: Int) -> Double { n <= 0 ? 1 : Double(1 << min(n, 30)) }
}
