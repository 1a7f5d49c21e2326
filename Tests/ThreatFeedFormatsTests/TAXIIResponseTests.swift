import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedFormats
import ThreatFeedXML

/// One element flattened for comparison: structure, attribute values, text (timestamps normalised).
private struct FlatElement: Hashable, CustomStringConvertible {
    let shape: ElementShape
    let values: [String]
    let text: String

    var description: String { "\(shape) \(values) '\(text)'" }
}

private func normalised(_ text: String) -> String {
    (try? TAXIITimestamp.parse(text)).map(TAXIITimestamp.string(from:)) ?? text
}

/// Pre-order flattening; `message_id` values are random and left out; `opaque` elements' insides too.
private func flatten(_ element: XMLTreeElement, depth: Int = 0, opaque: Set<String> = ["Content"]) -> [FlatElement] {
    let values = element.attributes.filter { $0.localName != "message_id" }.map(\.value)
    let text = opaque.contains(element.localName) ? "" : normalised(element.trimmedText)
    var flat = [FlatElement(shape: ElementShape.list(element, depth: depth, opaque: [element.localName])[0], values: values, text: text)]
    guard !opaque.contains(element.localName) else { return flat }
    for child in element.children { flat += flatten(child, depth: depth + 1, opaque: opaque) }
    return flat
}

/// `element` without descendants named in `names`.
private func pruned(_ element: XMLTreeElement, removing names: Set<String>) -> XMLTreeElement {
    XMLTreeElement(
        localName: element.localName, namespaceURI: element.namespaceURI, prefix: element.prefix, attributes: element.attributes,
        namespaceDeclarations: element.namespaceDeclarations,
        children: element.children.filter { !names.contains($0.localName) }.map { pruned($0, removing: names) },
        text: element.text, line: element.line
    )
}

private func expectSame(_ ours: [UInt8], asFixture name: String, removingFromFixture: Set<String> = [], removingFromOurs: Set<String> = [])
    throws
{
    let ourTree = pruned(try SafeXML.parse(ours, limits: XMLLimits(maxBytes: 1 << 26)), removing: removingFromOurs)
    let fixture = pruned(try TestFixtures.tree(name), removing: removingFromFixture)
    let ourFlat = flatten(ourTree)
    let fixtureFlat = flatten(fixture)
    #expect(
        ourFlat == fixtureFlat,
        "\(name):\nours:\n\(ourFlat.map(\.description).joined(separator: "\n"))\nfixture:\n\(fixtureFlat.map(\.description).joined(separator: "\n"))"
    )
    let messageID = try #require(ourTree.attribute("message_id"))
    #expect(RandomUUID.isV4(messageID))
}

/// The fixtures' five judgements, by their `stix/` file names.
private func fixtureJudgement(_ name: String) throws -> StoredJudgement {
    switch name {
    case "url":
        try TestFixtures.stored(
            .url, "http://malicious.example.com/path/login.php", id: "judgement-00000000-0000-4000-8000-000000000001",
            label: "2024-01-15T12:00:00Z")
    case "sha256":
        try TestFixtures.stored(
            .sha256, "5b0d86950557f7c405c4f9dfcc2249a13c4e57f0f334abfa7e3e552046c1eff8",
            id: "judgement-00000000-0000-4000-8000-000000000002",
            label: "2024-01-15T12:05:00Z"
        )
    case "domain":
        try TestFixtures.stored(
            .domain, "evil.example.net", id: "judgement-00000000-0000-4000-8000-000000000003", label: "2024-01-16T09:00:00Z")
    case "ipv4":
        try TestFixtures.stored(.ip, "198.51.100.23", id: "judgement-00000000-0000-4000-8000-000000000004", label: "2024-01-16T09:30:00Z")
    default:
        try TestFixtures.stored(
            .ipv6, "2001:db8::bad:1", id: "judgement-00000000-0000-4000-8000-000000000005", label: "2024-01-17T08:00:00Z")
    }
}

private let renderer = STIXPackageRenderer(
    version: .v1_2, idNamespace: try! STIXIDNamespace(prefix: "example", uri: "urn:example:threatfeed"), producerName: "ThreatFeed tests"
)

@Suite("TAXII responses match the fixtures")
struct TAXIIResponseFixtureTests {
    @Test("Status_Message UNAUTHORIZED: empty, in response to 0")
    func unauthorized() throws {
        try expectSame(TAXIIStatusMessage.unauthorized().xml(), asFixture: "status_unauthorized_response.xml")
    }

