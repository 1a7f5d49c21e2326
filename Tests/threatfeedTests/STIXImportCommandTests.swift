import Foundation
import GRDB
import Testing
import ThreatFeedTesting

/// `threatfeed import` of STIX 2.1 bundles (JSON) and STIX 1.x packages (XML), as a real process.
@Suite struct STIXImportCommandTests {
    static let sha = String(repeating: "ab", count: 32)

    func rows(_ db: String, _ sql: String) throws -> [String] {
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        return try queue.read { try String.fetchAll($0, sql: sql) }
    }

    static let bundle = #"""
        {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
          {"type": "identity", "spec_version": "2.1", "id": "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
           "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z", "name": "Peer CERT"},
          {"type": "indicator", "spec_version": "2.1", "id": "indicator--a1b2c3d4-0000-4000-8000-000000000001",
           "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z", "pattern_type": "stix",
           "pattern": "[url:value = 'https://evil.example/it\\'s']", "valid_from": "2026-01-01T00:00:00Z",
           "valid_until": "2099-01-01T00:00:00Z", "description": "phishing kit",
           "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"], "confidence": 40},
          {"type": "indicator", "spec_version": "2.1", "id": "indicator--a1b2c3d4-0000-4000-8000-000000000002",
           "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z", "pattern_type": "stix",
           "pattern": "[file:hashes.'SHA-256' = 'ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB']", "valid_from": "2026-01-01T00:00:00Z",
           "indicator_types": ["anomalous-activity"]},
          {"type": "indicator", "spec_version": "2.1", "id": "indicator--a1b2c3d4-0000-4000-8000-000000000003",
           "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z", "pattern_type": "stix",
           "pattern": "[ipv4-addr:value = '198.51.100.1'] OR [ipv4-addr:value = '198.51.100.2']", "valid_from": "2026-01-01T00:00:00Z"},
          {"type": "indicator", "spec_version": "2.1", "id": "indicator--a1b2c3d4-0000-4000-8000-000000000004",
           "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z", "pattern_type": "sigma",
           "pattern": "title: x", "valid_from": "2026-01-01T00:00:00Z"},
          {"type": "indicator", "spec_version": "2.1", "id": "indicator--a1b2c3d4-0000-4000-8000-000000000005",
           "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z", "pattern_type": "stix",
           "pattern": "[email-addr:value = 'a@b.example']", "valid_from": "2026-01-01T00:00:00Z"}
        ]}
        """#

    static let package = """
        <stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:indicator="http://stix.mitre.org/Indicator-2"
            xmlns:stixCommon="http://stix.mitre.org/common-1" xmlns:cybox="http://cybox.mitre.org/cybox-2"
            xmlns:cyboxCommon="http://cybox.mitre.org/common-2" xmlns:DomainNameObj="http://cybox.mitre.org/objects#DomainNameObject-1"
            xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2" xmlns:FileObj="http://cybox.mitre.org/objects#FileObject-2"
            xmlns:EmailMessageObj="http://cybox.mitre.org/objects#EmailMessageObject-2"
            xmlns:marking="http://data-marking.mitre.org/Marking-1" xmlns:tlpMarking="http://data-marking.mitre.org/extensions/MarkingStructure#TLP-1"
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="x:Package-1" version="1.2">
          <stix:Indicators>
            <stix:Indicator xsi:type="indicator:IndicatorType" id="x:indicator-1">
              <indicator:Title>Bad domains</indicator:Title>
              <indicator:Valid_Time_Position><indicator:Start_Time>2026-01-01T00:00:00Z</indicator:Start_Time><indicator:End_Time>2099-01-01T00:00:00Z</indicator:End_Time></indicator:Valid_Time_Position>
              <indicator:Observable id="x:Observable-1"><cybox:Object id="x:DomainName-1">
                <cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType" type="FQDN">
                  <DomainNameObj:Value condition="Equals" apply_condition="ANY">one.example##comma##two.example</DomainNameObj:Value>
                </cybox:Properties></cybox:Object></indicator:Observable>
              <indicator:Handling><marking:Marking><marking:Marking_Structure xsi:type="tlpMarking:TLPMarkingStructureType" color="RED"/></marking:Marking></indicator:Handling>
            </stix:Indicator>
          </stix:Indicators>
          <stix:Observables cybox_major_version="2" cybox_minor_version="1">
            <cybox:Observable id="x:Observable-2"><cybox:Object id="x:Address-1">
              <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr"><AddressObj:Address_Value>203.0.113.77</AddressObj:Address_Value></cybox:Properties>
            </cybox:Object></cybox:Observable>
            <cybox:Observable id="x:Observable-3"><cybox:Object id="x:File-1">
              <cybox:Properties xsi:type="FileObj:FileObjectType"><FileObj:Hashes><cyboxCommon:Hash>
                <cyboxCommon:Type>SHA256</cyboxCommon:Type><cyboxCommon:Simple_Hash_Value>\(sha)</cyboxCommon:Simple_Hash_Value>
              </cyboxCommon:Hash></FileObj:Hashes></cybox:Properties>
            </cybox:Object></cybox:Observable>
            <cybox:Observable id="x:Observable-4"><cybox:Object id="x:Email-1">
              <cybox:Properties xsi:type="EmailMessageObj:EmailMessageObjectType"/>
            </cybox:Object></cybox:Observable>
          </stix:Observables>
        </stix:STIX_Package>
        """

    @Test func stix21BundleImportsIndicatorsAndNamesRefusedObjectsByIndex() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let file = try dir.write("peer.json", Self.bundle)
            let result = try CommandRunner.run(["import", "--db", db, "--indicator", "peer", file])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.contains("peer: 2 added, 0 refreshed, 3 rejected"), "\(result.stdout)")
            #expect(result.stderr.contains("\(file):13: element 4: pattern: only a single"), "\(result.stderr)")
            #expect(result.stderr.contains("element 5: pattern_type 'sigma' is not stix"), "\(result.stderr)")
            #expect(result.stderr.contains("element 6: pattern: 'email-addr:value' is not an object path we keep"), "\(result.stderr)")
            let stored = try rows(db, "SELECT o.value || ' ' || j.tlp || ' ' || j.disposition || ' ' || coalesce(j.reason, '-') FROM judgement j JOIN observable o ON o.id = j.observable_id ORDER BY o.value")
            #expect(stored == ["\(Self.sha) amber 3 -", "https://evil.example/it's green 2 phishing kit"], "\(stored)")
        }
    }

    @Test func stix1PackageImportsObjectsWithTheirIndicatorsContext() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let file = try dir.write("peer.xml", Self.package)
            let result = try CommandRunner.run(["import", "--db", db, "--indicator", "peer", file])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.contains("peer: 4 added, 0 refreshed, 1 rejected"), "\(result.stdout)")
            #expect(result.stderr.contains("\(file):29: CybOX object type 'EmailMessageObj:EmailMessageObjectType' is not one we keep"), "\(result.stderr)")
            let stored = try rows(db, "SELECT o.value || ' ' || j.tlp || ' ' || coalesce(j.reason, '-') FROM judgement j JOIN observable o ON o.id = j.observable_id ORDER BY o.value")
            #expect(stored == ["203.0.113.77 amber -", "\(Self.sha) amber -", "one.example red Bad domains", "two.example red Bad domains"], "\(stored)")

            // A document with a DOCTYPE is refused whole, naming the problem; nothing is stored.
            let hostile = try dir.write("hostile.xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><stix:STIX_Package xmlns:stix=\"http://stix.mitre.org/stix-1\"/>")
            let refused = try CommandRunner.run(["import", "--db", db, "--indicator", "other", hostile])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("hostile.xml"), "\(refused.stderr)")
        }
    }
}
