import Logging
import ServiceLifecycle
import ThreatFeedActions
import ThreatFeedCore

/// The blocklist sync inside `serve`: a run at start, then one every interval, until the server stops.
/// A failed run has recorded its error; the next one carries on from the rows in the database.
struct BlocklistSyncService: Service {
    let runner: BlocklistSyncRunner
    let interval: Double
    let clock: any WallClock

    func run() async throws {
        try await PeriodicService(interval: interval, clock: clock) { [runner] in _ = await runner.runOnce() }.run()
    }
}
