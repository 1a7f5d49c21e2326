import ServiceLifecycle
import ThreatFeedActions
import ThreatFeedCore

/// The remediation runner inside `serve`: a cycle at start, after each conviction page the ETD poller commits,
/// when a retry falls due, and at least every interval; until the server stops.
struct RemediationService: Service {
    let runner: RemediationRunner
    let wakeUp: ConvictionSignal.Waiter?

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await runner.run(wakeUp: wakeUp)
        }
    }
}
