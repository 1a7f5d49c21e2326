import AsyncHTTPClient
import Foundation
import Synchronization
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedETD

/// A misbehaving peer cannot loop the poller forever, nor lead it elsewhere with a redirect.
@Suite struct ETDOutboundLimitsTests {
    static func search(_ harness: ETDClientTests.Harness, budget: ETDCycleBudget) async throws -> Int {
        let pages = Mutex(0)
        let now = harness.clock.now()
        try await harness.client.search(
            start: now.addingTimeInterval(-2 * 86_400), end: now.addingTimeInterval(-300), verdicts: ["phishing", "bec", "scam", "malicious"],
            budget: budget
        ) { _ in pages.withLock { $0 += 1 } }
        return pages.withLock { $0 }
    }

    @Test func anEndlessPeerIsStoppedAtThePageCap() async throws {
        try await ETDClientTests.withClient { harness in
            harness.fake.inject(.endlessPages, on: .search, times: 1_000)
            let budget = ETDCycleBudget(maxPages: 7, started: harness.clock.now(), within: 3_600)
            await #expect(throws: ETDError.tooManyPages(endpoint: ETDClient.searchPath, pages: 7)) {
                _ = try await Self.search(harness, budget: budget)
            }
            #expect(harness.fake.counts.searchRequests == 7)
            #expect(budget.pages == 7)
        }
    }

    @Test func anEndlessPeerIsStoppedAtTheCycleDeadline() async throws {
        try await ETDClientTests.withClient { harness in
            harness.fake.inject(.endlessPages, on: .search, times: 10_000)
            // The rate limiter's waits move the virtual clock: 2 pages a second after the burst.
            let budget = ETDCycleBudget(maxPages: 100_000, started: harness.clock.now(), within: 20)
            do {
                _ = try await Self.search(harness, budget: budget)
                Issue.record("the search did not stop")
            } catch let error as ETDError {
                guard case .cycleDeadlinePassed(let seconds, let pages) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(seconds == 20)
                #expect(pages > 10 && pages < 100, "\(pages)")
            }
            #expect(harness.clock.now() > budget.deadline)
        }
    }

    /// The client itself: a 3xx is an error naming where it pointed, never its query. (Redirects are switched off in
    /// the production HTTP client; this client is configured the same way.)
    @Test func aRedirectIsAnErrorNamingTheLocationWithoutItsQuery() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let clock = VirtualClock(TestClock())
        let fake = FakeETD(messages: FakeETDDataSet.generate(count: 5, days: 1, end: clock.now().addingTimeInterval(-600)), now: { clock.now() })
        let port = try freeLoopbackPort()
        let client = ETDClient(configuration: .fake(port: port), httpClient: httpClient, clock: clock)
        fake.inject(.redirect(status: 307, location: "https://login.example.net/v1/messages/search?token=leaked#x"), on: .search)
        try await fake.run(port: port) {
            do {
                try await client.search(start: clock.now().addingTimeInterval(-86_400), end: clock.now().addingTimeInterval(-300), verdicts: ["phishing"]) { _ in }
                Issue.record("the redirect was not an error")
            } catch let error as ETDError {
                #expect(error == .redirected(endpoint: ETDClient.searchPath, status: 307, location: "https://login.example.net/v1/messages/search"))
                #expect(!error.description.contains("leaked"))
                #expect(error.description.contains("not followed"))
            }
        }
        #expect(fake.counts.searchRequests == 1, "asked once, not retried")
        try await httpClient.shutdown()
    }
}
