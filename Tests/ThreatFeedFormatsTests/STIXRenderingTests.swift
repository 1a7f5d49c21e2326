import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedFormats
import ThreatFeedXML

private let stixNamespace = "http://stix.mitre.org/stix-1"
private let indicatorNamespace = "http://stix.mitre.org/Indicator-2"
private let xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

private struct Case: Sendable, CustomTestStringConvertible {
    let type: ObservableType
    let value: String
    let fixture: String?
    let indicatorType: String
    let title: String
    let propertiesType: String
    let propertiesAttribute: (String, String)?
    let objectNamespace: String
    let objectIDKind: String

    var testDescription: String { type.rawValue }
}

private let cases: [Case] = [
    Case(
        type: .url, value: "http://malicious.example.com/path/login.php", fixture: "indicator_url", indicatorType: "URL Watchlist",
        title: "Malicious URL", propertiesType: "URIObj:URIObjectType", propertiesAttribute: ("type", "URL"),
        objectNamespace: "http://cybox.mitre.org/objects#URIObject-2", objectIDKind: "URI"
    ),
    Case(
        type: .domain, value: "evil.example.net", fixture: "indicator_domain", indicatorType: "Domain Watchlist", title: "Malicious domain",
        propertiesType: "DomainNameObj:DomainNameObjectType", propertiesAttribute: ("type", "FQDN"),
        objectNamespace: "http://cybox.mitre.org/objects#DomainNameObject-1", objectIDKind: "DomainName"
    ),
    Case(
        type: .ip, value: "198.51.100.23", fixture: "indicator_ipv4", indicatorType: "IP Watchlist", title: "Malicious IPv4 address",
        propertiesType: "AddressObj:AddressObjectType", propertiesAttribute: ("category", "ipv4-addr"),
        objectNamespace: "http://cybox.mitre.org/objects#AddressObject-2", objectIDKind: "Address"
    ),
    Case(
        type: .ipv6, value: "2001:db8::bad:1", fixture: "indicator_ipv6", indicatorType: "IP Watchlist", title: "Malicious IPv6 address",
        propertiesType: "AddressObj:AddressObjectType", propertiesAttribute: ("category", "ipv6-addr"),
        objectNamespace: "http://cybox.mitre.org/objects#AddressObject-2", objectIDKind: "Address"
    ),
    Case(
        type: .sha256, value: "5b0d86950557f7c405c4f9dfcc2249a13c4e57f0f334abfa7e3e552046c1eff8", fixture: "indicator_sha256",
        indicatorType: "File Hash Watchlist", title: "Malicious file (SHA-256)", propertiesType: "FileObj:FileObjectType",
        propertiesAttribute: nil,
        objectNamespace: "http://cybox.mitre.org/objects#FileObject-2", objectIDKind: "File"
    ),
    Case(
        type: .md5, value: "d41d8cd98f00b204e9800998ecf8427e", fixture: nil, indicatorType: "File Hash Watchlist",
        title: "Malicious file (MD5)",
        propertiesType: "FileObj:FileObjectType", propertiesAttribute: nil, objectNamespace: "http://cybox.mitre.org/objects#FileObject-2",
        objectIDKind: "File"
    ),
    Case(
        type: .sha1, value: "da39a3ee5e6b4b0d3255bfef95601890afd80709", fixture: nil, indicatorType: "File Hash Watchlist",
        title: "Malicious file (SHA-1)", propertiesType: "FileObj:FileObjectType", propertiesAttribute: nil,
        objectNamespace: "http://cybox.mitre.org/objects#FileObject-2", objectIDKind: "File"
    ),
]

private let namespace = try! STIXIDNamespace(prefix: "acme", uri: "https://acme.example/threatfeed")

@Suite("STIX packages")
struct STIXRenderingTests {
    @Test("ids keep ASCII letters, digits, '.', '_' and '-'; anything else becomes '-'")
    func idSuffixes() throws {
        for (id, suffix) in [
            ("judgement-2f1c0a8e-4b7d", "2f1c0a8e-4b7d"), ("judgement-A_b.9", "A_b.9"), ("judgement-é/x y", "--x-y"), ("judgement-", "unnamed"),
        ] {
            let stored = try TestFixtures.stored(.domain, "ids.example", id: id)
            let renderer = STIXPackageRenderer(version: .v1_2, idNamespace: namespace, producerName: "Acme")
            #expect(try SafeXML.parse(renderer.render(stored)).attribute("id") == "acme:Package-\(suffix)")
        }
    }

