import NIOCore
import NIOPosix
import Synchronization

/// Sleeps for deadlines counted in seconds (a request body's 30 s), all served by one timer that ticks every
/// `resolution` while any sleep waits.
///
/// Why not `Task.sleep`: on Linux (Swift 6.3) a cancelled sleep keeps its dispatch timer and job on the heap until
/// its deadline; racing a 30-second sleep against every request body left 20–40 MiB behind under small-poll load.
/// Why not one NIO timer per sleep: scheduling and cancelling it wake the event loop twice per request, which cost a
/// one-connection client 15–30 % of its small polls (Benchmarks/RESULTS.md, "Memory under small-poll load, issue 14
/// part 4, session 4"). Here a sleep is a dictionary entry under a lock: a cancelled one leaves at once, and the
/// event loop wakes once per tick, whatever the request rate. A sleep ends up to one `resolution` late.
final class CoarseTimer: Sendable {
    /// What the request-body deadlines use.
    static let shared = CoarseTimer(resolution: .seconds(1))

    private enum Entry {
        /// Registered, its continuation not yet stored; or cancelled in that moment.
        case pending(ContinuousClock.Instant)
        case cancelledWhilePending
        case waiting(ContinuousClock.Instant, CheckedContinuation<Void, any Error>)
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var lastID: UInt64 = 0
        var ticker: RepeatedTask?
        /// Ticks in a row that found nothing waiting: after `idleTicksBeforeStopping`, the ticker stops.
        var idleTicks = 0
    }

    private let state = Mutex(State())
    private let resolution: Duration
    private let eventLoop: any EventLoop
    /// So a steady trickle of requests (one at a time, each ending before the next tick) keeps one ticker running
    /// instead of starting one per request.
    private static let idleTicksBeforeStopping = 30

    init(resolution: Duration, eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        self.resolution = resolution
        self.eventLoop = eventLoop
    }

    /// Sleeps for about `duration` (up to one `resolution` more), or throws `CancellationError` as soon as the task
    /// is cancelled.
    func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        // Beyond a century, a deadline is never: clamping keeps the instant's arithmetic from trapping.
        let deadline = ContinuousClock.now.advanced(by: min(max(duration, .zero), Self.century))
        let id = state.withLock { state in
            state.lastID &+= 1
            state.entries[state.lastID] = .pending(deadline)
            return state.lastID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = state.withLock { state -> Bool in
                    if case .cancelledWhilePending = state.entries[id] {
                        state.entries[id] = nil
                        return true
                    }
                    state.entries[id] = .waiting(deadline, continuation)
                    startTickingIfStopped(&state)
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                switch state.entries[id] {
                case .pending:
                    state.entries[id] = .cancelledWhilePending
                    return nil
                case .waiting(_, let continuation):
                    state.entries[id] = nil
                    return continuation
                case .cancelledWhilePending, nil:
                    // Already ended (its deadline passed): nothing to take back.
                    return nil
                }
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// How many sleeps wait now (tests).
    var waitingCount: Int { state.withLock { $0.entries.count } }
    /// Whether the ticker runs now (tests).
    var isTicking: Bool { state.withLock { $0.ticker != nil } }

    private static let century = Duration.seconds(100 * 365 * 86_400)

    private func startTickingIfStopped(_ state: inout State) {
        state.idleTicks = 0
        guard state.ticker == nil else { return }
        let (seconds, attoseconds) = resolution.components
        let delay = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        state.ticker = eventLoop.scheduleRepeatedTask(initialDelay: delay, delay: delay) { [weak self] task in
            guard let self else { return task.cancel() }
            self.tick(task)
        }
    }

    private func tick(_ task: RepeatedTask) {
        let now = ContinuousClock.now
        let due = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            var due: [CheckedContinuation<Void, any Error>] = []
            for (id, entry) in state.entries {
                if case .waiting(let deadline, let continuation) = entry, deadline <= now {
                    state.entries[id] = nil
                    due.append(continuation)
                }
            }
            if state.entries.isEmpty {
                state.idleTicks += 1
                if state.idleTicks >= Self.idleTicksBeforeStopping, state.ticker === task {
                    state.ticker = nil
                    task.cancel()
                }
            } else {
                state.idleTicks = 0
            }
            return due
        }
        for continuation in due { continuation.resume() }
    }
}
