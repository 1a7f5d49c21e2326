import AsyncHTTPClient
import ServiceLifecycle

/// Owns an outbound HTTP client made for one action (its own CA file): listed first in the group, so it is told to
/// stop last, when nothing uses the client any more; then it shuts the client down.
struct HTTPClientShutdownService: Service {
    let client: HTTPClient

    func run() async throws {
        // Returns on graceful shutdown, throws on cancellation: the client is shut down either way.
        try? await gracefulShutdown()
        try? await client.shutdown()
    }
}
