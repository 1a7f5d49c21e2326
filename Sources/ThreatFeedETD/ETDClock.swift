import Foundation

/// Time as the ETD client and poller see it: wall-clock now (for search windows and the token's
/// age) and sleeping (rate limit, Retry-After, backoff, poll interval). Injected so that tests
/// can run hours of polling in milliseconds.
public protocol ETDClock: Sendable {
    func now() -> Date
    /// Sleeps `seconds`; throws `CancellationError` when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The real clock.
public struct SystemETDClock: ETDClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(for: .seconds(seconds))
    }
}
