import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import ThreatFeedCore
import ThreatFeedFormats
import ThreatFeedTesting

@testable import ThreatFeedServer

/// The CTIA view and TAXII 1.1 poll handlers on the in-memory read protocols (`MemoryFeeds`, `MemoryClientRecords`),
/// without SQLite: the edges of "live" and of a feed's state, cheap to set up here. (`CTIAFeedViewTests` and
/// `TAXIIPollTests` check the same endpoints over a real store and real clients.)
@Suite struct FeedHandlerTests {
    /// One indicator and two feeds on it: `esa` (observables, collection `esa-feed`) and `esa-judgements`.
    struct Fixture {
        let clock = TestClock()
        let feeds = MemoryFeeds()
        let clients = MemoryClientRecords()
        let indicator: Indicator
        let observables: Feed
        let judgements: Feed
        private let labels = LabelCounter()

        init() throws {
            indicator = Indicator(name: try EntityName("blocklist"), created: clock.now)
            observables = Feed(name: try EntityName("esa"), indicatorID: indicator.id, collectionName: "esa-feed", created: clock.now)
            judgements = Feed(name: try EntityName("esa-judgements"), indicatorID: indicator.id, output: .judgements, created: clock.now)
            feeds.add(indicator)
            feeds.add(observables)
            feeds.add(judgements)
        }

        /// A judgement on `value` valid from `start` (default: an hour ago) to `end`, under the next label.
        @discardableResult
        func record(_ value: String, start: Date? = nil, end: Date?) throws -> StoredJudgement {
            let now = clock.now
            let stored = StoredJudgement(
                id: RandomUUID.v4(), label: TimestampLabel(microseconds: labels.next()), indicatorID: indicator.id, created: now, modified: now,
                judgement: Judgement(
                    observable: try Observable(parsing: value), source: "test", reason: "test: \(value)",
                    validTime: ValidTime(start: start ?? now.addingTimeInterval(-3_600), end: end)
                )
            )
            feeds.add(stored)
            return stored
        }

