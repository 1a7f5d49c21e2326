import ServiceLifecycle
import ThreatFeedCore

/// The one shape of the work `serve` repeats (ETD poll, notifications, blocklist sync, retention): a run at start,
/// then one every `interval` seconds on the injected clock, until the server stops. Runs never overlap; a failed
/// run is the body's to record, and the next one runs on schedule.
struct PeriodicService: Service {
    let interval: Double
    let clock: any WallClock
    let body: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await body()
                do { try await clock.sleep(seconds: interval) } catch { return }
            }
        }
    }
}
