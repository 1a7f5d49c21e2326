import Foundation

/// Time as the background work sees it — the ETD poller and client, the action runners, the mail sender: wall-clock
/// now (search windows, due times, records) and sleeping (rate limits, Retry-After, back-off, intervals). One
/// protocol, injected everywhere, so that tests run hours of polling and retries in milliseconds on one virtual
/// clock (ThreatFeedTesting's `VirtualClock`).
public protocol WallClock: Sendable {
    func now() -> Date
    /// Sleeps `seconds`; throws `CancellationError` when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The real clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(for: .seconds(seconds))
    }
}