        func withServer(_ body: @Sendable (any TestClientProtocol, PollRecorder) async throws -> Void) async throws {
            let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, publicURL: "https://feeds.example.test")
            let clock = self.clock.function
            let recorder = PollRecorder(store: clients, logger: Logger(label: "test"))
            let router = Router(context: AppRequestContext.self)
            CTIAFeedController(
                store: feeds, cache: FeedViewCache(store: feeds, idBase: configuration.publicBase),
                pages: CTIAFeedPages(store: feeds, idBase: configuration.publicBase), recorder: recorder, clock: clock
            ).addRoutes(to: router)
            TAXIIController(
                feeds: feeds, configuration: configuration,
                credentials: FeedHandlerTests.noUsers, recorder: recorder, clock: clock
            ).addRoutes(to: router)
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.router) { client in try await body(client, recorder) }
        }

        func viewPath(_ feed: Feed, text: Bool = false, secret: String? = nil) -> String {
            "/ctia/feed/\(feed.id)/view\(text ? ".txt" : "")?s=\(secret ?? feed.secret.reveal)"
        }
    }

    /// These tests poll by secret only; one verifier for all of them, as making one hashes a bcrypt decoy at full cost.
    static let noUsers = CredentialVerifier(store: MemoryUsers())

    final class LabelCounter: Sendable {
        private let value = Mutex<Int64>(1_767_225_600_000_000)
        func next() -> Int64 { value.withLock { $0 += 1; return $0 } }
    }

    static func observables(_ response: TestResponse) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: [[String: String]]]
        return try #require(object?["observables"]).map { "\($0["type"]!):\($0["value"]!)" }
    }

    // MARK: CTIA view

    @Test func anEmptyFeedIsAnEmptyListNotAnError() async throws {
        let fixture = try Fixture()
        try await fixture.withServer { client, _ in
            let json = try await client.execute(uri: fixture.viewPath(fixture.observables), method: .get)
            #expect(json.status == .ok)
            #expect(try Self.observables(json) == [])
            let text = try await client.execute(uri: fixture.viewPath(fixture.observables, text: true), method: .get)
            #expect(text.status == .ok)
            #expect(String(buffer: text.body) == "")
            let judgements = try await client.execute(uri: fixture.viewPath(fixture.judgements), method: .get)
            #expect(judgements.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(String(buffer: judgements.body).utf8)) as? [String: [Any]]
            #expect(object?["judgements"]?.isEmpty == true)
        }
    }

    @Test func anUnknownFeedIsNotFoundAndAWrongSecretUnauthorized() async throws {
        let fixture = try Fixture()
        try fixture.record("bad.example", end: nil)
        try await fixture.withServer { client, recorder in
            let unknown = try await client.execute(uri: "/ctia/feed/feed-00000000-0000-4000-8000-000000000000/view?s=whatever", method: .get)
            #expect(unknown.status == .notFound)
            #expect(String(buffer: unknown.body) == #"{"error":"feed not found"}"#)
            let wrong = try await client.execute(uri: fixture.viewPath(fixture.observables, secret: "not-the-secret"), method: .get)
            #expect(wrong.status == .unauthorized)
            #expect(!String(buffer: wrong.body).contains("bad.example"))
            // Both refusals are in the client records, under the feed's name when the request named a real feed.
            await recorder.flush()
            let outcomes = Set(fixture.clients.polls.map { "\($0.feed) \($0.outcome.rawValue)" })
            #expect(outcomes == ["- not-found", "esa wrong-secret"])
        }
    }

    @Test func aJudgementEndingExactlyNowIsServedAndGoneAMomentLater() async throws {
        let fixture = try Fixture()
        let now = fixture.clock.now
        try fixture.record("ends-now.example", end: now)
        try fixture.record("ended.example", end: now.addingTimeInterval(-0.001))
        try fixture.record("starts-later.example", start: now.addingTimeInterval(1), end: nil)
        try fixture.record("open.example", end: nil)
        try await fixture.withServer { client, _ in
            let first = try await client.execute(uri: fixture.viewPath(fixture.observables), method: .get)
            #expect(try Self.observables(first) == ["domain:ends-now.example", "domain:open.example"])
            // No write in between: only the validity change may make the cached body stale.
            fixture.clock.advance(by: 1)
            let later = try await client.execute(uri: fixture.viewPath(fixture.observables), method: .get)
            #expect(try Self.observables(later) == ["domain:starts-later.example", "domain:open.example"])
            #expect(later.headers[.eTag] != first.headers[.eTag])
        }
    }

    @Test func aNewJudgementMovesTheRevisionAndTheCachedBody() async throws {
        let fixture = try Fixture()
        try fixture.record("first.example", end: nil)
        try await fixture.withServer { client, _ in
            let before = try await client.execute(uri: fixture.viewPath(fixture.observables, text: true), method: .get)
            #expect(String(buffer: before.body) == "first.example")
            let etag = try #require(before.headers[.eTag])
            let unchanged = try await client.execute(
                uri: fixture.viewPath(fixture.observables, text: true), method: .get, headers: [.ifNoneMatch: etag]
            )
            #expect(unchanged.status == .notModified)
            try fixture.record("a-second.example", end: nil)
            let after = try await client.execute(
                uri: fixture.viewPath(fixture.observables, text: true), method: .get, headers: [.ifNoneMatch: etag]
            )
            #expect(after.status == .ok)
            #expect(String(buffer: after.body) == "a-second.example\nfirst.example")
        }
    }

    @Test func pagesWalkEveryLiveObservableOnce() async throws {
        let fixture = try Fixture()
        for index in 0..<5 { try fixture.record("host\(index).example", end: nil) }
        try fixture.record("expired.example", end: fixture.clock.now.addingTimeInterval(-1))
        try await fixture.withServer { client, _ in
            var seen: [String] = []
            var after: String?
            for _ in 0..<5 {
                let query = after.map { "&limit=2&search_after=\($0)" } ?? "&limit=2"
                let page = try await client.execute(uri: fixture.viewPath(fixture.observables) + query, method: .get)
                #expect(page.status == .ok)
                seen += try Self.observables(page)
                guard let next = page.headers[.ctiaSearchAfter] else { break }
                after = String(next.dropFirst().prefix { $0 != " " })
            }
            #expect(seen == (0..<5).map { "domain:host\($0).example" })
        }
    }

    // MARK: TAXII 1.1 poll

    static func poll(_ client: any TestClientProtocol, _ request: String) async throws -> String {
        let response = try await client.execute(
            uri: "/taxii/poll", method: .post,
            headers: [
                .contentType: "application/xml", HTTPField.Name("X-TAXII-Content-Type")!: "urn:taxii.mitre.org:message:xml:1.1",
                HTTPField.Name("X-TAXII-Services")!: "urn:taxii.mitre.org:services:1.1",
            ],
            body: ByteBuffer(string: request)
        )
        #expect(response.status == .ok)
        return String(buffer: response.body)
    }

    static func blocks(_ answer: String) -> Int { answer.components(separatedBy: "<taxii_11:Content_Block>").count - 1 }

    @Test func aPollBySecretServesTheLiveJudgementsOfItsWindow() async throws {
        let fixture = try Fixture()
        let now = fixture.clock.now
        let old = try fixture.record("old.example", end: nil)
        try fixture.record("ends-now.example", end: now)
        try fixture.record("ended.example", end: now.addingTimeInterval(-0.001))
        try fixture.record("new.example", end: nil)
        let secret = fixture.observables.secret.reveal
        try await fixture.withServer { client, recorder in
            let whole = try await Self.poll(client, TAXIITestServer.pollRequest(collection: secret))
            #expect(Self.blocks(whole) == 3)
            #expect(whole.contains("ends-now.example") && whole.contains("new.example") && whole.contains("old.example"))
            #expect(!whole.contains("ended.example"))
            // The next incremental poll starts after the first label: the rest of the window only.
            let begin = TAXIITimestamp.string(from: old.label)
            let incremental = try await Self.poll(client, TAXIITestServer.pollRequest(collection: secret, begin: begin))
            #expect(Self.blocks(incremental) == 2)
            #expect(!incremental.contains("old.example"))
            let count = try await Self.poll(client, TAXIITestServer.pollRequest(collection: secret, begin: begin, countOnly: true))
            #expect(Self.blocks(count) == 0)
            #expect(count.contains(#"<taxii_11:Record_Count partial_count="false">2</taxii_11:Record_Count>"#))
            await recorder.flush()
            let polls = fixture.clients.polls
            #expect(polls.count == 1)
            #expect(polls.first?.feed == "esa")
            #expect(polls.first?.polls == 3)
            #expect(polls.first?.outcome == .served)
        }
    }

    @Test func aPollOfAnEmptyOrUnknownCollection() async throws {
        let fixture = try Fixture()
        try await fixture.withServer { client, _ in
            let empty = try await Self.poll(client, TAXIITestServer.pollRequest(collection: fixture.observables.secret.reveal))
            #expect(empty.contains("Poll_Response"))
            #expect(Self.blocks(empty) == 0)
            let unknown = try await Self.poll(client, TAXIITestServer.pollRequest(collection: "no-such-collection"))
            #expect(unknown.contains(#"status_type="NOT_FOUND""#))
            // The collection name, not the secret, needs credentials.
            let byName = try await Self.poll(client, TAXIITestServer.pollRequest(collection: "esa-feed"))
            #expect(byName.contains(#"status_type="UNAUTHORIZED""#))
        }
    }
}
