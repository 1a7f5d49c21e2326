import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedFormats
@testable import ThreatFeedServer

/// TAXII 2.1 object history: every write that gives a judgement a new version keeps the one before it, so
/// `versions`, `match[version]=first|last|all|<timestamp>`, objects and manifest answer as the spec says. Driven
/// with taxii2-client (Tests/Clients/taxii2_client.py `history`), every version through stix2-validator.
@Suite(.serialized) struct TAXII2VersionsTests {
    static let password = TAXIITestServer.password

    /// Writes `value` as a judgement with `reason`, ended `endedAgo` seconds before now when given.
    static func write(_ server: TAXIITestServer, _ value: String, reason: String, disposition: Disposition = .malicious, ended: Bool = false) throws {
        let observable = try Observable(parsing: value)
        try server.store.writeNow { writer in
            let end = ended ? writer.now : writer.now.addingTimeInterval(30 * 86_400)
            let start = ended ? writer.now.addingTimeInterval(-60) : writer.now
            try writer.record(
                Judgement(observable: observable, disposition: disposition, source: "test", reason: reason, validTime: ValidTime(start: start, end: end)),
                in: server.indicatorID)
        }
    }

    static func stamp(_ date: Date) -> String { TAXIITimestamp.string(from: TimestampLabel(date)) }

    static func indicatorID(_ server: TAXIITestServer, _ value: String) async throws -> String {
        let objects = TAXII2Tests.objects(try await TAXII2Tests.get(server, TAXII2Tests.collectionURL(server) + "objects/?match[type]=indicator"))
        let found = objects.first { ($0["pattern"] as? String)?.contains("'\(value)'") == true }
        return try #require(found?["id"] as? String, "\(value) in \(objects)")
    }

    @Test func everyVersionIsKeptAndEachMatchVersionAnswersAsTheSpecSays() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        var times: [Date] = []
        try Self.write(server, "history.example.com", reason: "first sighting")
        times.append(server.clock.now)
        server.clock.advance(by: 60)
        try Self.write(server, "other.example.com", reason: "one version only")
        server.clock.advance(by: 60)
        try Self.write(server, "history.example.com", reason: "seen again", disposition: .suspicious)
        times.append(server.clock.now)
        server.clock.advance(by: 60)
        try Self.write(server, "history.example.com", reason: "reclassified", ended: true)
        times.append(server.clock.now)
        server.clock.advance(by: 1)
        let url = TAXII2Tests.collectionURL(server)
        let expected = times.map(Self.stamp)

