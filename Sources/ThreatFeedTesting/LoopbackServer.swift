import Hummingbird
import Logging

/// Serves a fake's `router` on 127.0.0.1:`port` while `body` runs, then stops it. `stopping` runs first, so that a
/// fake holding stalled answers can let them go before the server is cancelled.
func serveOnLoopback<T: Sendable>(
    _ router: Router<BasicRequestContext>, port: Int, label: String, stopping: @Sendable @escaping () -> Void,
    _ body: @Sendable @escaping () async throws -> T
) async throws -> T {
    let (started, signal) = AsyncStream<Void>.makeStream()
    var logger = Logger(label: label)
    logger.logLevel = .critical
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
        onServerRunning: { _ in signal.yield() }, logger: logger
    )
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await app.runService(gracefulShutdownSignals: [])
            return nil
        }
        for await _ in started { break }
        defer {
            stopping()
            group.cancelAll()
        }
        return try await body()
    }
}
