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

/// CTIA's opt-in paging (`limit`, repeated `search_after`, `X-Limit`/`X-Offset`/`X-Search_after`;
/// reference/ctia-feeds.md §2.6), walked to the end over a few hundred observables.
@Suite struct CTIAFeedPagingTests {
    static let count = 345

    func withFixture(_ body: (Store, Feed, Feed, [String], TestClock) async throws -> Void) async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let now = clock.now
            var values: [String] = []
            let (observables, judgements) = try store.writeNow { writer in
                let (indicator, _) = try writer.indicator(named: try EntityName("many"))
                for index in 0..<Self.count {
                    let value = index % 3 == 0 ? "host\(index).example" : (index % 3 == 1 ? "198.18.\(index / 256).\(index % 256)" : "http://h.example/\(index)")
                    values.append(try Observable(parsing: value).value)
                    try writer.record(Judgement(observable: try Observable(parsing: value), source: "a", validTime: ValidTime(start: now)), in: indicator.id)
                    // A second source on some: the value must still come back once in an observables feed.
                    if index % 10 == 0 {
                        try writer.record(Judgement(observable: try Observable(parsing: value), source: "b", validTime: ValidTime(start: now)), in: indicator.id)
                    }
                }
                // Ended: never in any page.
                try writer.record(
                    Judgement(observable: try Observable(parsing: "ended.example"), source: "a", validTime: ValidTime(start: now.addingTimeInterval(-7200), end: now.addingTimeInterval(-3600))),
                    in: indicator.id
                )
                let observables = Feed(name: try EntityName("obs"), indicatorID: indicator.id, created: now)
                let judgements = Feed(name: try EntityName("jud"), indicatorID: indicator.id, output: .judgements, created: now)
                try writer.create(observables)
                try writer.create(judgements)
                return (observables, judgements)
            }
            try await body(store, observables, judgements, values, clock)
        }
    }

    /// Follows `X-Search_after` until a page comes without it; returns the pages' bodies.
    func walk(_ client: some TestClientProtocol, _ base: String, limit: Int) async throws -> [ByteBuffer] {
        var pages: [ByteBuffer] = []
        var uri = "\(base)&limit=\(limit)"
        while pages.count < 1_000 {
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .ok, "\(uri)")
            pages.append(response.body)
            guard let cursor = response.headers[.ctiaSearchAfter] else {
                #expect(response.headers[.ctiaLimit] == nil)
                break
            }
            #expect(response.headers[.ctiaLimit] == String(limit))
            #expect(response.headers[.ctiaOffset] == String(limit))
            // `[<n> "<kind>"]` → search_after=<n>&search_after=<kind>, as a CTIA client copies it back.
            let parts = cursor.dropFirst().dropLast().split(separator: " ").map { $0.replacingOccurrences(of: "\"", with: "") }
            uri = "\(base)&limit=\(limit)" + parts.map { "&search_after=\($0)" }.joined()
        }
        return pages
    }

    func app(_ store: Store, _ clock: TestClock) throws -> some ApplicationProtocol {
        try buildApplication(
            store: store, configuration: ServerConfiguration(host: "127.0.0.1", port: 0, publicURL: "https://feeds.example.test"),
            logger: Logger(label: "test"), clock: clock.function
        )
    }

    @Test func pagingAnObservablesFeedReturnsEveryValueExactlyOnce() async throws {
        try await withFixture { store, observables, _, values, clock in
            try await app(store, clock).test(.router) { client in
                let base = "/ctia/feed/\(observables.id)/view?s=\(observables.secret.reveal)"
                let pages = try await walk(client, base, limit: 20)
                #expect(pages.count == (Self.count + 19) / 20)
                var seen: [String] = []
                for page in pages {
                    let object = try JSONSerialization.jsonObject(with: Data(page.readableBytesView)) as? [String: [[String: String]]]
                    let items = try #require(object?["observables"])
                    #expect(items.count <= 20)
                    seen.append(contentsOf: items.compactMap { $0["value"] })
                }
                #expect(seen.count == Self.count, "every value once")
                #expect(Set(seen) == Set(values))

                let textPages = try await walk(client, "/ctia/feed/\(observables.id)/view.txt?s=\(observables.secret.reveal)", limit: 20)
                let lines = textPages.flatMap { String(buffer: $0).split(separator: "\n").map(String.init) }
                #expect(lines.count == Self.count && Set(lines) == Set(values))
                for page in textPages {
                    let pageLines = String(buffer: page).split(separator: "\n").map(String.init)
                    #expect(pageLines == pageLines.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }, "each page sorted as CTIA does")
                }

                // Without limit or search_after: the whole feed in one body and no paging headers.
                let whole = try await client.execute(uri: base, method: .get)
                #expect(whole.headers[.ctiaSearchAfter] == nil)
                let all = try JSONSerialization.jsonObject(with: Data(whole.body.readableBytesView)) as? [String: [[String: String]]]
                #expect(all?["observables"]?.count == Self.count)
                // A limit larger than the feed: one page, no headers.
                #expect(try await walk(client, base, limit: 10_000).count == 1)
                // A cursor that is not ours is a 400, as CTIA refuses a malformed one.
                let bad = try await client.execute(uri: base + "&search_after=abc", method: .get)
                #expect(bad.status == .badRequest)
            }
        }
    }

    @Test func pagingAJudgementsFeedReturnsEveryJudgementExactlyOnce() async throws {
        try await withFixture { store, _, judgements, _, clock in
            try await app(store, clock).test(.router) { client in
                let pages = try await walk(client, "/ctia/feed/\(judgements.id)/view?s=\(judgements.secret.reveal)", limit: 20)
                var ids: [String] = []
                for page in pages {
                    let object = try JSONSerialization.jsonObject(with: Data(page.readableBytesView)) as? [String: [[String: Any]]]
                    ids.append(contentsOf: try #require(object?["judgements"]).compactMap { $0["id"] as? String })
                }
                let expected = Self.count + (Self.count + 9) / 10
                #expect(ids.count == expected && Set(ids).count == expected)
            }
        }
    }
}
