import Foundation
import Synchronization
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedFormats
@testable import ThreatFeedServer

/// TAXII 2.1 driven by real clients (Tests/Clients/taxii2_client.py): taxii2-client's discovery walk and paging,
/// Sentinel- and OpenCTI-like incremental loops with requests, stix2-validator, stix2 and stix2-patterns.
@Suite(.serialized) struct TAXII2Tests {
    static let password = TAXIITestServer.password

    static func client(_ arguments: [String]) async throws -> [String: Any] {
        let fixed = arguments
        let text = try await onThread { try PythonClients.output("taxii2_client.py", fixed) }
        return try PythonClients.decode(text, from: "taxii2_client.py")
    }

    static func collectionURL(_ server: TAXIITestServer) -> String {
        server.base + "/taxii2/api/collections/" + TAXII2Controller.collectionID(server.feed) + "/"
    }

    static func get(_ server: TAXIITestServer, _ path: String, user: String? = "gateway", accept: String? = nil) async throws -> [String: Any] {
        var arguments = ["get", path.hasPrefix("http") ? path : server.base + path]
        if let user { arguments += ["--user", user, "--password", password] }
        if let accept { arguments += ["--accept", accept] }
        return try await client(arguments)
    }

    static func objects(_ result: [String: Any]) -> [[String: Any]] {
        ((result["body"] as? [String: Any])?["objects"] as? [[String: Any]]) ?? []
    }

