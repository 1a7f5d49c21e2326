/// Sleeping between delivery attempts, injected so tests of the retry schedule take no time.
public protocol MailClock: Sendable {
    /// Sleeps `seconds`; throws `CancellationError` when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The real clock.
public struct SystemMailClock: MailClock {
    public init() {}
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(for: .seconds(seconds))
    }
}
