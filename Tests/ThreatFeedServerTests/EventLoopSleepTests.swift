import Testing

@testable import ThreatFeedServer

/// The request-body deadline's sleep: it must end when its time is up, and end at once, with `CancellationError`,
/// when the waiting task is cancelled (the body arrived), taking its timer with it.
@Suite struct EventLoopSleepTests {
    @Test func aSleepEndsWhenItsTimeIsUp() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        try await EventLoopSleep.sleep(for: .milliseconds(20))
        #expect(clock.now - start >= .milliseconds(20))
    }

    @Test func cancellingTheTaskEndsAnHourLongSleepWithCancellationError() async throws {
        let (started, continuation) = AsyncStream<Void>.makeStream()
        let sleeper = Task {
            continuation.yield()
            try await EventLoopSleep.sleep(for: .seconds(3600))
        }
        for await _ in started { break }
        sleeper.cancel()
        // An hour-long sleep that ignored the cancellation would hang this test (the suite runs under a timeout).
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func aTaskCancelledBeforeItSleepsDoesNotSleep() async throws {
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await EventLoopSleep.sleep(for: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func durationsBecomeNanosecondsWithoutOverflow() {
        #expect(EventLoopSleep.nanoseconds(.milliseconds(1500)) == 1_500_000_000)
        #expect(EventLoopSleep.nanoseconds(.seconds(-5)) == 0)
        #expect(EventLoopSleep.nanoseconds(.seconds(Int64.max)) == Int64.max)
        #expect(EventLoopSleep.nanoseconds(.seconds(Int64.max / 1_000_000_000)) > 0)
    }
}
