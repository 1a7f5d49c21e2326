import Foundation
import Logging
import ServiceLifecycle
import ThreatFeedServer

/// The first service told to stop (services stop in reverse order, and this one is listed last): it marks the
/// server as draining, so `/health/ready` answers 503, and waits the configured delay before the listener closes,
/// giving a load balancer time to notice. In-flight answers complete either way.
struct DrainService: Service {
    let drain: DrainState
    let delay: Duration?
    let logger: Logger

    func run() async throws {
        // Returns when SIGTERM/SIGINT arrives (or the task is cancelled).
        try? await gracefulShutdown()
        drain.beginDraining()
        guard let delay else { return }
        logger.notice("draining: /health/ready answers 503; closing the listener after the drain delay", metadata: ["seconds": "\(delay.components.seconds)"])
        try? await Task.sleep(for: delay)
    }
}
