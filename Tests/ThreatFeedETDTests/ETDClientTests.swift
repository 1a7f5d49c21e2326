import AsyncHTTPClient
import Foundation
import Logging
import Synchronization
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedETD

/// The client against the fake ETD over real HTTP, on a virtual clock (sleeps are recorded, not waited).
@Suite struct ETDClientTests {
    static let end = Date(timeIntervalSince1970: 1_767_225_600)  // TestClock's start

    struct Harness {
        let fake: FakeETD
        let clock: VirtualClock
        let client: ETDClient
        let port: Int
    }

    static func withClient<T: Sendable>(
        messages: Int = 30, pageSize: Int = 10, credentials: ETDCredentials? = nil, timeout: Double = 10,
        _ body: @Sendable @escaping (Harness) async throws -> T
    ) async throws -> T {
        let clock = VirtualClock(TestClock())
        let data = FakeETDDataSet.generate(count: messages, days: 1, end: clock.now().addingTimeInterval(-600))
        let fake = FakeETD(messages: data, maxPageSize: pageSize, now: { clock.now() })
        let port = try freeLoopbackPort()
        var configuration = ETDConfiguration.fake(port: port, timeout: timeout)
        if let credentials { configuration.credentials = credentials }
        var retry = RetryPolicy.etd
        retry.maxAttempts = 6
        let client = ETDClient(configuration: configuration, httpClient: HTTPClient.shared, clock: clock, retry: retry)
        let harness = Harness(fake: fake, clock: clock, client: client, port: port)
        return try await fake.run(port: port) { try await body(harness) }
    }

    /// Searches the whole day and returns the ids seen, in order.
    static func searchAll(_ harness: Harness) async throws -> [String] {
        let ids = Mutex<[String]>([])
        let now = harness.clock.now()
        try await harness.client.search(start: now.addingTimeInterval(-2 * 86_400), end: now.addingTimeInterval(-300), verdicts: ["bec", "scam", "phishing", "malicious"]) { page in
            ids.withLock { $0 += page.messages.map(\.id) }
        }
        return ids.withLock { $0 }
    }

    @Test func pagesThroughEverythingWithOneToken() async throws {
        try await Self.withClient { harness in
            let ids = try await Self.searchAll(harness)
            #expect(ids.count == 30)
            #expect(Set(ids).count == 30)
            let counts = harness.fake.counts
            #expect(counts.searchRequests == 3)
            #expect(counts.tokenRequests == 1)
        }
    }

    @Test func tokenIsReusedWithinItsLifetimeAndRenewedBeforeItEnds() async throws {
        try await Self.withClient { harness in
            _ = try await Self.searchAll(harness)
            harness.clock.clock.advance(by: 30 * 60)
            _ = try await Self.searchAll(harness)
            #expect(harness.fake.counts.tokenRequests == 1)
            // 58 minutes after issue the token is within the renewal margin: a new one is fetched.
            harness.clock.clock.advance(by: 28 * 60)
            _ = try await Self.searchAll(harness)
            #expect(harness.fake.counts.tokenRequests == 2)
        }
    }

    @Test func expiredTokenIsRenewedOnceAndTheCallRetried() async throws {
        try await Self.withClient { harness in
            harness.fake.inject(.expiredToken, on: .search)
            let ids = try await Self.searchAll(harness)
            #expect(ids.count == 30)
            #expect(harness.fake.counts.tokenRequests == 2)
            // Two 401s in a row: the second is not retried with yet another token.
            harness.fake.inject(.expiredToken, on: .search, times: 2)
            await #expect(throws: ETDError.tokenRejected(endpoint: ETDClient.searchPath)) { try await Self.searchAll(harness) }
        }
    }

    @Test func badAPIKeyFailsAtOnceWithoutRetrying() async throws {
        try await Self.withClient { harness in
            harness.fake.inject(.badAPIKey, on: .token)
            await #expect(throws: ETDError.apiKeyRejected(endpoint: ETDClient.tokenPath)) { try await Self.searchAll(harness) }
            #expect(harness.fake.counts.tokenRequests == 1)
            #expect(harness.fake.counts.searchRequests == 0)
        }
    }

    @Test func wrongClientSecretIsReportedWithoutTheSecret() async throws {
        let wrong = ETDCredentials(clientID: FakeETD.clientID, clientSecret: "wrong-secret-value", apiKey: FakeETD.apiKey)
        try await Self.withClient(credentials: wrong) { harness in
            do {
                _ = try await Self.searchAll(harness)
                Issue.record("a wrong secret must fail")
            } catch {
                #expect(error as? ETDError == .credentialsRejected)
                let text = "\(error)"
                #expect(!text.contains("wrong-secret-value"))
                #expect(!text.contains(FakeETD.apiKey))
            }
        }
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        try await Self.withClient { harness in
            harness.fake.inject(.tooManyRequests(retryAfter: 7), on: .search, times: 2)
            let ids = try await Self.searchAll(harness)
            #expect(ids.count == 30)
            #expect(harness.clock.sleeps.filter { $0 == 7 }.count == 2)
        }
    }