    @Test("Status_Message NOT_FOUND with an ITEM detail and a message")
    func notFound() throws {
        try expectSame(
            TAXIIStatusMessage.notFound(item: "no-such-collection", inResponseTo: "1006").xml(), asFixture: "status_not_found_response.xml"
        )
    }

    @Test("Status_Message UNSUPPORTED_CONTENT listing the supported bindings")
    func unsupportedContent() throws {
        let status = TAXIIStatusMessage.unsupportedContent(
            supported: ["urn:stix.mitre.org:xml:1.1.1", "urn:stix.mitre.org:xml:1.2"], inResponseTo: "1007")
        try expectSame(status.xml(), asFixture: "status_unsupported_content_response.xml")
    }

    @Test("Status_Message BAD_MESSAGE for the invalid fixture request (our reason differs from lxml's)")
    func badMessage() throws {
        let error = #expect(throws: TAXIIRequestError.self) { try TAXIIRequest.parse(TestFixtures.bytes("status_bad_message_request.xml")) }
        let ours = try SafeXML.parse(TAXIIStatusMessage.rejecting(try #require(error)).xml())
        let fixture = try TestFixtures.tree("status_bad_message_response.xml")
        #expect(ElementShape.list(ours) == ElementShape.list(fixture))
        #expect(ours.attribute("status_type") == "BAD_MESSAGE")
        #expect(ours.attribute("in_response_to") == "1008")  // we could read the id, so we echo it (OpenTAXII sends 0)
        #expect(ours.children[0].text.contains("collection_name"))
    }

    @Test("Discovery_Response with the fixture's six service instances")
    func discovery() throws {
        var services: [TAXIIServiceInstance] = []
        for (type, path, message) in [
            (TAXIIServiceType.discovery, "discovery", "Discovery Service"),
            (.collectionManagement, "collection-management", "Collection Management Service"), (.poll, "poll", "Poll Service"),
        ] {
            for (scheme, binding) in [("http", TAXII11.protocolHTTP), ("https", TAXII11.protocolHTTPS)] {
                services.append(
                    TAXIIServiceInstance(
                        serviceType: type, protocolBinding: binding, address: "\(scheme)://taxii.example.com/services/\(path)",
                        messageBindings: ["urn:taxii.mitre.org:message:xml:1.0", TAXII11.messageBinding], message: message
                    ))
            }
        }
        try expectSame(TAXIIDiscoveryResponse(inResponseTo: "1001", services: services).xml(), asFixture: "discovery_response.xml")
    }

    @Test("Discovery_Response with content bindings and nothing optional parses back in schema order")
    func discoveryMinimal() throws {
        let service = TAXIIServiceInstance(
            serviceType: .poll, available: nil, protocolBinding: TAXII11.protocolHTTPS, address: "https://h/taxii/poll",
            contentBindings: STIXVersion.contentBindings
        )
        let tree = try SafeXML.parse(TAXIIDiscoveryResponse(inResponseTo: "1", services: [service]).xml(indentWidth: 0))
        let instance = tree.children[0]
        #expect(instance.attributes.map(\.localName) == ["service_type", "service_version"])
        #expect(
            instance.children.map(\.localName) == ["Protocol_Binding", "Address", "Message_Binding", "Content_Binding", "Content_Binding"])
        #expect(
            instance.children.suffix(2).map { $0.attribute("binding_id") } == [
                "urn:stix.mitre.org:xml:1.2", "urn:stix.mitre.org:xml:1.1.1",
            ])
        #expect(try SafeXML.parse(TAXIIDiscoveryResponse(inResponseTo: "1", services: []).xml()).children.isEmpty)
    }

    @Test("Collection_Information_Response (we offer no subscription service)")
    func collectionInformation() throws {
        let collection = TAXIICollection(
            name: "esa-feed", description: "Indicators for Cisco ESA", volume: 5,
            contentBindings: ["urn:stix.mitre.org:xml:1.1.1", "urn:stix.mitre.org:xml:1.2"],
            pollingServices: [
                TAXIIServiceEndpoint(
                    protocolBinding: TAXII11.protocolHTTP, address: "http://taxii.example.com/services/poll",
                    messageBindings: ["urn:taxii.mitre.org:message:xml:1.0", TAXII11.messageBinding]
                ),
                TAXIIServiceEndpoint(
                    protocolBinding: TAXII11.protocolHTTPS, address: "https://taxii.example.com/services/poll",
                    messageBindings: ["urn:taxii.mitre.org:message:xml:1.0", TAXII11.messageBinding]
                ),
            ]
        )
        try expectSame(
            TAXIICollectionInformationResponse(inResponseTo: "1002", collections: [collection]).xml(),
            asFixture: "collection_information_response.xml", removingFromFixture: ["Subscription_Service"]
        )
    }