    /// A few thousand indicators, read by taxii2-client in small pages: every object exactly once.
    @Test func taxii2ClientWalksDiscoveryAndPagesEveryObjectOnce() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        let values = (0..<3_000).map { i -> String in
            switch i % 3 {
            case 0: "host\(i).example.org"
            case 1: "https://phish\(i).example.net/login?id=\(i)"
            default: "198.51.\(i / 250).\(i % 250)"
            }
        }
        try server.record(values)
        server.clock.advance(by: 1)
        try await server.run {
            let walked = try await Self.client(["walk", server.base + "/taxii2/", "--user", "gateway", "--password", Self.password, "--per-request", "250"])
            #expect(walked["api_roots"] as? [String] == [server.base + "/taxii2/api/"])
            let collections = try #require(walked["collections"] as? [[String: Any]])
            #expect(collections.count == 1)
            let collection = try #require(collections.first)
            #expect(collection["id"] as? String == TAXII2Controller.collectionID(server.feed))
            #expect(collection["can_read"] as? Bool == true)
            #expect(collection["can_write"] as? Bool == false)
            let objects = try #require(collection["objects"] as? [[String: Any]])
            let ids = objects.compactMap { $0["id"] as? String }
            #expect(ids.count == 3_001, "3,000 indicators and the producer's identity")
            #expect(Set(ids).count == ids.count, "every object exactly once")
            #expect((collection["pages"] as? Int ?? 0) >= 13)
            let patterns = Set(objects.compactMap { $0["pattern"] as? String })
            #expect(patterns.contains("[domain-name:value = 'host0.example.org']"))
            #expect(patterns.contains("[ipv4-addr:value = '198.51.0.2']"))

            // A user granted nothing sees no collection.
            let other = try await Self.client(["walk", server.base + "/taxii2/", "--user", "other", "--password", Self.password])
            #expect((other["collections"] as? [Any])?.isEmpty == true)
        }
    }

    /// Every observable type, TLP, confidence, disposition, an ETD provenance and an ended judgement: all valid STIX 2.1.
    @Test func everyObjectValidatesAndEveryPatternParses() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        let now = server.clock.now
        let observables = try [
            "https://quote.example/it's/a\\b", "https://x.example/a?b=1&c='2'", "bad.example.com", "203.0.113.9", "2001:db8::1",
            String(repeating: "ab", count: 32), String(repeating: "c", count: 40), String(repeating: "d", count: 32),
        ].map { try Observable(parsing: $0) }
        let dispositions: [Disposition] = [.malicious, .suspicious, .clean, .unknown]
        let confidences: [Confidence] = [.high, .medium, .low, .info, .none, .unknown]
        try server.store.writeNow { writer in
            for (index, observable) in observables.enumerated() {
                try writer.record(
                    Judgement(
                        observable: observable, disposition: dispositions[index % dispositions.count], source: "import:list.txt",
                        confidence: confidences[index % confidences.count], tlp: TLP.allCases[index % TLP.allCases.count],
                        reason: index == 0 ? "a \"quoted\" reason\nwith a line break" : nil,
                        validTime: ValidTime(start: now, end: index == 1 ? nil : now.addingTimeInterval(86_400))
                    ),
                    in: server.indicatorID
                )
            }
        }
        let etd = try Observable(parsing: "https://etd.example/phish")
        let conviction = ConvictionPage.Conviction(
            key: ConvictionKey(messageID: "msg-1", verdict: "phishing"), messageTime: now,
            judgements: [(try EntityName("blocklist"), Judgement(
                observable: etd, source: "etd", reason: "ETD phishing: Malicious URL", validTime: ValidTime(start: now, end: now.addingTimeInterval(86_400)),
                provenance: ["etd.message_id": "msg-1", "etd.verdict": "phishing", "etd.techniques": "Malicious URL"]))],
            heldBack: [:])
        _ = try await server.store.commit(ConvictionPage(convictions: [conviction]))
        server.clock.advance(by: 60)
        _ = try await server.store.commit(ConvictionPage(clearedMessageIDs: ["msg-1"]))
        server.clock.advance(by: 1)
        try await server.run {
            let walked = try await Self.client(
                ["walk", server.base + "/taxii2/", "--user", "gateway", "--password", Self.password, "--per-request", "4", "--validate"])
            let collection = try #require((walked["collections"] as? [[String: Any]])?.first)
            #expect((collection["objects"] as? [Any])?.count == observables.count + 2)
            #expect((collection["invalid"] as? [Any])?.isEmpty == true, "\(collection["invalid"] ?? "")")
            let patterns = Set(((collection["objects"] as? [[String: Any]]) ?? []).compactMap { $0["pattern"] as? String })
            for expected in [
                #"[url:value = 'https://quote.example/it\'s/a\\b']"#, "[file:hashes.'SHA-256' = '\(String(repeating: "ab", count: 32))']",
                "[file:hashes.'SHA-1' = '\(String(repeating: "c", count: 40))']", "[file:hashes.MD5 = '\(String(repeating: "d", count: 32))']",
                "[ipv6-addr:value = '2001:db8::1']",
            ] {
                #expect(patterns.contains(expected), "\(expected) in \(patterns)")
            }

            let ended = try Self.objects(await Self.get(server, "/taxii2/api/collections/\(TAXII2Controller.collectionID(server.feed))/objects/?match[type]=indicator"))
                .first { ($0["pattern"] as? String)?.contains("etd.example") == true }
            #expect(ended?["revoked"] as? Bool == true)
            let references = try #require(ended?["external_references"] as? [[String: Any]])
            #expect(references.first?["external_id"] as? String == "msg-1")
            #expect(ended?["created_by_ref"] as? String == STIX2Identity.id(producerName: "ThreatFeed"))
        }
    }

    /// Sentinel-like (added_after from the last X-TAXII-Date-Added-Last) and OpenCTI-like (added_after + next) loops
    /// see each indicator once, then only what changed: a new one, and an ended one as a new version.
    @Test func incrementalPollersSeeAdditionsOnceAndEndingsAsNewVersions() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        let now = server.clock.now
        let ended = try Observable(parsing: "https://ended.example/x")
        let conviction = ConvictionPage.Conviction(
            key: ConvictionKey(messageID: "m1", verdict: "phishing"), messageTime: now,
            judgements: [(try EntityName("blocklist"), Judgement(observable: ended, source: "etd", validTime: ValidTime(start: now, end: now.addingTimeInterval(7 * 86_400)),
                                                             provenance: ["etd.message_id": "m1"]))],
            heldBack: [:])
        _ = try await server.store.commit(ConvictionPage(convictions: [conviction]))
        try server.record((0..<20).map { "steady\($0).example.com" })
        server.clock.advance(by: 1)
        let states = server.directory.file("sentinel.json")
        let opencti = server.directory.file("opencti.json")
        let url = Self.collectionURL(server)
        @Sendable func cycle(_ style: String, _ state: String) async throws -> [[String: Any]] {
            let result = try await Self.client(
                ["poll", url, "--user", "gateway", "--password", Self.password, "--style", style, "--limit", "7", "--state", state])
            #expect(result["error"] == nil, "\(result["error"] ?? "")")
            return result["objects"] as? [[String: Any]] ?? []
        }
        try await server.run {
            for (style, state) in [("sentinel", states), ("opencti", opencti)] {
                let first = try await cycle(style, state)
                let ids = first.compactMap { $0["id"] as? String }
                #expect(ids.count == 22 && Set(ids).count == 22, "\(style): every object once")
            }
            let endedID = try Self.objects(await Self.get(server, url + "objects/?match[type]=indicator&limit=1"))
                .first.flatMap { $0["id"] as? String }
            let before = try Self.objects(await Self.get(server, url + "objects/\(try #require(endedID))/")).first
            #expect(before?["revoked"] == nil)
            let firstModified = before?["modified"] as? String ?? ""

            server.clock.advance(by: 120)
            try server.record(["newcomer.example.com"])
            server.clock.advance(by: 1)
            _ = try await server.store.commit(ConvictionPage(clearedMessageIDs: ["m1"]))
            server.clock.advance(by: 1)

            for (style, state) in [("sentinel", states), ("opencti", opencti)] {
                let second = try await cycle(style, state)
                #expect(second.count == 2, "\(style): \(second)")
                let again = try #require(second.last)
                #expect(again["id"] as? String == endedID)
                #expect(again["revoked"] as? Bool == true)
                #expect((again["modified"] as? String ?? "") > firstModified, "a later version")
                #expect((again["valid_until"] as? String ?? "9") <= TAXIITimestamp.string(from: TimestampLabel(server.clock.now)))
                let third = try await cycle(style, state)
                #expect(third.isEmpty, "\(style): nothing new")
            }
            let versions = try await Self.get(server, url + "objects/\(try #require(endedID))/versions/")
            #expect(versions["status"] as? Int == 200)
            let listed = try #require((versions["body"] as? [String: Any])?["versions"] as? [String])
            // The version the pollers first saw is kept next to the ended one.
            #expect(listed.count == 2 && listed[0] == firstModified && listed[1] > firstModified, "\(listed)")
            let headers = versions["headers"] as? [String: String] ?? [:]
            #expect(headers["X-TAXII-Date-Added-First"] != nil && headers["X-TAXII-Date-Added-Last"] != nil)
        }
    }

    /// The cursor is signed with a key in the database: a new server process (here a new application on the same
    /// file) continues a walk where the old one stopped; a forged cursor is refused with a TAXII error.
    @Test func cursorSurvivesRestartAndForgedCursorsAreRefused() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record((0..<12).map { "page\($0).example.com" })
        server.clock.advance(by: 1)
        let url = Self.collectionURL(server) + "objects/"
        let text = Mutex("")
        try await server.run {
            let answer = try await onThread {
                try PythonClients.output("taxii2_client.py", ["get", url + "?limit=5", "--user", "gateway", "--password", Self.password])
            }
            text.withLock { $0 = answer }
        }
        let first = try PythonClients.decode(text.withLock { $0 })
        let body = try #require(first["body"] as? [String: Any])
        #expect(body["more"] as? Bool == true)
        let next = try #require(body["next"] as? String)
        let firstPage = Self.objects(first).compactMap { $0["id"] as? String }
        #expect(firstPage.count == 5)
        try await server.run {
            var seen = firstPage
            var cursor: String? = next
            while let current = cursor {
                let page = try await Self.get(server, url + "?limit=5&next=" + current)
                #expect(page["status"] as? Int == 200, "\(page)")
                seen += Self.objects(page).compactMap { $0["id"] as? String }
                cursor = (page["body"] as? [String: Any])?["next"] as? String
            }
            #expect(seen.count == 13 && Set(seen).count == 13)

            var forged = Array(next)
            forged[forged.count / 2] = forged[forged.count / 2] == "A" ? "B" : "A"
            for bad in [String(forged), "garbage", String(repeating: "A", count: 2_000), next + "x"] {
                let answer = try await Self.get(server, url + "?next=" + bad)
                #expect(answer["status"] as? Int == 400, "\(bad): \(answer)")
                #expect((answer["body"] as? [String: Any])?["title"] as? String == "Bad request")
            }
        }
    }

    /// Malformed filters get 400 with a TAXII error message; the server keeps serving.
    @Test func hostileFiltersGet400NeverACrash() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record((0..<5).map { "filter\($0).example.com" })
        server.clock.advance(by: 1)
        let url = Self.collectionURL(server) + "objects/"
        try await server.run {
            for query in [
                "limit=0", "limit=-1", "limit=abc", "limit=99999999999999999999", "limit=1e3", "limit=3&limit=4", "limit=",
                "added_after=yesterday", "added_after=2026-13-45T00:00:00Z", "added_after=2026-01-01T00:00:00",
                "match[version]=newest", "match[id]=indicator--nope", "match[type]=Indicator", "match[type]=",
                "match[spec_version]=two", "match%5Bid%5D=x", "next=%zz", "added_after=%FF%FE",
                "match[id]=" + (0..<101).map { _ in "indicator--" + RandomUUID.v4() }.joined(separator: ","),
            ] {
                let answer = try await Self.get(server, url + "?" + query)
                #expect(answer["status"] as? Int == 400, "\(query): \(answer)")
                let headers = answer["headers"] as? [String: String] ?? [:]
                #expect(headers["Content-Type"] == TAXII2MediaType.taxii, "\(query)")
                let body = answer["body"] as? [String: Any]
                #expect(body?["http_status"] as? String == "400" && (body?["description"] as? String)?.isEmpty == false, "\(query)")
            }
            let fine = try await Self.get(server, url + "?limit=3")
            #expect(Self.objects(fine).count == 3, "never more than asked")
            let lowered = try await Self.get(server, url + "?limit=2147483647")
            #expect(Self.objects(lowered).count == 6, "a large limit is lowered to the server's maximum")
        }
    }

    /// Authentication (401 with WWW-Authenticate, 404 for a collection not granted), lenient Accept, exact Content-Type,
    /// the date-added headers, and the filters.
    @Test func authenticationMediaTypesHeadersAndFilters() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(["a.example.com", "https://b.example.com/x", "192.0.2.10"])
        server.clock.advance(by: 1)
        let collection = Self.collectionURL(server)
        try await server.run {
            let anonymous = try await Self.get(server, "/taxii2/", user: nil)
            #expect(anonymous["status"] as? Int == 401)
            #expect(((anonymous["headers"] as? [String: String])?["WWW-Authenticate"] ?? "").hasPrefix("Basic"))
            let wrong = try await Self.client(["get", server.base + "/taxii2/api/", "--user", "gateway", "--password", "wrong-password!"])
            #expect(wrong["status"] as? Int == 401)
            let notGranted = try await Self.get(server, collection, user: "other")
            #expect(notGranted["status"] as? Int == 404)
            let unknown = try await Self.get(server, "/taxii2/api/collections/\(RandomUUID.v4())/objects/")
            #expect(unknown["status"] as? Int == 404)

            for accept in [nil, "application/json", "*/*", "application/taxii+json", "application/taxii+json;version=2.1", "application/json, */*"] {
                let answer = try await Self.get(server, "/taxii2/api/", accept: accept)
                #expect(answer["status"] as? Int == 200, "\(accept ?? "none")")
                #expect((answer["headers"] as? [String: String])?["Content-Type"] == TAXII2MediaType.taxii)
            }
            for accept in ["application/taxii+json;version=2.0", "text/html", "application/xml"] {
                let answer = try await Self.get(server, "/taxii2/api/", accept: accept)
                #expect(answer["status"] as? Int == 406, "\(accept)")
            }
            let stix = try await Self.get(server, collection + "objects/", accept: "application/stix+json;version=2.1")
            #expect((stix["headers"] as? [String: String])?["Content-Type"] == TAXII2MediaType.stix)

            let all = try await Self.get(server, collection + "objects/")
            let objects = Self.objects(all)
            #expect(objects.count == 4)
            let headers = all["headers"] as? [String: String] ?? [:]
            let manifest = try await Self.get(server, collection + "manifest/")
            let entries = (manifest["body"] as? [String: Any])?["objects"] as? [[String: Any]] ?? []
            #expect(entries.map { $0["id"] as? String } == objects.map { $0["id"] as? String })
            #expect(entries.map { $0["version"] as? String } == objects.map { $0["modified"] as? String })
            #expect(headers["X-TAXII-Date-Added-First"] == entries.first?["date_added"] as? String)
            #expect(headers["X-TAXII-Date-Added-Last"] == entries.last?["date_added"] as? String)

            let indicator = try #require(objects.last)
            let id = try #require(indicator["id"] as? String)
            let version = try #require(indicator["modified"] as? String)
            #expect(Self.objects(try await Self.get(server, collection + "objects/?match[type]=identity")).count == 1)
            #expect(Self.objects(try await Self.get(server, collection + "objects/?match[id]=\(id)")).map { $0["id"] as? String } == [id])
            #expect(Self.objects(try await Self.get(server, collection + "objects/?match[version]=\(version)")).count == 1)
            #expect(Self.objects(try await Self.get(server, collection + "objects/?match[version]=first,last&match[type]=indicator")).count == 3)
            let empty = try await Self.get(server, collection + "objects/?match[spec_version]=2.0")
            #expect(empty["status"] as? Int == 200)
            #expect((empty["body"] as? [String: Any])?.isEmpty == true)
            let after = try #require(entries[1]["date_added"] as? String)
            #expect(Self.objects(try await Self.get(server, collection + "objects/?added_after=\(after)")).count == 2)
            let single = try await Self.get(server, collection + "objects/\(id)/")
            #expect(Self.objects(single).map { $0["id"] as? String } == [id])
            #expect((single["headers"] as? [String: String])?["X-TAXII-Date-Added-Last"] != nil)
            let missing = try await Self.get(server, collection + "objects/indicator--\(RandomUUID.v4())/")
            #expect(missing["status"] as? Int == 404)

            // Collection reads are counted per feed, as TAXII 1.1 polls are, for /health/clients and /metrics.
            let metrics = try await Self.get(server, "/metrics", user: nil)
            let text = metrics["body"] as? String ?? ""
            #expect(text.contains(#"threatfeed_polls_total{feed="esa",kind="taxii2",outcome="served"}"#), "\(text.prefix(3000))")
            #expect(text.contains(#"threatfeed_polls_total{feed="-",kind="taxii2",outcome="unauthorized"}"#))
        }
    }
}

