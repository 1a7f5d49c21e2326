import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedServer

/// The health handlers on the in-memory `HealthReads`: what they answer for each state the store can be in, without
/// SQLite. (`HealthTests` and `ETDHealthTests` check the same endpoints over a real store.)
@Suite struct HealthHandlerTests {
    static let token = "admin-token-for-tests"

    static func withServer(
        _ reads: MemoryHealthReads, drain: DrainState = DrainState(), configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var configuration = ServerConfiguration(port: 0)
        configuration.adminToken = token
        configure(&configuration)
        let router = Router(context: AppRequestContext.self)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        HealthController(store: reads, clock: { now }, drain: drain, configuration: configuration).addRoutes(to: router)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live, body)
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
    }

    static let admin: HTTPFields = [.authorization: "Bearer \(token)"]

    @Test func readinessFollowsTheDatabaseAndTheDrain() async throws {
        let reads = MemoryHealthReads()
        let drain = DrainState()
        try await Self.withServer(reads, drain: drain) { client in
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(String(buffer: ready.body) == #"{"status":"ready"}"#)
            reads.reachable = false
            let down = try await client.execute(uri: "/health/ready", method: .get)
            #expect(down.status == .serviceUnavailable)
            #expect(String(buffer: down.body) == #"{"status":"database unavailable"}"#)
            reads.reachable = true
            drain.beginDraining()
            let draining = try await client.execute(uri: "/health/ready", method: .get)
            #expect(draining.status == .serviceUnavailable)
            #expect(String(buffer: draining.body) == #"{"status":"draining"}"#)
        }
    }

    @Test func feedsAreListedForTheAdministratorAndOnlyTheOverallStatusForOthers() async throws {
        let reads = MemoryHealthReads()
        let start = Date(timeIntervalSince1970: 1_800_000_000 - 86_400)
        let feed = Feed(
            name: try EntityName("esa"), indicatorID: "indicator-1", lifetime: ValidTime(start: start, end: start.addingTimeInterval(7 * 86_400)),
            created: start
        )
        reads.feeds = [FeedSummary(feed: feed, indicatorName: "manual", liveObservables: 3, judgements: 5, newestLabel: nil)]
        var failing = ETDPollStatus()
        failing.consecutiveFailures = 2
        failing.lastError = "ETD answered 503"
        reads.pollStatus = failing
        try await Self.withServer(reads, configure: { $0.etdPollingEnabled = true }) { client in
            let detail = try Self.json(try await client.execute(uri: "/health/feeds", method: .get, headers: Self.admin))
            let entry = try #require((detail["feeds"] as? [[String: Any]])?.first)
            #expect(entry["name"] as? String == "esa")
            #expect(entry["indicator"] as? String == "manual")
            #expect(entry["observables"] as? Int == 3 && entry["judgements"] as? Int == 5)
            #expect(entry["live"] as? Bool == true)
            #expect((detail["etd"] as? [String: Any])?["consecutive_failures"] as? Int == 2)
            // Without the token: the overall status only, degraded while the poller fails; no feed, no peer error.
            let overall = try await client.execute(uri: "/health/feeds", method: .get)
            let text = String(buffer: overall.body)
            #expect(try Self.json(overall)["status"] as? String == "degraded")
            #expect(!text.contains("esa") && !text.contains("503"), "\(text)")
        }
    }

    @Test func etdDetailShowsEachActionsCountsAndEnabledFlags() async throws {
        let reads = MemoryHealthReads()
        var chain = reads.chain
        chain.notifications.counts = [.sent: 4, .filtered: 2]
        chain.remediation.counts = [.done: 7]
        chain.blocklist.counts = [.present: 3]
        reads.chain = chain
        try await Self.withServer(reads, configure: { $0.notificationsEnabled = true; $0.blocklistList = .safelist }) { client in
            let report = try Self.json(try await client.execute(uri: "/health/etd", method: .get, headers: Self.admin))
            let notifications = try #require(report["notifications"] as? [String: Any])
            #expect(notifications["enabled"] as? Bool == true)
            #expect((notifications["counts"] as? [String: Int]) == ["sending": 0, "sent": 4, "filtered": 2, "dry_run": 0, "unconfirmed": 0])
            let remediation = try #require(report["remediation"] as? [String: Any])
            #expect(remediation["enabled"] as? Bool == false)
            #expect((remediation["counts"] as? [String: Int])?["done"] == 7)
            let blocklist = try #require(report["blocklist"] as? [String: Any])
            #expect(blocklist["list"] as? String == "safelist")
            #expect((blocklist["counts"] as? [String: Int])?["present"] == 3)
            #expect(report["enabled"] as? Bool == false, "this process does not poll ETD")
        }
    }
}
