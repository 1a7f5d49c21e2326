import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedServer

/// The feed view driven over a real socket by AsyncHTTPClient, status by status (reference/ctia-feeds.md §2.3).
@Suite struct CTIAFeedViewTests {
    struct Fixture {
        let directory: TemporaryDirectory
        let clock: TestClock
        let store: Store
        let observables: Feed
        let judgements: Feed
        let expiring: Feed
        let indicatorID: String

        init() throws {
            directory = try TemporaryDirectory()
            clock = TestClock()
            store = try Store(path: directory.file("feeds.sqlite"), clock: clock.function)
            let now = clock.now
            (observables, judgements, expiring, indicatorID) = try store.writeNow { writer in
                let (indicator, _) = try writer.indicator(named: try EntityName("blocklist"))
                for (value, days) in [("203.0.113.7", 30.0), ("bad.example", 30), ("http://bad.example/login", 30), ("2001:db8::1", 30)] {
                    try writer.record(
                        Judgement(
                            observable: try Observable(parsing: value), source: "import:a.txt", reason: "test entry",
                            validTime: ValidTime(start: now, end: now.addingTimeInterval(days * 86_400))
                        ),
                        in: indicator.id
                    )
                }
                // The same observable from a second source must appear once in the observables view.
                try writer.record(
                    Judgement(observable: try Observable(parsing: "bad.example"), source: "etd", validTime: ValidTime(start: now)),
                    in: indicator.id
                )
                // Short-lived: gone from the body after an hour.
                try writer.record(
                    Judgement(
                        observable: try Observable(parsing: "short.example"), source: "etd",
                        validTime: ValidTime(start: now, end: now.addingTimeInterval(3_600))
                    ),
                    in: indicator.id
                )
                let observables = Feed(name: try EntityName("esa"), indicatorID: indicator.id, created: now)
                let judgements = Feed(name: try EntityName("esa-judgements"), indicatorID: indicator.id, output: .judgements, created: now)
                let expiring = Feed(
                    name: try EntityName("trial"), indicatorID: indicator.id,
                    lifetime: ValidTime(start: now, end: now.addingTimeInterval(86_400)), created: now
                )
                for feed in [observables, judgements, expiring] { try writer.create(feed) }
                return (observables, judgements, expiring, indicator.id)
            }
        }

        func app() throws -> some ApplicationProtocol {
            try buildApplication(
                store: store, configuration: ServerConfiguration(host: "127.0.0.1", port: 0, publicURL: "https://feeds.example.test"),
                logger: Logger(label: "test"), clock: clock.function
            )
        }

        func viewPath(_ feed: Feed, text: Bool = false, secret: String? = nil) -> String {
            "/ctia/feed/\(feed.id)/view\(text ? ".txt" : "")?s=\(secret ?? feed.secret.reveal)"
        }
    }

