import Synchronization
import Testing
import ThreatFeedTesting

@testable import ThreatFeedServer

/// The request-body deadline: it fires when its time is up (at most a tick late), never fires once withdrawn, says
/// whether it had fired, and leaves nothing behind either way.
@Suite struct CoarseTimerTests {
    @Test func aDeadlineFiresWhenItsTimeIsUpAndLeavesNothingSet() async throws {
        let timer = CoarseTimer(resolution: .milliseconds(10))
        let clock = ContinuousClock()
        let start = clock.now
        let firedAt = Shared<ContinuousClock.Instant?>(nil)
        let deadline = timer.deadline(after: .milliseconds(30)) { firedAt.value.withLock { $0 = clock.now } }
        try await waitUntil("the deadline fires") { firedAt.value.withLock { $0 } != nil }
        #expect(try #require(firedAt.value.withLock { $0 }) - start >= .milliseconds(30))
        #expect(timer.waitingCount == 0)
        #expect(!timer.withdraw(deadline), "a deadline that fired cannot be withdrawn")
    }

    @Test func aWithdrawnDeadlineNeverFires() async throws {
        let timer = CoarseTimer(resolution: .milliseconds(2))
        let fired = Shared<Int>(0)
        let early = timer.deadline(after: .milliseconds(20)) { fired.value.withLock { $0 += 1 } }
        #expect(timer.withdraw(early))
        #expect(timer.waitingCount == 0)
        // A later deadline that fires proves the ticker ran past the withdrawn one's time.
        let later = Shared<Bool>(false)
        _ = timer.deadline(after: .milliseconds(40)) { later.value.withLock { $0 = true } }
        try await waitUntil("the later deadline fires") { later.value.withLock { $0 } }
        #expect(fired.value.withLock { $0 } == 0)
    }

    /// Many deadlines withdrawn while they are set or as they fire: each either fires exactly once or is withdrawn
    /// (never both, never neither), and no entry is left behind.
    @Test func raceOfWithdrawalsAndFiringsLeavesNoEntry() async throws {
        let timer = CoarseTimer(resolution: .milliseconds(1))
        let fired = Shared<[Int: Int]>([:])
        let withdrawn = try await withThrowingTaskGroup(of: Int?.self) { group in
            for index in 0..<400 {
                group.addTask {
                    let deadline = timer.deadline(after: .milliseconds(index % 7)) { fired.value.withLock { $0[index, default: 0] += 1 } }
                    if index % 2 == 0 { try await Task.sleep(for: .milliseconds(index % 5)) }
                    return timer.withdraw(deadline) ? index : nil
                }
            }
            var withdrawn: Set<Int> = []
            for try await index in group { if let index { withdrawn.insert(index) } }
            return withdrawn
        }
        try await waitUntil("every deadline not withdrawn fires") { fired.value.withLock { $0.count } + withdrawn.count == 400 }
        let counts = fired.value.withLock { $0 }
        #expect(counts.values.allSatisfy { $0 == 1 })
        #expect(Set(counts.keys).isDisjoint(with: withdrawn))
        #expect(timer.waitingCount == 0)
    }

    @Test func theTickerStopsWhenIdleAndStartsAgainForTheNextDeadline() async throws {
        let timer = CoarseTimer(resolution: .milliseconds(2))
        #expect(!timer.isTicking)
        let first = Shared<Bool>(false)
        _ = timer.deadline(after: .milliseconds(5)) { first.value.withLock { $0 = true } }
        try await waitUntil("the first deadline fires") { first.value.withLock { $0 } }
        try await waitUntil("the idle ticker stops") { !timer.isTicking }
        let second = Shared<Bool>(false)
        _ = timer.deadline(after: .milliseconds(5)) { second.value.withLock { $0 = true } }
        #expect(timer.isTicking)
        try await waitUntil("the second deadline fires") { second.value.withLock { $0 } }
        #expect(timer.waitingCount == 0)
    }

    @Test func aCenturiesLongDeadlineDoesNotTrapAndCanBeWithdrawn() {
        let timer = CoarseTimer(resolution: .milliseconds(10))
        let deadline = timer.deadline(after: .seconds(Int64.max)) {}
        #expect(timer.waitingCount == 1)
        #expect(timer.withdraw(deadline))
        #expect(timer.waitingCount == 0)
    }
}

/// A lock that closures on other threads can share (a `Mutex` alone cannot be captured by an escaping closure).
private final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}
