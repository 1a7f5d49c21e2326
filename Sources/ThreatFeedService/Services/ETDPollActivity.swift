import Synchronization

/// Whether the ETD poller is in the middle of a cycle. A cycle commits page by page; the notifier waits for the
/// cycle's end so that one mail lists what one cycle found, instead of a mail per page.
final class ETDPollActivity: Sendable {
    private let polling: Mutex<Bool>

    /// `polling: true` for a poller that is about to start: nothing is collected before its first cycle ends.
    init(polling: Bool) { self.polling = Mutex(polling) }

    var isPolling: Bool { polling.withLock { $0 } }

    func set(_ value: Bool) { polling.withLock { $0 = value } }

    /// Returns when no cycle runs, or after `limit` seconds (a stuck cycle must not hold the notices back for ever).
    func waitUntilIdle(limit: Double) async throws {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(limit * 1_000)))
        while isPolling, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
    }
}
