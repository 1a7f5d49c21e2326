import NIOCore
import NIOPosix
import Synchronization

/// Deadlines counted in seconds (a request body's 30 s), all served by one timer that ticks every `resolution` while
/// any deadline is set.
///
/// Why not a sleeping task per request: on Linux (Swift 6.3) a cancelled `Task.sleep` keeps its dispatch timer and job
/// on the heap until its deadline (racing a 30-second sleep against every request body left 20–40 MiB behind under
/// small-poll load), and the task group that races it cost a small poll 5–8 % of its CPU. Why not one NIO timer per
/// deadline: scheduling and cancelling it wake the event loop twice per request, which cost a one-connection client
/// 15–30 % of its small polls (Benchmarks/RESULTS.md, "Memory under small-poll load, issue 14 part 4, session 4").
/// Here a deadline is a dictionary entry under a lock, and the event loop wakes once per tick, whatever the request
/// rate. A deadline fires up to one `resolution` late.
final class CoarseTimer: Sendable {
    /// What the request-body deadlines use.
    static let shared = CoarseTimer(resolution: .seconds(1))

    /// A deadline set with `deadline(after:_:)`, to withdraw with `withdraw(_:)`.
    struct Deadline: Sendable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        let due: ContinuousClock.Instant
        let action: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var lastID: UInt64 = 0
        var ticker: RepeatedTask?
        /// Ticks in a row that found nothing set: after `idleTicksBeforeStopping`, the ticker stops.
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

    /// Runs `action` after about `duration` (up to one `resolution` more, on the timer's event loop) unless withdrawn
    /// first.
    func deadline(after duration: Duration, _ action: @escaping @Sendable () -> Void) -> Deadline {
        // Beyond a century, a deadline is never: clamping keeps the instant's arithmetic from trapping.
        let due = ContinuousClock.now.advanced(by: min(max(duration, .zero), Self.century))
        return state.withLock { state in
            state.lastID &+= 1
            state.entries[state.lastID] = Entry(due: due, action: action)
            startTickingIfStopped(&state)
            return Deadline(id: state.lastID)
        }
    }

    /// Withdraws `deadline`: true if its action had not run (and now never will), false if it has run.
    func withdraw(_ deadline: Deadline) -> Bool {
        state.withLock { state in state.entries.removeValue(forKey: deadline.id) != nil }
    }

    /// How many deadlines are set now (tests).
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
        let due = state.withLock { state -> [@Sendable () -> Void] in
            var due: [@Sendable () -> Void] = []
            for (id, entry) in state.entries where entry.due <= now {
                state.entries[id] = nil
                due.append(entry.action)
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
        // Outside the lock: an action may set or withdraw deadlines.
        for action in due { action() }
    }
}
