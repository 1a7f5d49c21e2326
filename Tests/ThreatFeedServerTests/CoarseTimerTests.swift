import Testing
import ThreatFeedTesting

@testable import ThreatFeedServer

/// The request-body deadline's sleep: it ends when its time is up (at most a tick late), ends at once with
/// `CancellationError` when the waiting task is cancelled (the body arrived), and leaves nothing behind either way.
@Suite struct CoarseTimerTests {
    @Test func aSleepEndsWhenItsTimeIsUpAndLeavesNothingWaiting() async throws {
        let timer = CoarseTimer(resolution: .milliseconds(10))
        let clock = ContinuousClock()
        let start = clock.now
        try await timer.sleep(for: .milliseconds(30))
        #expect(clock.now - start >= .milliseconds(30))
        #expect(timer.waitingCount == 0)
    }

    @Test func cancellingTheTaskEndsAnHourLongSleepAtOnceAndTakesItsEntry() async throws {
        let timer = CoarseTimer(resolution: .milliseconds(10))
        let sleeper = Task { try await timer.sleep(for: .seconds(3600)) }
        try await waitUntil("the sleep waits") { timer.waitingCount == 1 }
        sleeper.cancel()
        // An hour-long sleep that ignored the cancellation would hang this test (the suite runs under a timeout).
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(timer.waitingCount == 0)
    }

    @Test func aTaskCancelledBeforeItSleepsDoesNotSleep() async throws {
        let timer = CoarseTimer(resolution: .milliseconds(10))
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await timer.sleep(for: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(timer.waitingCount == 0)
    }

    /// Many sleeps cancelled while they register, wait or end: each ends exactly once (a continuation resumed twice
    /// or never would crash or hang the test), and no entry is left behind.
    @Test func raceOfCancellationsAndDeadlinesLeavesNoEntry() async throws {
        let timer = CoarseTimer(resolution: .milliseconds(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<400 {
                let sleeper = Task { try await timer.sleep(for: .milliseconds(index % 7)) }
                if index % 2 == 0 { sleeper.cancel() }
                group.addTask { _ = try? await sleeper.value }
            }
            try await group.waitForAll()
        }
        #expect(timer.waitingCount == 0)
    }

    @Test func theTickerStopsWhenIdleAndStartsAgainForTheNextSleep() async throws {
        let timer = CoarseTimer(resolution: .milliseconds(2))
        #expect(!timer.isTicking)
        try await timer.sleep(for: .milliseconds(5))
        try await waitUntil("the idle ticker stops") { !timer.isTicking }
        try await timer.sleep(for: .milliseconds(5))
        #expect(timer.waitingCount == 0)
    }

    @Test func aCenturiesLongDeadlineDoesNotTrapAndStillCancels() async throws {
        let timer = CoarseTimer(resolution: .milliseconds(10))
        let sleeper = Task { try await timer.sleep(for: .seconds(Int64.max)) }
        try await waitUntil("the sleep waits") { timer.waitingCount == 1 }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }
}
