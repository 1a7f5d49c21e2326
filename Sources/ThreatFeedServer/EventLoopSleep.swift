import NIOCore
import NIOPosix

/// A sleep whose timer goes away as soon as the sleeping task is cancelled.
///
/// `Task.sleep` on Linux (Swift 6.3) hands the sleep to a dispatch timer that, with the sleeping job, lives until
/// its deadline even when the task is cancelled long before. The request-body deadline races a 30-second sleep
/// against every request's body, so each request left about 0.7 KB of heap behind for 30 s: 20–40 MiB at 1,000–2,000
/// small polls a second, most of the server's heap (Benchmarks/RESULTS.md, "Memory under small-poll load, issue 14
/// part 4, session 4"). A task scheduled on a NIO event loop is taken off the loop's queue when cancelled.
enum EventLoopSleep {
    /// Sleeps for `duration`, or throws `CancellationError` as soon as the task is cancelled.
    static func sleep(for duration: Duration, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()) async throws {
        try Task.checkCancellation()
        let timer = eventLoop.scheduleTask(in: .nanoseconds(nanoseconds(duration))) {}
        do {
            try await withTaskCancellationHandler {
                try await timer.futureResult.get()
            } onCancel: {
                timer.cancel()
            }
        } catch EventLoopError.cancelled {
            throw CancellationError()
        }
    }

    /// `duration` in nanoseconds, clamped to 0...Int64.max (a configured limit of centuries must not trap).
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (total, overflowed) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowed ? .max : total
    }
}
