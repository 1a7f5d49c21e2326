import Foundation

/// Time as the action runners see it: now (for due times and records) and sleeping (backoff,
/// intervals). Injected so tests run hours of retries in milliseconds.
public protocol ActionClock: Sendable {
    func now() -> Date
    /// Sleeps `seconds`; throws `CancellationError` when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The real clock.
public struct SystemActionClock: ActionClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(for: .seconds(seconds))
    }
}