    @Test("Poll_Response with a window, a record count and two STIX 1.2 blocks")
    func poll() throws {
        var writer = TAXIIPollResponseWriter(
            inResponseTo: "1003", collectionName: "esa-feed",
            exclusiveBegin: try TestFixtures.label("2024-01-15T00:00:00Z"), inclusiveEnd: try TestFixtures.label("2024-01-16T00:00:00Z"),
            recordCount: TAXIIRecordCount(2)
        )
        writer.appendContentBlock(try fixtureJudgement("url"), renderer: renderer)
        writer.appendContentBlock(try fixtureJudgement("sha256"), renderer: renderer)
        #expect(writer.blockCount == 2)
        let bytes = writer.finish()
        try expectSame(bytes, asFixture: "poll_response.xml")
        try expectSameContent(bytes, asFixture: "poll_response.xml")
    }

    @Test("Poll_Response for the bindings request: domain and IPv4 blocks")
    func pollWithBindings() throws {
        var writer = TAXIIPollResponseWriter(
            inResponseTo: "1004", collectionName: "esa-feed",
            exclusiveBegin: try TestFixtures.label("2024-01-16T00:00:00+00:00"),
            inclusiveEnd: try TestFixtures.label("2024-01-17T00:00:00+00:00"),
            recordCount: TAXIIRecordCount(2)
        )
        writer.appendContentBlock(try fixtureJudgement("domain"), renderer: renderer)
        writer.appendContentBlock(try fixtureJudgement("ipv4"), renderer: renderer)
        let bytes = writer.finish()
        try expectSame(bytes, asFixture: "poll_with_bindings_response.xml")
        try expectSameContent(bytes, asFixture: "poll_with_bindings_response.xml")
    }

    @Test("COUNT_ONLY: a Record_Count and no blocks (plus the Inclusive_End_Timestamp OpenTAXII leaves out)")
    func countOnly() throws {
        let end = try TestFixtures.label("2024-01-18T00:00:00Z")
        var writer = TAXIIPollResponseWriter(
            inResponseTo: "1005", collectionName: "esa-feed", inclusiveEnd: end, recordCount: TAXIIRecordCount(5))
        let bytes = writer.finish()
        try expectSame(bytes, asFixture: "poll_count_only_response.xml", removingFromOurs: ["Inclusive_End_Timestamp"])
        let tree = try SafeXML.parse(bytes)
        #expect(tree.children.map(\.localName) == ["Inclusive_End_Timestamp", "Record_Count"])
        #expect(try TAXIITimestamp.parse(tree.children[0].text) == end)
    }

    @Test("multi-part results: part 1 with more=true, parts 2 and 3, and the empty part 4 cabby needs", arguments: [1, 2, 3, 4])
    func paged(part: Int) throws {
        let blocks: [[String]] = [["url", "sha256"], ["domain", "ipv4"], ["ipv6"], []]
        var writer = TAXIIPollResponseWriter(
            inResponseTo: part == 1 ? "1101" : String(1100 + part), collectionName: "esa-feed",
            inclusiveEnd: try TestFixtures.label("2024-01-18T00:00:00Z"), recordCount: TAXIIRecordCount(5),
            more: part < 3, resultID: "result-0001", resultPartNumber: part
        )
        for name in blocks[part - 1] { writer.appendContentBlock(try fixtureJudgement(name), renderer: renderer) }
        let bytes = writer.finish()
        let fixture = part == 1 ? "poll_paged_part1_response.xml" : "poll_fulfillment_part\(part)_response.xml"
        try expectSame(bytes, asFixture: fixture, removingFromOurs: ["Inclusive_End_Timestamp"])
        try expectSameContent(bytes, asFixture: fixture)
    }

