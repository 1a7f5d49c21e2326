import Hummingbird
import Logging
import NIOCore

/// Per-request state: Hummingbird's core storage plus the peer address, for logs.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// `ip` of the client, without the port, or "unknown".
    public let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
