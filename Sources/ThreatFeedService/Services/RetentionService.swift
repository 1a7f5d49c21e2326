import Foundation
import Logging
import ServiceLifecycle
import ThreatFeedCore
import ThreatFeedStore

/// Prunes ended judgements, and client records not seen for the same period, inside `serve`: at start, then every
/// six hours, until the server stops.
struct RetentionService: Service {
    let store: Store
    let retention: TimeSpan
    let logger: Logger
    let clock: any WallClock
    var every: Double = 6 * 3_600

    func run() async throws {
        try await PeriodicService(interval: every, clock: clock) { [store, retention, logger, clock] in
            let cutoff = clock.now().addingTimeInterval(-retention.seconds)
            do {
                let removed = try await store.write { try $0.pruneJudgements(endedBefore: cutoff) }
                if removed > 0 {
                    logger.info("retention: pruned ended judgements", metadata: ["removed": "\(removed)", "retention": "\(retention)"])
                }
                let clients = try await store.write { try $0.pruneClientRecords(lastSeenBefore: cutoff) }
                if clients > 0 {
                    logger.info("retention: pruned client records", metadata: ["removed": "\(clients)", "retention": "\(retention)"])
                }
            } catch {
                // A busy or failing database is reported and retried next time; serving goes on.
                logger.warning("retention: prune failed", metadata: ["error": "\(error)"])
            }
        }.run()
    }
}
