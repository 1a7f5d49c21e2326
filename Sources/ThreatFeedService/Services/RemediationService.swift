import ServiceLifecycle
import ThreatFeedActions

/// The remediation runner inside `serve`: a cycle at start, after each ETD poll (the poller pulls
/// the trigger), when a retry falls due, and at least every interval; until the server stops.
struct RemediationService: Service {
    let runner: RemediationRunner
    let trigger: RemediationTrigger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await runner.run(trigger: trigger)
        }
    }
}
