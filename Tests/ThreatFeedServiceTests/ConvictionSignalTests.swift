import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedTesting

/// The one signal the actions start on. The virtual clock shows whether a wait ended by the signal (nothing slept)
/// or by its interval (the interval slept); a wait on the system clock for an hour shows a wake-up arrives.
@Suite struct ConvictionSignalTests {
    @Test func aWakeUpBeforeTheWaitEndsItWithoutSleeping() async throws {
        let signal = ConvictionSignal()
        let waiter = signal.waiter(for: [.pageCommitted])
        let clock = VirtualClock()
        signal.raise(.pageCommitted)
        signal.raise(.pageCommitted)
        try await waiter.wait(upTo: 300, clock: clock)
        #expect(clock.sleeps.isEmpty, "woken: nothing waited")
        // Two raises before one wait are one wake-up: the next wait runs its interval.
        try await waiter.wait(upTo: 300, clock: clock)
        #expect(clock.sleeps == [300])
    }

    @Test func eachWaiterHearsOnlyItsEvents() async throws {
        let signal = ConvictionSignal()
        let pages = signal.waiter(for: [.pageCommitted])
        let cycles = signal.waiter(for: [.cycleEnded])
        let clock = VirtualClock()
        signal.raise(.cycleStarted)
        #expect(signal.isCycleRunning)
        signal.raise(.pageCommitted)
        try await cycles.wait(upTo: 60, clock: clock)
        #expect(clock.sleeps == [60], "a page does not wake the cycle-end waiter")
        try await pages.wait(upTo: 60, clock: clock)
        #expect(clock.sleeps == [60], "it wakes the page waiter")
        signal.raise(.cycleEnded)
        #expect(!signal.isCycleRunning)
        try await cycles.wait(upTo: 60, clock: clock)
        #expect(clock.sleeps == [60])
        try await pages.wait(upTo: 60, clock: clock)
        #expect(clock.sleeps == [60, 60], "a cycle's end does not wake the page waiter")
    }

    @Test(.timeLimit(.minutes(1)))
    func aWakeUpEndsAWaitInProgress() async throws {
        let signal = ConvictionSignal()
        let waiter = signal.waiter(for: [.cycleEnded])
        async let waited: Void = waiter.wait(upTo: 3_600, clock: SystemClock())
        signal.raise(.cycleEnded)
        try await waited
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingAWaitEndsIt() async throws {
        let waiter = ConvictionSignal().waiter(for: [.pageCommitted])
        let task = Task { try await waiter.wait(upTo: 3_600, clock: SystemClock()) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