/// The write service: taxii2-client's add_objects by a user with a write grant, per-object outcomes in the status
/// resource, the indicators served back; read-only users, bad media types, bad bodies and large bodies refused.
@Suite(.serialized) struct TAXII2WriteTests {
    static let password = TAXIITestServer.password

    static func envelope(_ objects: [String]) -> String { #"{"objects":["# + objects.joined(separator: ",") + "]}" }

    static func indicator(_ n: Int, _ pattern: String, extra: String = "") -> String {
        #"{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-00000000000\#(n)","created":"2026-01-01T00:00:00Z","modified":"2026-01-01T00:00:00Z","pattern_type":"stix","pattern":"\#(pattern)","valid_from":"2026-01-01T00:00:00Z"\#(extra)}"#
    }

    @Test func addObjectsLandsIndicatorsAndReportsEachObject() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.store.writeNow { writer in
            try writer.create(User(name: try EntityName("writer"), passwordHash: try Passwords.hash(Self.password, cost: 4), created: writer.now))
            try writer.grant(feed: server.feed.name, toUser: try EntityName("writer"), write: true)
        }
        let collection = TAXII2Tests.collectionURL(server)
        let file = server.directory.file("envelope.json")
        try Self.envelope([
            Self.indicator(1, "[domain-name:value = 'Written.Example']", extra: #","valid_until":"2099-01-01T00:00:00Z","description":"from the TIP""#),
            Self.indicator(2, #"[url:value = 'https://written.example/it\\'s']"#),
            Self.indicator(3, "[ipv4-addr:value = '198.51.100.1'] OR [ipv4-addr:value = '198.51.100.2']"),
            Self.indicator(4, "[domain-name:value = 'not a domain']"),
            #"{"type":"identity","spec_version":"2.1","id":"identity--00000000-0000-4000-8000-000000000009","created":"2026-01-01T00:00:00Z","modified":"2026-01-01T00:00:00Z","name":"x"}"#,
        ]).write(toFile: file, atomically: true, encoding: .utf8)
        try await server.run {
            let added = try await TAXII2Tests.client(["add", collection, "--user", "writer", "--password", Self.password, file])
            #expect(added["error"] == nil, "\(added["error"] ?? "")")
            let status = try #require(added["status"] as? [String: Any])
            #expect(status["status"] as? String == "complete")
            #expect(status["total_count"] as? Int == 5)
            #expect(status["success_count"] as? Int == 2)
            #expect(status["failure_count"] as? Int == 3)
            #expect(status["pending_count"] as? Int == 0)
            let failures = try #require(status["failures"] as? [[String: Any]])
            #expect(failures.map { $0["id"] as? String } == [
                "indicator--00000000-0000-4000-8000-000000000003", "indicator--00000000-0000-4000-8000-000000000004",
                "identity--00000000-0000-4000-8000-000000000009",
            ])
            #expect(failures.allSatisfy { ($0["message"] as? String)?.isEmpty == false })
            let again = try #require(added["again"] as? [String: Any])
            #expect(again["id"] as? String == status["id"] as? String && again["success_count"] as? Int == 2)

            // What was written is served, normalised, as our own indicators.
            let served = TAXII2Tests.objects(try await TAXII2Tests.get(server, collection + "objects/?match[type]=indicator", user: "writer"))
            let patterns = served.compactMap { $0["pattern"] as? String }
            #expect(patterns == ["[domain-name:value = 'written.example']", #"[url:value = 'https://written.example/it\'s']"#], "\(patterns)")
            #expect(served.first?["description"] as? String == "from the TIP")

            // The status belongs to its writer; others get 404.
            let statusPath = "/taxii2/api/status/\(status["id"] as? String ?? "")/"
            #expect(try await TAXII2Tests.get(server, statusPath, user: "gateway")["status"] as? Int == 404)
            let collections = try await TAXII2Tests.get(server, "/taxii2/api/collections/", user: "writer")
            #expect(((collections["body"] as? [String: Any])?["collections"] as? [[String: Any]])?.first?["can_write"] as? Bool == true)

            // A read-only grant may not write; bad media type, bad body, oversized body.
            let readOnly = try await TAXII2Tests.client(["add", collection, "--user", "gateway", "--password", Self.password, file])
            #expect((readOnly["error"] as? String)?.isEmpty == false, "taxii2-client refuses: the collection says can_write false")
            for (arguments, expected) in [
                (["--user", "gateway", "--data", Self.envelope([Self.indicator(1, "[domain-name:value = 'x.example']")])], 403),
                (["--user", "writer", "--data", "{not json"], 400),
                (["--user", "writer", "--data", #"{"objects": 5}"#], 400),
                (["--user", "writer", "--content-type", "text/plain", "--data", "{}"], 415),
                (["--user", "writer", "--data-size", String(2 << 20)], 413),
            ] {
                let answer = try await TAXII2Tests.client(["post", collection + "objects/", "--password", Self.password] + arguments)
                #expect(answer["status"] as? Int == expected, "\(arguments.prefix(3)): \(answer)")
            }
        }
    }
}
