import Logging
import ServiceLifecycle
import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedETD

/// The ETD poller inside `serve`: one cycle, then the poll interval, until the server stops.
/// Cycles run one after another in this one task, so they never overlap; a failed cycle is
/// recorded by the poller and the next one runs on schedule.
struct ETDPollService: Service {
    let poller: ETDPoller
    let interval: Double
    let clock: any WallClock
    let logger: Logger
    /// Told when a cycle starts and ends (the poller's ledger raises each committed page in between).
    let signal: ConvictionSignal

    func run() async throws {
        try await PeriodicService(interval: interval, clock: clock) { [poller, signal] in
            signal.raise(.cycleStarted)
            do {
                _ = try await poller.runCycle()
            } catch {
                // Already recorded and logged by the poller; the server keeps serving what it has.
            }
            signal.raise(.cycleEnded)
        }.run()
    }
}