    @Test func serverErrorsAndHangsAreRetriedWithGrowingBackoff() async throws {
        try await Self.withClient(timeout: 4) { harness in
            harness.fake.inject(.serverError(502), on: .search)
            harness.fake.inject(.hang(seconds: 12), on: .search)
            harness.fake.inject(.serverError(503), on: .search)
            let ids = try await Self.searchAll(harness)
            #expect(ids.count == 30)
            // Three failed attempts, three backoffs (rate-limit waits are at most 0.5 s; backoffs longer).
            let backoffs = harness.clock.sleeps.filter { $0 > 0.5 }
            #expect(backoffs.count >= 3)
            #expect(backoffs.contains { $0 >= 2 }, "the third backoff doubled twice")
            #expect(harness.fake.counts.searchRequests >= 6)
        }
    }

    @Test func givesUpAfterTheLastAttemptAndSaysWhy() async throws {
        try await Self.withClient { harness in
            harness.fake.inject(.serverError(503), on: .search, times: 6)
            await #expect(throws: ETDError.gaveUp(endpoint: ETDClient.searchPath, attempts: 6, lastProblem: "HTTP 503")) {
                try await Self.searchAll(harness)
            }
        }
    }

    @Test func malformedJSONIsATypedError() async throws {
        try await Self.withClient { harness in
            harness.fake.inject(.malformedJSON, on: .search)
            await #expect(throws: ETDError.malformedResponse(endpoint: ETDClient.searchPath, problem: "the body is not valid JSON")) {
                try await Self.searchAll(harness)
            }
            harness.fake.inject(.messageWithoutID, on: .search)
            await #expect(throws: ETDError.malformedResponse(endpoint: ETDClient.searchPath, problem: "missing field 'id' in data.messages[0]")) {
                try await Self.searchAll(harness)
            }
        }
    }

    @Test func backoffGrowsExponentiallyWithJitterAndIsCapped() {
        let policy = RetryPolicy.etd
        #expect(policy.delay(afterAttempt: 1, random: 0) == 0.5)
        #expect(policy.delay(afterAttempt: 1, random: 1) == 1)
        #expect(policy.delay(afterAttempt: 3, random: 0) == 2)
        #expect(policy.delay(afterAttempt: 3, random: 1) == 4)
        #expect(policy.delay(afterAttempt: 20, random: 1) == policy.maxDelay)
        #expect(policy.delay(afterAttempt: 20, random: 0) == policy.maxDelay / 2)
    }

    @Test func credentialsNeverAppearInTheirDescription() {
        let credentials = ETDCredentials(clientID: "id-1234", clientSecret: "s3cret-value", apiKey: "key-value-9")
        for text in ["\(credentials)", String(reflecting: credentials)] {
            #expect(!text.contains("s3cret-value"))
            #expect(!text.contains("key-value-9"))
        }
    }

    @Test func configurationFromTheEnvironment() throws {
        #expect(try ETDConfiguration(environment: [:]) == nil)
        let base = [
            "THREATFEED_ETD_CLIENT_ID": "id", "THREATFEED_ETD_CLIENT_SECRET": "secret", "THREATFEED_ETD_API_KEY": "key",
        ]
        var environment = base
        environment["THREATFEED_ETD_REGION"] = "DE"
        let regional = try #require(try ETDConfiguration(environment: environment))
        #expect(regional.baseURL == "https://api.de.etd.cisco.com")
        #expect(regional.pollInterval == TimeSpan(seconds: 300))
        #expect(regional.settleDelay == TimeSpan(seconds: 300))
        #expect(regional.lookBack == .hours(48))
        #expect(regional.verdicts == ["bec", "scam", "phishing", "malicious"])
        environment["THREATFEED_ETD_BASE_URL"] = "http://127.0.0.1:9999/"
        #expect(try ETDConfiguration(environment: environment)?.baseURL == "http://127.0.0.1:9999")
        #expect(throws: ETDError.self) { try ETDConfiguration(environment: ["THREATFEED_ETD_REGION": "eu"]) }
        #expect(throws: ETDError.self) { try ETDConfiguration(environment: ["THREATFEED_ETD_REGION": "us"]) }
        #expect(throws: ETDError.self) { try ETDConfiguration(environment: base) }
        #expect(ETDRegion.allCases.map(\.baseURL).contains("https://api.in.etd.cisco.com"))
    }
}
