import Logging
import ServiceLifecycle
import ThreatFeedETD

/// The ETD poller inside `serve`: one cycle, then the poll interval, until the server stops.
/// Cycles run one after another in this one task, so they never overlap; a failed cycle is
/// recorded by the poller and the next one runs on schedule.
struct ETDPollService: Service {
    let poller: ETDPoller
    let interval: Double
    let clock: any ETDClock
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await poller.runCycle()
                } catch {
                    // Already recorded and logged by the poller; the server keeps serving what it has.
                }
                do { try await clock.sleep(seconds: interval) } catch { return }
            }
        }
    }
}