        try await server.run {
            let id = try await Self.indicatorID(server, "history.example.com")
            let history = try await TAXII2Tests.client(
                ["history", url, "--user", "gateway", "--password", Self.password, "--object", id, "--per-request", "2"])
            #expect((history["invalid"] as? [Any])?.isEmpty == true, "\(history["invalid"] ?? "")")
            #expect(history["versions"] as? [String] == expected)
            #expect(history["first"] as? [String] == [expected[0]])
            #expect(history["last"] as? [String] == [expected[2]])
            #expect(history["all"] as? [String] == expected)
            #expect(history["first_last"] as? [String] == [expected[0], expected[2]])
            for stamp in expected { #expect((history["each"] as? [String: [String]])?[stamp] == [stamp]) }
            // The whole collection with every version, in pages of 2: identity + 3 versions + the other indicator,
            // each (id, version) exactly once.
            let all = try #require(history["collection_all"] as? [[String]])
            #expect(all.count == 5 && Set(all.map { $0.joined(separator: " ") }).count == 5, "\(all)")
            #expect(all.filter { $0[0] == id }.map { $0[1] } == expected)

            // Each version is the judgement as it stood: the first is malicious with the first reason, not revoked.
            let first = TAXII2Tests.objects(try await TAXII2Tests.get(server, url + "objects/\(id)/?match[version]=first"))
            #expect(first.first?["description"] as? String == "first sighting")
            #expect(first.first?["indicator_types"] as? [String] == ["malicious-activity"])
            #expect(first.first?["revoked"] == nil)
            let second = TAXII2Tests.objects(try await TAXII2Tests.get(server, url + "objects/\(id)/?match[version]=\(expected[1])"))
            #expect(second.first?["description"] as? String == "seen again")
            #expect(second.first?["indicator_types"] as? [String] == ["anomalous-activity"])
            let newest = TAXII2Tests.objects(try await TAXII2Tests.get(server, url + "objects/\(id)/"))
            #expect(newest.map { $0["modified"] as? String } == [expected[2]])
            #expect(newest.first?["revoked"] as? Bool == true)

            // Objects without match[version] keep answering the newest only; first,last on the whole collection.
            #expect(TAXII2Tests.objects(try await TAXII2Tests.get(server, url + "objects/")).count == 3)
            let firstLast = TAXII2Tests.objects(try await TAXII2Tests.get(server, url + "objects/?match[version]=first,last&match[type]=indicator"))
            #expect(firstLast.count == 3, "history twice (first, last), other once: \(firstLast.map { $0["modified"] ?? "" })")
            let atSecond = TAXII2Tests.objects(try await TAXII2Tests.get(server, url + "objects/?match[version]=\(expected[1])"))
            #expect(atSecond.map { $0["id"] as? String } == [id])

            // Manifest lists each version with its own date added; versions pages with limit/next and added_after.
            let manifest = try await TAXII2Tests.get(server, url + "manifest/?match[version]=all&match[id]=\(id)")
            let entries = (manifest["body"] as? [String: Any])?["objects"] as? [[String: Any]] ?? []
            #expect(entries.map { $0["version"] as? String } == expected)
            #expect(entries.map { $0["date_added"] as? String } == expected)
            let headers = manifest["headers"] as? [String: String] ?? [:]
            #expect(headers["X-TAXII-Date-Added-First"] == expected[0] && headers["X-TAXII-Date-Added-Last"] == expected[2])
            let page = try await TAXII2Tests.get(server, url + "objects/\(id)/versions/?limit=2")
            let pageBody = try #require(page["body"] as? [String: Any])
            #expect(pageBody["versions"] as? [String] == Array(expected.prefix(2)))
            #expect(pageBody["more"] as? Bool == true)
            let next = try #require(pageBody["next"] as? String)
            let rest = try await TAXII2Tests.get(server, url + "objects/\(id)/versions/?limit=2&next=\(next)")
            #expect((rest["body"] as? [String: Any])?["versions"] as? [String] == [expected[2]])
            let later = try await TAXII2Tests.get(server, url + "objects/\(id)/versions/?added_after=\(expected[0])")
            #expect((later["body"] as? [String: Any])?["versions"] as? [String] == Array(expected.dropFirst()))
            // match[version] is not a filter of the versions endpoint: every version is listed whatever it says.
            let ignored = try await TAXII2Tests.get(server, url + "objects/\(id)/versions/?match[version]=last")
            #expect((ignored["body"] as? [String: Any])?["versions"] as? [String] == expected)
            // A timestamp no version has: the object exists, so an empty envelope, not 404.
            let none = try await TAXII2Tests.get(server, url + "objects/\(id)/?match[version]=2020-01-01T00:00:00.000000Z")
            #expect(none["status"] as? Int == 200)
            #expect((none["body"] as? [String: Any])?.isEmpty == true)
        }
    }

    /// The earlier version is written by the same statement as the change: a write that fails after changing the
    /// judgement leaves neither the change nor a version behind.
    @Test func aFailedWriteKeepsNoVersionAndRetentionDropsOldVersions() async throws {
        struct Abort: Error {}
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        let firstTime = server.clock.now
        try Self.write(server, "kept.example.com", reason: "one")
        server.clock.advance(by: 86_400)
        let secondTime = server.clock.now
        try Self.write(server, "kept.example.com", reason: "two")
        server.clock.advance(by: 60)
        #expect(throws: Abort.self) {
            try server.store.writeNow { writer in
                try writer.record(
                    Judgement(observable: try Observable(parsing: "kept.example.com"), source: "test", reason: "never",
                              validTime: ValidTime(start: writer.now, end: nil)),
                    in: server.indicatorID)
                throw Abort()
            }
        }
        let url = TAXII2Tests.collectionURL(server)
        try await server.run {
            let id = try await Self.indicatorID(server, "kept.example.com")
            let versions = try await TAXII2Tests.get(server, url + "objects/\(id)/versions/")
            #expect((versions["body"] as? [String: Any])?["versions"] as? [String] == [Self.stamp(firstTime), Self.stamp(secondTime)])
        }
        // Retention drops versions written before its cutoff; the newest stays while the judgement lives.
        try server.store.writeNow { try $0.pruneJudgements(endedBefore: firstTime.addingTimeInterval(3_600)) }
        try await server.run {
            let id = try await Self.indicatorID(server, "kept.example.com")
            let versions = try await TAXII2Tests.get(server, url + "objects/\(id)/versions/")
            #expect((versions["body"] as? [String: Any])?["versions"] as? [String] == [Self.stamp(secondTime)])
            let first = TAXII2Tests.objects(try await TAXII2Tests.get(server, url + "objects/\(id)/?match[version]=first"))
            #expect(first.map { $0["description"] as? String } == ["two"])
        }
    }
}
