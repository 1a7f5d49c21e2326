import Foundation
import ThreatFeedCore
import ThreatFeedFormats
import ThreatFeedXML

/// The TAXII 1.1 / STIX fixtures copied into `Fixtures/taxii11/`.
enum TestFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/taxii11")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func tree(_ name: String) throws -> XMLTreeElement {
        try SafeXML.parse(bytes(name))
    }

    static func label(_ text: String) throws -> TimestampLabel { try TAXIITimestamp.parse(text) }

    /// A stored judgement shaped like the fixtures' (High confidence, valid from 2024-01-15T12:00Z).
    static func stored(
        _ type: ObservableType,
        _ value: String,
        id: String = "judgement-00000000-0000-4000-8000-000000000001",
        label: String = "2024-01-15T12:00:00Z",
        reason: String? = "observed in phishing mail",
        validEnd: Date? = nil,
        confidence: Confidence = .high
    ) throws -> StoredJudgement {
        let start = Date(timeIntervalSince1970: 1_705_320_000)  // 2024-01-15T12:00:00Z
        let judgement = Judgement(
            observable: try Observable(parsing: value, as: type),
            source: "etd",
            confidence: confidence,
            reason: reason,
            validTime: ValidTime(start: start, end: validEnd)
        )
        return StoredJudgement(
            id: id, label: try self.label(label), indicatorID: "indicator-1", created: start, modified: start, judgement: judgement
        )
    }
}

/// One element as structure tests compare it: depth, `{namespace}name` and attribute names in order.
struct ElementShape: Hashable, CustomStringConvertible {
    let depth: Int
    let name: String
    let attributes: [String]

    var description: String { String(repeating: "  ", count: depth) + name + " " + attributes.joined(separator: ",") }

    /// Pre-order list of the tree's elements; children of elements named in `opaque` are left out.
    static func list(_ element: XMLTreeElement, depth: Int = 0, opaque: Set<String> = []) -> [ElementShape] {
        let attributeNames = element.attributes.map { ($0.namespaceURI.map { "{\($0)}" } ?? "") + $0.localName }
        var shapes = [ElementShape(depth: depth, name: "{\(element.namespaceURI ?? "")}\(element.localName)", attributes: attributeNames)]
        guard !opaque.contains(element.localName) else { return shapes }
        for child in element.children { shapes += list(child, depth: depth + 1, opaque: opaque) }
        return shapes
    }
}

extension XMLTreeElement {
    /// Every descendant (and self) named `localName`, in document order.
    func descendants(named localName: String) -> [XMLTreeElement] {
        (self.localName == localName ? [self] : []) + children.flatMap { $0.descendants(named: localName) }
    }
}

let taxiiNamespace = "http://taxii.mitre.org/messages/taxii_xml_binding-1.1"
