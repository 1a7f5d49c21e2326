import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedETD
import UnixSignals

/// What `buildService` takes besides the settings: the command line's overrides, the clocks and a start-up hook.
public struct ServiceOptions: Sendable {
    /// Values from command-line flags; they win over the environment and the file.
    public var flags: [SettingKey: String]
    /// The policy flags (`--policy-dir`, `--own-domain`, `--gateway-ip`).
    public var policy: PolicyOverrides
    /// Time for the ETD poller and client (tests advance a test clock).
    public var etdClock: any WallClock
    /// Time for the action runners.
    public var actionClock: any WallClock
    /// Signals that stop the group gracefully; tests pass none and cancel or trigger shutdown themselves.
    public var gracefulShutdownSignals: [UnixSignal]
    /// Called once the HTTP server listens, with the port it bound (0 in the settings picks a free one).
    public var onServerRunning: @Sendable (ServiceAddress) async -> Void

    public init(
        flags: [SettingKey: String] = [:], policy: PolicyOverrides = PolicyOverrides(), etdClock: any WallClock = SystemClock(),
        actionClock: any WallClock = SystemClock(), gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        onServerRunning: @escaping @Sendable (ServiceAddress) async -> Void = { _ in }
    ) {
        self.flags = flags
        self.policy = policy
        self.etdClock = etdClock
        self.actionClock = actionClock
        self.gracefulShutdownSignals = gracefulShutdownSignals
        self.onServerRunning = onServerRunning
    }
}

/// Where the running server listens, and the database it serves.
public struct ServiceAddress: Sendable {
    public var scheme: String
    public var host: String
    public var port: Int
    public var databasePath: String

    /// `http://127.0.0.1:8080`, `https://[::1]:8443`.
    public var baseURL: String { "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}