    @Test("one package, one indicator, the observable inline", arguments: cases)
    fileprivate func shape(_ testCase: Case) throws {
        let stored = try TestFixtures.stored(
            testCase.type, testCase.value, id: "judgement-2f1c0a8e-4b7d-4c55-9a3e-0d6b1f2e3a4c",
            reason: "Seen in ETD conviction <42> & more",
            validEnd: Date(timeIntervalSince1970: 1_705_406_400)
        )
        let renderer = STIXPackageRenderer(version: .v1_2, idNamespace: namespace, producerName: "Acme ThreatFeed")
        let package = try SafeXML.parse(renderer.render(stored))
        let suffix = "2f1c0a8e-4b7d-4c55-9a3e-0d6b1f2e3a4c"

        #expect(package.isNamed("STIX_Package", in: stixNamespace))
        #expect(package.attribute("id") == "acme:Package-\(suffix)")
        #expect(package.attribute("version") == "1.2")
        #expect(package.namespaceDeclarations.contains(XMLNamespaceDeclaration(prefix: "acme", uri: "https://acme.example/threatfeed")))
        #expect(package.namespaceDeclarations.contains { $0.uri == testCase.objectNamespace })
        #expect(package.children.map(\.localName) == ["Indicators"])
        let indicators = package.children[0].children
        #expect(indicators.count == 1)
        let indicator = indicators[0]
        #expect(indicator.isNamed("Indicator", in: stixNamespace))
        #expect(indicator.attribute("id") == "acme:indicator-\(suffix)")
        #expect(indicator.attribute("timestamp") == "2024-01-15T12:00:00.000000Z")
        #expect(indicator.attribute("type", in: xsiNamespace) == "indicator:IndicatorType")
        #expect(indicator.children.allSatisfy { $0.namespaceURI == indicatorNamespace })
        #expect(
            indicator.children.map(\.localName) == [
                "Title", "Type", "Description", "Valid_Time_Position", "Observable", "Confidence", "Producer",
            ])
        #expect(indicator.children[0].text == testCase.title)
        #expect(indicator.children[1].text == testCase.indicatorType)
        #expect(indicator.children[1].attribute("type", in: xsiNamespace) == "stixVocabs:IndicatorTypeVocab-1.1")
        #expect(indicator.children[2].text == "Seen in ETD conviction <42> & more")
        #expect(
            indicator.children[3].children.map { "\($0.localName)=\($0.text)" } == [
                "Start_Time=2024-01-15T12:00:00.000000Z", "End_Time=2024-01-16T12:00:00.000000Z",
            ])
        let observable = indicator.children[4]
        #expect(observable.attribute("id") == "acme:Observable-\(suffix)")
        #expect(observable.attribute("idref") == nil)
        let object = try #require(observable.children.first)
        #expect(object.attribute("id") == "acme:\(testCase.objectIDKind)-\(suffix)")
        let properties = try #require(object.children.first)
        #expect(properties.attribute("type", in: xsiNamespace) == testCase.propertiesType)
        if let (name, value) = testCase.propertiesAttribute { #expect(properties.attribute(name) == value) }
        let valueElements =
            properties.descendants(named: "Value") + properties.descendants(named: "Address_Value")
            + properties.descendants(named: "Simple_Hash_Value")
        #expect(valueElements.map(\.text) == [testCase.value])
        #expect(valueElements.first?.attribute("condition") == "Equals")
        if testCase.objectIDKind == "File" {
            let hashType = try #require(properties.descendants(named: "Type").first)
            #expect(hashType.text == ["sha256": "SHA256", "md5": "MD5", "sha1": "SHA1"][testCase.type.rawValue])
            #expect(hashType.attribute("condition") == "Equals")
            #expect(hashType.attribute("type", in: xsiNamespace) == "cyboxVocabs:HashNameVocab-1.0")
        }
        let confidence = indicator.children[5]
        #expect(confidence.attribute("timestamp") == "2024-01-15T12:00:00.000000Z")
        #expect(confidence.children.map(\.text) == ["High"])
        #expect(confidence.children[0].attribute("type", in: xsiNamespace) == "stixVocabs:HighMediumLowVocab-1.0")
        #expect(indicator.children[6].descendants(named: "Name").map(\.text) == ["Acme ThreatFeed"])
    }

    @Test("the fixture's elements appear in ours, in the same order", arguments: cases.filter { $0.fixture != nil })
    fileprivate func matchesFixture(_ testCase: Case) throws {
        let stored = try TestFixtures.stored(testCase.type, testCase.value, reason: "x")
        let ours = ElementShape.list(try SafeXML.parse(STIXPackageRenderer(idNamespace: namespace).render(stored)))
        let fixture = ElementShape.list(try TestFixtures.tree("stix/\(testCase.fixture!).stix12.xml"))
        // Compare names only (we add xsi:type on Confidence/Value, omit precision="second"), as a subsequence.
        var remaining = ours.map { "\($0.depth) \($0.name)" }[...]
        for element in fixture.map({ "\($0.depth) \($0.name)" }) {
            guard let found = remaining.firstIndex(of: element) else {
                Issue.record("\(element) missing from our package, or out of order")
                return
            }
            remaining = remaining[(found + 1)...]
        }
    }

    @Test("STIX 1.1.1 differs only in the version, a package timestamp, and the binding")
    func version111() throws {
        let stored = try TestFixtures.stored(.url, "http://bad.example/x")
        let v12 = STIXPackageRenderer(version: .v1_2, idNamespace: namespace).render(stored)
        let v111 = STIXPackageRenderer(version: .v1_1_1, idNamespace: namespace).render(stored)
        let tree = try SafeXML.parse(v111)
        #expect(tree.attribute("version") == "1.1.1")
        #expect(tree.attribute("timestamp") == "2024-01-15T12:00:00.000000Z")
        #expect(try SafeXML.parse(v12).attribute("timestamp") == nil)
        let expected = String(decoding: v12, as: UTF8.self)
            .replacingOccurrences(of: #"version="1.2""#, with: #"version="1.1.1" timestamp="2024-01-15T12:00:00.000000Z""#)
        #expect(String(decoding: v111, as: UTF8.self) == expected)
        #expect(STIXVersion.v1_1_1.contentBinding == "urn:stix.mitre.org:xml:1.1.1")
        #expect(STIXVersion.v1_2.contentBinding == "urn:stix.mitre.org:xml:1.2")
        #expect(STIXVersion(contentBinding: "urn:stix.mitre.org:xml:1.1.1") == .v1_1_1)
        #expect(STIXVersion(contentBinding: "urn:stix.mitre.org:xml:1.0") == nil)
        var block = TAXIIPollResponseWriter(inResponseTo: "1", collectionName: "c", inclusiveEnd: stored.label)
        block.appendContentBlock(stored, renderer: STIXPackageRenderer(version: .v1_1_1))
        let binding = try SafeXML.parse(block.finish()).descendants(named: "Content_Binding").first?.attribute("binding_id")
        #expect(binding == "urn:stix.mitre.org:xml:1.1.1")
    }

    @Test("ids are stable and derived from the judgement id; optional parts are left out")
    func stableIDsAndOptionalParts() throws {
        let stored = try TestFixtures.stored(.domain, "bad.example", id: "judgement-abc", reason: nil, confidence: .info)
        let renderer = STIXPackageRenderer()
        #expect(renderer.render(stored) == renderer.render(stored))
        let package = try SafeXML.parse(renderer.render(stored))
        #expect(package.attribute("id") == "threatfeed:Package-abc")
        #expect(package.namespaceDeclarations.contains(XMLNamespaceDeclaration(prefix: "threatfeed", uri: STIXIDNamespace.default.uri)))
        let indicator = package.children[0].children[0]
        #expect(!indicator.children.contains { $0.localName == "Description" })
        #expect(indicator.descendants(named: "End_Time").isEmpty)
        #expect(indicator.descendants(named: "Confidence").first?.children.first?.text == "Low")  // Info is not in HighMediumLowVocab
        let odd = try TestFixtures.stored(.domain, "bad.example", id: "weird id/with:colons")
        #expect(try SafeXML.parse(renderer.render(odd)).attribute("id") == "threatfeed:Package-weird-id-with-colons")
    }

    @Test("producer namespaces are checked", arguments: ["", "1abc", "a b", "stix", "xsi", "xmlfoo", "a:b", "ünï"])
    func badNamespaces(prefix: String) {
        #expect(throws: STIXIDNamespaceError.self) { try STIXIDNamespace(prefix: prefix, uri: "urn:x") }
    }

    @Test("a namespace URI must be non-empty without whitespace")
    func badNamespaceURI() throws {
        #expect(throws: STIXIDNamespaceError.self) { try STIXIDNamespace(prefix: "ok", uri: "") }
        #expect(throws: STIXIDNamespaceError.self) { try STIXIDNamespace(prefix: "ok", uri: "urn:a b") }
        #expect(try STIXIDNamespace(prefix: "_ok.-1", uri: "urn:ok").prefix == "_ok.-1")
    }
}
