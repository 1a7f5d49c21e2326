import Synchronization

/// Set by the timer that closes a channel whose reply is late, so the waiting read reports a
/// timeout rather than the closed connection it then sees.
final class DeadlineFlag: Sendable {
    private let fired = Atomic<Bool>(false)

    func fire() { fired.store(true, ordering: .sequentiallyConsistent) }

    var hasFired: Bool { fired.load(ordering: .sequentiallyConsistent) }
}