    @Test func observablesFeedServesEachLiveObservableOnce() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try await fixture.app().test(.ahc(.http)) { client in
            let response = try await client.execute(uri: fixture.viewPath(fixture.observables), method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: [[String: String]]]
            let items = try #require(object?["observables"])
            #expect(object?.keys.sorted() == ["observables"])
            let pairs = Set(items.map { "\($0["type"]!):\($0["value"]!)" })
            #expect(items.count == 5)
            #expect(
                pairs == [
                    "ip:203.0.113.7", "domain:bad.example", "url:http://bad.example/login", "ipv6:2001:db8::1", "domain:short.example",
                ]
            )
            #expect(items.allSatisfy { $0.keys.sorted() == ["type", "value"] })
        }
    }

    @Test func textViewIsSortedLFJoinedWithoutTrailingNewline() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try await fixture.app().test(.ahc(.http)) { client in
            let response = try await client.execute(uri: fixture.viewPath(fixture.observables, text: true), method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(
                String(buffer: response.body)
                    == ["2001:db8::1", "203.0.113.7", "bad.example", "http://bad.example/login", "short.example"].joined(separator: "\n")
            )
        }
    }

    @Test func judgementsFeedServesCTIMJudgements() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try await fixture.app().test(.ahc(.http)) { client in
            let response = try await client.execute(uri: fixture.viewPath(fixture.judgements), method: .get)
            #expect(response.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: [[String: Any]]]
            let items = try #require(object?["judgements"])
            // Two judgements on bad.example (two sources) both appear, as in CTIA.
            #expect(items.count == 6)
            let first = try #require(items.first)
            #expect((first["id"] as? String)?.hasPrefix("https://feeds.example.test/ctia/judgement/judgement-") == true)
            #expect(first["type"] as? String == "judgement")
            #expect(first["disposition"] as? Int == 2)
            #expect(first["disposition_name"] as? String == "Malicious")
            #expect((first["observable"] as? [String: String]) == ["type": "ip", "value": "203.0.113.7"])
            #expect(first["reason"] as? String == "test entry")
            let validTime = try #require(first["valid_time"] as? [String: String])
            #expect(validTime["start_time"] == Timestamps.iso8601Milli(fixture.clock.now))
            let openEnded = items.first { ($0["source"] as? String) == "etd" && ($0["observable"] as? [String: String])?["value"] == "bad.example" }
            #expect((openEnded?["valid_time"] as? [String: String])?["end_time"] == "2525-01-01T00:00:00.000Z")
            // CTIA's stored fields: owner = who made the statement, groups = this ThreatFeed (CTIAJudgementsWriter.owner).
            for item in items {
                #expect(item["owner"] as? String == item["source"] as? String, "\(item)")
                #expect(item["groups"] as? [String] == ["threatfeed"], "\(item)")
            }
        }
    }

    @Test func errorsFollowCTIAsCheckOrderAndBodies() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try await fixture.app().test(.ahc(.http)) { client in
            func check(_ uri: String, _ status: HTTPResponse.Status, _ body: String) async throws {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == status, "\(uri)")
                #expect(String(buffer: response.body) == body, "\(uri)")
            }
            let id = fixture.observables.id
            try await check("/ctia/feed/\(id)/view", .badRequest, #"{"errors":{"s":"missing-required-key"}}"#)
            try await check("/ctia/feed/\(id)/view.txt", .badRequest, "{:errors {:s missing-required-key}}")
            // Missing `s` is checked before the feed exists.
            try await check("/ctia/feed/feed-unknown/view", .badRequest, #"{"errors":{"s":"missing-required-key"}}"#)
            try await check("/ctia/feed/feed-unknown/view?s=x", .notFound, #"{"error":"feed not found"}"#)
            try await check("/ctia/feed/feed-unknown/view.txt?s=x", .notFound, "feed not found")
            try await check(fixture.viewPath(fixture.observables, secret: "wrong"), .unauthorized, #"{"error":"wrong secret"}"#)
            try await check(fixture.viewPath(fixture.observables, text: true, secret: "wrong"), .unauthorized, "wrong secret")
            // A right secret of another feed is still wrong here.
            try await check(
                fixture.viewPath(fixture.observables, secret: fixture.judgements.secret.reveal), .unauthorized, #"{"error":"wrong secret"}"#
            )
            // CTIA's schema is closed: an unknown parameter is a 400 naming it, before the feed is looked up.
            try await check(fixture.viewPath(fixture.observables) + "&foo=bar", .badRequest, #"{"errors":{"foo":"disallowed-key"}}"#)
            try await check("/ctia/feed/feed-unknown/view.txt?invalid=1", .badRequest, "{:errors {:s missing-required-key, :invalid disallowed-key}}")
            try await check(fixture.viewPath(fixture.observables) + "&limit=10001", .badRequest, #"{"errors":{"limit":"(not (less-than-10000? 10001))"}}"#)
            try await check(
                fixture.viewPath(fixture.observables, text: true) + "&limit=10001", .badRequest, #"{:errors {:limit "(not (less-than-10000? 10001))"}}"#
            )
            let zero = try await client.execute(uri: fixture.viewPath(fixture.observables) + "&limit=0", method: .get)
            #expect(zero.status == .badRequest)
            let notANumber = try await client.execute(uri: fixture.viewPath(fixture.observables) + "&limit=99999999999999999999999", method: .get)
            #expect(notANumber.status == .badRequest)
        }
    }

    @Test func anExpiredFeedIsNotFoundEvenWithTheRightSecret() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try await fixture.app().test(.ahc(.http)) { client in
            let before = try await client.execute(uri: fixture.viewPath(fixture.expiring), method: .get)
            #expect(before.status == .ok)
            fixture.clock.advance(by: 2 * 86_400)
            let after = try await client.execute(uri: fixture.viewPath(fixture.expiring), method: .get)
            #expect(after.status == .notFound)
            #expect(String(buffer: after.body) == #"{"error":"feed not found"}"#)
            // Wrong secret on an expired feed is also 404: lifetime is checked first.
            let wrong = try await client.execute(uri: fixture.viewPath(fixture.expiring, secret: "nope"), method: .get)
            #expect(wrong.status == .notFound)
        }
    }

    @Test func aJudgementWhoseValidTimeEndedLeavesTheBody() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try await fixture.app().test(.ahc(.http)) { client in
            let first = try await client.execute(uri: fixture.viewPath(fixture.observables, text: true), method: .get)
            #expect(String(buffer: first.body).contains("short.example"))
            fixture.clock.advance(by: 3_601)
            let second = try await client.execute(uri: fixture.viewPath(fixture.observables, text: true), method: .get)
            #expect(!String(buffer: second.body).contains("short.example"))
            #expect(String(buffer: second.body).contains("bad.example"))
            #expect(second.headers[.eTag] != first.headers[.eTag])
        }
    }

    @Test func headAndConditionalRequests() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try await fixture.app().test(.ahc(.http)) { client in
            let get = try await client.execute(uri: fixture.viewPath(fixture.observables), method: .get)
            let etag = try #require(get.headers[.eTag])
            let head = try await client.execute(uri: fixture.viewPath(fixture.observables), method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.eTag] == etag)
            #expect(head.headers[.contentLength] == String(get.body.readableBytes))

            let notModified = try await client.execute(
                uri: fixture.viewPath(fixture.observables), method: .get, headers: [.ifNoneMatch: etag]
            )
            #expect(notModified.status == .notModified)
            #expect(notModified.body.readableBytes == 0)
            let otherTag = try await client.execute(
                uri: fixture.viewPath(fixture.observables), method: .get, headers: [.ifNoneMatch: "\"something-else\""]
            )
            #expect(otherTag.status == .ok)

            // A write to the indicator changes the body and so the tag.
            try fixture.store.writeNow { writer in
                try writer.record(
                    Judgement(observable: try Observable(parsing: "new.example"), source: "api", validTime: ValidTime(start: writer.now)),
                    in: fixture.indicatorID
                )
            }
            let changed = try await client.execute(
                uri: fixture.viewPath(fixture.observables), method: .get, headers: [.ifNoneMatch: etag]
            )
            #expect(changed.status == .ok)
            #expect(String(buffer: changed.body).contains("new.example"))
            #expect(changed.headers[.eTag] != etag)
            // Wrong secret never reveals the tag.
            let wrong = try await client.execute(
                uri: fixture.viewPath(fixture.observables, secret: "x"), method: .get, headers: [.ifNoneMatch: "*"]
            )
            #expect(wrong.status == .unauthorized)
        }
    }

    @Test func theLongURLFormOfTheFeedIDIsAccepted() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try await fixture.app().test(.ahc(.http)) { client in
            let long = "https%3A%2F%2Ffeeds.example.test%3A443%2Fctia%2Ffeed%2F\(fixture.observables.id)"
            let response = try await client.execute(uri: "/ctia/feed/\(long)/view?s=\(fixture.observables.secret.reveal)", method: .get)
            #expect(response.status == .ok)
        }
    }

    @Test func concurrentPollsShareOneRenderAndAgree() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try await fixture.app().test(.ahc(.http)) { client in
            let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<16 {
                    group.addTask { String(buffer: try await client.execute(uri: fixture.viewPath(fixture.observables), method: .get).body) }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(bodies.count == 1)
        }
    }
}
