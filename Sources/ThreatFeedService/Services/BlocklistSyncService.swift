import Logging
import ServiceLifecycle
import ThreatFeedActions

/// The blocklist sync inside `serve`: a run at start, then one every interval, until the server stops.
/// A failed run has recorded its error; the next one carries on from the rows in the database.
struct BlocklistSyncService: Service {
    let runner: BlocklistSyncRunner
    let interval: Double

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await runner.runOnce()
                do { try await Task.sleep(for: .seconds(interval)) } catch { return }
            }
        }
    }
}
