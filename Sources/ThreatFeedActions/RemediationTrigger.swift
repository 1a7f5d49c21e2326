import Synchronization

/// Wakes the remediation runner early: the ETD poller pulls it after each cycle, so a new
/// conviction is remediated minutes sooner than the runner's own interval would.
public final class RemediationTrigger: Sendable {
    private let pulled = Mutex(false)

    public init() {}

    public func pull() { pulled.withLock { $0 = true } }

    /// Whether it was pulled since the last call (and resets it).
    func take() -> Bool { pulled.withLock { value in defer { value = false }; return value } }
}
