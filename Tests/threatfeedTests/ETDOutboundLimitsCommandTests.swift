import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

/// `threatfeed etd poll --once` with the production HTTP client against a misbehaving fake ETD.
@Suite struct ETDOutboundLimitsCommandTests {
    @Test func aRedirectingETDIsAnErrorNamingTheLocationAndIsNotFollowed() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (policyPath, _) = try ETDCommandTests.policyDirectory(dir)
        let fake = FakeETD(messages: FakeETDDataSet.generate(count: 10, days: 1, end: Date().addingTimeInterval(-900)))
        let port = try freeLoopbackPort()
        // Back to the fake's own token endpoint: followed, the client id and secret would be sent again.
        fake.inject(.redirect(status: 307, location: "http://127.0.0.1:\(port)/v1/oauth/token?sig=leaked-signature"), on: .token)
        let environment = ETDCommandTests.environment(port: port)
        let result = try await fake.run(port: port) {
            try CommandRunner.run(["etd", "poll", "--once", "--db", dir.file("x.sqlite"), "--policy-dir", policyPath], environment: environment)
        }
        #expect(result.status != 0)
        #expect(result.stderr.contains("redirect (HTTP 307 to http://127.0.0.1:\(port)/v1/oauth/token)"), "\(result.stderr)")
        #expect(!result.stderr.contains("leaked-signature"))
        #expect(!result.stderr.contains(FakeETD.clientSecret))
        #expect(fake.counts.tokenRequests == 1)
        #expect(fake.counts.searchRequests == 0)
    }

    @Test func anEndlessETDIsStoppedAtTheConfiguredPagesAndWhatWasReadIsKept() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (policyPath, _) = try ETDCommandTests.policyDirectory(dir)
        let database = dir.file("x.sqlite")
        let fake = FakeETD(messages: FakeETDDataSet.generate(count: 60, days: 1, end: Date().addingTimeInterval(-900)), maxPageSize: 20)
        fake.inject(.endlessPages, on: .search, times: 10_000)
        let port = try freeLoopbackPort()
        var environment = ETDCommandTests.environment(port: port)
        environment["THREATFEED_ETD_MAX_PAGES_PER_CYCLE"] = "5"
        let fixed = environment
        let result = try await fake.run(port: port) {
            try CommandRunner.run(["etd", "poll", "--once", "--db", database, "--policy-dir", policyPath], environment: fixed)
        }
        #expect(result.status != 0)
        #expect(result.stderr.contains("stopped after 5 pages in one cycle (etd.max_pages_per_cycle)"), "\(result.stderr)")
        #expect(fake.counts.searchRequests == 5)
        // The first page's convictions were committed, and the failure is on record for /health/etd.
        let store = try Store(path: database)
        let status = try store.readNow { try $0.etdPollStatus() }
        #expect(status.convictionsSeen > 0)
        #expect(status.consecutiveFailures == 1)
        #expect(status.lastSuccessWindowEnd == nil, "the window is searched again next cycle")

        let refused = try CommandRunner.run(
            ["etd", "poll", "--once", "--db", database, "--policy-dir", policyPath],
            environment: environment.merging(["THREATFEED_ETD_MAX_PAGES_PER_CYCLE": "0"]) { $1 }
        )
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("THREATFEED_ETD_MAX_PAGES_PER_CYCLE"), "\(refused.stderr)")
    }
}
