import AsyncHTTPClient
import Foundation
import Synchronization
import Testing
import ThreatFeedTesting

@testable import ThreatFeedETD

/// On the real clock: the fake meters every request (token calls included) against 2/s, burst 4.
@Suite struct ETDRateLimitTests {
    @Test(.timeLimit(.minutes(1)))
    func neverExceedsTwoPerSecondWithBurstFour() async throws {
        let end = Date()
        let data = FakeETDDataSet.generate(count: 36, days: 0.5, end: end.addingTimeInterval(-600))
        let fake = FakeETD(messages: data, maxPageSize: 3, checksRate: true)
        let port = try freeLoopbackPort()
        let client = ETDClient(configuration: .fake(port: port), httpClient: HTTPClient.shared)
        let started = ContinuousClock.now
        let pages = Mutex(0)
        try await fake.run(port: port) {
            try await client.search(start: end.addingTimeInterval(-86_400), end: end.addingTimeInterval(-300), verdicts: ["bec", "scam", "phishing", "malicious"]) { _ in
                pages.withLock { $0 += 1 }
            }
        }
        let elapsed = ContinuousClock.now - started
        let counts = fake.counts
        #expect(pages.withLock { $0 } == 12)
        #expect(counts.tokenRequests == 1)
        #expect(counts.searchRequests == 12)
        #expect(counts.rateViolations == 0)
        // 13 requests: 4 at once, then 9 at 2/s.
        #expect(elapsed >= .seconds(4.4))
    }

    @Test func limiterSpacesRequestsOnAVirtualClock() async throws {
        let clock = VirtualClock(TestClock())
        let limiter = ETDRateLimiter(rate: 2, burst: 4, clock: clock)
        for _ in 0..<10 { try await limiter.acquire() }
        // The first four pass at once; each further one waits half a second of virtual time.
        #expect(clock.sleeps.count == 6)
        #expect(clock.sleeps.allSatisfy { abs($0 - 0.5) < 1e-9 })
    }
}
