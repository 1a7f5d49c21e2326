import Logging
import ServiceLifecycle
import ThreatFeedActions
import ThreatFeedCore

/// The blocklist sync inside `serve`: a run at start, after each ETD poll cycle that ran (the whole cycle's
/// changes in one run), and at least every interval, until the server stops. A failed run has recorded its error;
/// the next one carries on from the rows in the database.
struct BlocklistSyncService: Service {
    let runner: BlocklistSyncRunner
    let interval: Double
    let clock: any WallClock
    var wakeUp: ConvictionSignal.Waiter?

    func run() async throws {
        try await PeriodicService(interval: interval, clock: clock, wakeUp: wakeUp) { [runner] in _ = await runner.runOnce() }.run()
    }
}
