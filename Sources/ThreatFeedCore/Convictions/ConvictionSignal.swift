import Synchronization

/// The one way the actions learn that there is something to act on: the ETD poll raises `.pageCommitted` when a
/// conviction page commits and `.cycleEnded` when its cycle ends; each action waits on its own `Waiter` for the
/// events it cares about, with its interval as the safety net (a signal lost or raised by another process, such
/// as `etd poll`, is picked up at the next interval).
public final class ConvictionSignal: Sendable {
    public enum Event: Sendable, Hashable {
        case cycleStarted
        case pageCommitted
        case cycleEnded
    }

    private let state = Mutex<(waiters: [Waiter], cycleRunning: Bool)>(([], false))

    /// `cycleRunning: true` when a poller is about to start: what its first cycle commits is not yet complete.
    public init(cycleRunning: Bool = false) { state.withLock { $0.cycleRunning = cycleRunning } }

    /// A waiter woken by `events` (each waiter is used by one task at a time).
    public func waiter(for events: Set<Event>) -> Waiter {
        let waiter = Waiter(events: events)
        state.withLock { $0.waiters.append(waiter) }
        return waiter
    }

    public func raise(_ event: Event) {
        let waiters = state.withLock { state -> [Waiter] in
            switch event {
            case .cycleStarted: state.cycleRunning = true
            case .cycleEnded: state.cycleRunning = false
            case .pageCommitted: break
            }
            return state.waiters
        }
        for waiter in waiters where waiter.events.contains(event) { waiter.wake() }
    }

    /// Whether a poll cycle has started and not yet ended (its pages so far are not all it will find).
    public var isCycleRunning: Bool { state.withLock { $0.cycleRunning } }

    public final class Waiter: Sendable {
        let events: Set<Event>
        private struct State {
            var pending = false
            var continuation: CheckedContinuation<Void, Never>?
            var cancelled = false
        }
        private let state = Mutex(State())

        init(events: Set<Event>) { self.events = events }

        func wake() {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let continuation = state.continuation else {
                    state.pending = true
                    return nil
                }
                state.continuation = nil
                return continuation
            }
            continuation?.resume()
        }

        /// Returns at once if woken since the last call; else when woken, or when `seconds` have passed on `clock`.
        /// Throws only when the task is cancelled.
        public func wait(upTo seconds: Double, clock: any WallClock) async throws {
            let woken = state.withLock { state -> Bool in
                defer { state.pending = false }
                state.cancelled = false
                return state.pending
            }
            if woken { return }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await self.woken() }
                group.addTask { try await clock.sleep(seconds: max(0, seconds)) }
                defer { group.cancelAll() }
                _ = try await group.next()
            }
            try Task.checkCancellation()
        }

        private func woken() async {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let now = state.withLock { state -> Bool in
                        if state.cancelled { return true }
                        if state.pending {
                            state.pending = false
                            return true
                        }
                        state.continuation = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                    guard let continuation = state.continuation else {
                        state.cancelled = true
                        return nil
                    }
                    state.continuation = nil
                    return continuation
                }
                continuation?.resume()
            }
        }
    }
}
