import ServiceLifecycle
import ThreatFeedCore

/// The one shape of the work `serve` repeats (ETD poll, notifications, blocklist sync, retention): a run at start,
/// then one every `interval` seconds on the injected clock — or sooner, when `wakeUp` is signalled — until the
/// server stops. Runs never overlap; a failed run is the body's to record, and the next one runs on schedule.
struct PeriodicService: Service {
    let interval: Double
    let clock: any WallClock
    var wakeUp: ConvictionSignal.Waiter? = nil
    let body: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await body()
                do {
                    if let wakeUp { try await wakeUp.wait(upTo: interval, clock: clock) } else { try await clock.sleep(seconds: interval) }
                } catch { return }
            }
        }
    }
}
