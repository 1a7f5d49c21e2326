import Synchronization

/// Whether the server is shutting down. Set when SIGTERM arrives; `/health/ready` answers 503 from then on, so a
/// load balancer stops sending new work while in-flight answers (a large poll) complete.
public final class DrainState: Sendable {
    private let draining = Atomic<Bool>(false)

    public init() {}

    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    public func beginDraining() { draining.store(true, ordering: .relaxed) }
}