    /// Each Content holds one STIX package for the same observable as the fixture's block.
    private func expectSameContent(_ ours: [UInt8], asFixture name: String) throws {
        let ourBlocks = try SafeXML.parse(ours).children(named: "Content_Block", in: taxiiNamespace)
        let fixtureBlocks = try TestFixtures.tree(name).children(named: "Content_Block", in: taxiiNamespace)
        #expect(ourBlocks.count == fixtureBlocks.count)
        for (our, fixture) in zip(ourBlocks, fixtureBlocks) {
            let ourContent = try #require(our.firstChild(named: "Content", in: taxiiNamespace))
            let fixtureContent = try #require(fixture.firstChild(named: "Content", in: taxiiNamespace))
            #expect(ourContent.children.count == 1)
            #expect(ourContent.children.first?.isNamed("STIX_Package", in: "http://stix.mitre.org/stix-1") == true)
            #expect(ourContent.children.first?.attribute("id") == fixtureContent.children.first?.attribute("id"))
            let value: (XMLTreeElement) -> [String] = { content in
                content.descendants(named: "Properties").flatMap {
                    $0.children.flatMap { [$0.trimmedText] + $0.descendants(named: "Simple_Hash_Value").map(\.trimmedText) }
                }
            }
            #expect(value(ourContent) == value(fixtureContent))
        }
    }
}

@Suite("TAXII responses: streaming and details")
struct TAXIIResponseStreamingTests {
    @Test("a poll response streamed in pieces equals one written whole, and parses back")
    func streaming() throws {
        let count = 5_000
        let judgements = try (0..<count).map { index in
            try TestFixtures.stored(
                .domain, "host\(index).example.net", id: "judgement-\(index)",
                label: TAXIITimestamp.string(from: TimestampLabel(microseconds: 1_705_320_000_000_000 + Int64(index)))
            )
        }
        func writer() throws -> TAXIIPollResponseWriter {
            TAXIIPollResponseWriter(
                messageID: "m", inResponseTo: "r", collectionName: "c", exclusiveBegin: .zero,
                inclusiveEnd: try TestFixtures.label("2030-01-01T00:00:00Z"), recordCount: TAXIIRecordCount(count), indentWidth: 0
            )
        }
        var whole = try writer()
        var streamed = try writer()
        var pieces: [[UInt8]] = []
        for judgement in judgements {
            whole.appendContentBlock(judgement, renderer: renderer)
            streamed.appendContentBlock(judgement, renderer: renderer)
            if streamed.blockCount % 500 == 0 { pieces.append(streamed.takeBytes()) }
        }
        pieces.append(streamed.finish())
        let wholeBytes = whole.finish()
        #expect(pieces.count > 10)
        #expect(pieces.flatMap { $0 } == wholeBytes)
        let tree = try SafeXML.parse(wholeBytes, limits: XMLLimits(maxBytes: 1 << 28, maxElements: 1 << 22))
        let blocks = tree.children(named: "Content_Block", in: taxiiNamespace)
        #expect(blocks.count == count)
        let labels = try blocks.map {
            try TAXIITimestamp.parse(try #require($0.firstChild(named: "Timestamp_Label", in: taxiiNamespace)).text)
        }
        #expect(labels == judgements.map(\.label))
    }

    @Test("a text content block is escaped, and Message and partial counts are written")
    func textBlock() throws {
        var writer = TAXIIPollResponseWriter(
            inResponseTo: "r", collectionName: "c", inclusiveEnd: .zero, recordCount: TAXIIRecordCount(7, isPartial: true), message: "m & m"
        )
        writer.appendContentBlock(bindingID: "urn:x", timestampLabel: nil, text: "<not xml> & more")
        let tree = try SafeXML.parse(writer.finish())
        #expect(tree.children.map(\.localName) == ["Inclusive_End_Timestamp", "Record_Count", "Message", "Content_Block"])
        #expect(tree.children[1].attribute("partial_count") == "true")
        #expect(tree.children[2].text == "m & m")
        let block = tree.children[3]
        #expect(block.children.map(\.localName) == ["Content_Binding", "Content"])
        #expect(block.children[1].text == "<not xml> & more")
    }

    @Test("response headers name the 1.1 binding and the protocol used")
    func headers() {
        let headers = Dictionary(uniqueKeysWithValues: TAXII11.responseHeaders(https: true).map { ($0.name, $0.value) })
        #expect(headers["X-TAXII-Content-Type"] == "urn:taxii.mitre.org:message:xml:1.1")
        #expect(headers["X-TAXII-Protocol"] == "urn:taxii.mitre.org:protocol:https:1.0")
        #expect(headers["X-TAXII-Services"] == "urn:taxii.mitre.org:services:1.1")
        #expect(headers["Content-Type"] == "application/xml")
        #expect(TAXII11.responseHeaders(https: false).contains { $0.value == TAXII11.protocolHTTP })
    }

    @Test("message ids are fresh UUIDs")
    func messageIDs() {
        let ids = (0..<100).map { _ in TAXIIStatusMessage.failure(nil, inResponseTo: "1").messageID }
        #expect(Set(ids).count == 100)
        #expect(ids.allSatisfy(RandomUUID.isV4))
    }
}
