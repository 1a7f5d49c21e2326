import Foundation
import Testing
import ThreatFeedCore

@testable import ThreatFeedFormats

/// STIX 2.1 rendering, patterns and the TAXII 2.1 query and Accept parsing (the real-client checks are in
/// ThreatFeedServerTests/TAXII2Tests).
struct STIX2RenderingTests {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)

    static func stored(_ value: String, end: Date? = nil, label: Date? = nil, provenance: [String: String] = [:]) throws -> StoredJudgement {
        StoredJudgement(
            id: "judgement-0f8fad5b-d9cb-469f-a165-70867728950e", label: TimestampLabel(label ?? start), indicatorID: "indicator-1",
            created: start, modified: label ?? start,
            judgement: Judgement(observable: try Observable(parsing: value), source: "etd", tlp: .green, reason: "ETD phishing",
                                 validTime: ValidTime(start: start, end: end), provenance: provenance))
    }

    static func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func patternsQuoteApostrophesAndBackslashes() throws {
        #expect(STIX2Pattern.quoted(#"a'b\c"#) == #"'a\'b\\c'"#)
        #expect(STIX2Pattern.equality(for: try Observable(parsing: "x.example")) == "[domain-name:value = 'x.example']")
        let hash = String(repeating: "a", count: 64)
        #expect(STIX2Pattern.equality(for: try Observable(parsing: hash)) == "[file:hashes.'SHA-256' = '\(hash)']")
        #expect(STIX2Pattern.objectPath(of: .md5) == "file:hashes.MD5")
    }

    @Test func indicatorCarriesTheJudgement() throws {
        let renderer = STIX2Renderer(producerName: "ACME SOC", identityID: Self.identity)
        let object = try Self.json(renderer.indicator(try Self.stored(
            "https://x.example/a", end: Self.start.addingTimeInterval(86_400), provenance: ["etd.message_id": "m-1", "etd.verdict": "phishing"])))
        #expect(object["id"] as? String == "indicator--0f8fad5b-d9cb-469f-a165-70867728950e")
        #expect(object["pattern"] as? String == "[url:value = 'https://x.example/a']")
        #expect(object["valid_from"] as? String == "2026-01-01T00:00:00.000000Z")
        #expect(object["valid_until"] as? String == "2026-01-02T00:00:00.000000Z")
        #expect(object["indicator_types"] as? [String] == ["malicious-activity"])
        #expect(object["confidence"] as? Int == 85)
        #expect(object["object_marking_refs"] as? [String] == [STIX2Marking.tlp(.green)])
        #expect(object["created_by_ref"] as? String == renderer.identityID)
        #expect(object["description"] as? String == "ETD phishing")
        #expect(object["revoked"] == nil)
        #expect((object["external_references"] as? [[String: Any]])?.first?["external_id"] as? String == "m-1")
        let identity = try Self.json(renderer.identity(created: TimestampLabel(Self.start)))
        #expect(identity["id"] as? String == renderer.identityID)
    }

    static let identity = "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"

    @Test func endedJudgementIsRevokedWithAPastValidUntilAfterValidFrom() throws {
        let renderer = STIX2Renderer(identityID: Self.identity)
        // Ended the instant it started: valid_until must still be after valid_from.
        let object = try Self.json(renderer.indicator(try Self.stored("x.example", end: Self.start, label: Self.start.addingTimeInterval(5))))
        #expect(object["revoked"] as? Bool == true)
        #expect(object["valid_until"] as? String == "2026-01-01T00:00:00.000001Z")
        #expect(object["modified"] as? String == "2026-01-01T00:00:05.000000Z")
    }

    @Test func filtersParseAndRefuseMalformedValues() throws {
        let filter = try TAXII2Filter.parse(
            query: "added_after=2026-01-01T00%3A00%3A00Z&limit=50&match%5Btype%5D=indicator,identity&match[version]=all&next=abc&unknown=1")
        #expect(filter.addedAfter == TimestampLabel(Self.start))
        #expect(filter.limit == 50)
        #expect(filter.types == ["indicator", "identity"])
        #expect(filter.versions == TAXII2VersionFilter(all: true))
        #expect(filter.next == "abc")
        #expect(try TAXII2Filter.parse(query: "next=").next == nil)
        do {
            _ = try TAXII2Filter.parse(query: "match[type]=a%0Ab%1B")
            Issue.record("a type name with control characters was accepted")
        } catch {
            #expect(!error.description.contains("\n") && !error.description.contains("\u{1B}"), "\(error)")
        }
        for bad in ["limit=0", "limit=2147483648", "limit=+5", "limit=5&limit=6", "added_after=2026", "match[id]=x--y", "match[version]=latest", "%G1=2"] {
            #expect(throws: TAXII2QueryError.self, "\(bad)") { try TAXII2Filter.parse(query: bad) }
        }
    }

    @Test func acceptIsLenientButNotForOtherVersionsOrTypes() {
        for accept in [nil, "", "application/json", "*/*", "application/taxii+json", "application/taxii+json; version=2.1", "text/html, */*;q=0.8"] {
            #expect(TAXII2MediaType.negotiate(accept: accept) == TAXII2MediaType.taxii, "\(accept ?? "nil")")
        }
        for accept in ["application/taxii+json;version=2.0", "text/html", "application/stix+json;version=2.1", "*/*;q=0"] {
            #expect(TAXII2MediaType.negotiate(accept: accept) == nil, "\(accept)")
        }
        #expect(TAXII2MediaType.negotiate(accept: "application/stix+json;version=2.1", stix: true) == TAXII2MediaType.stix)
    }
}
