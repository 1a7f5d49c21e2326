import Foundation
import ThreatFeedCore
import ThreatFeedXML

/// Renders one stored judgement as one STIX package holding one Indicator with its
/// observable inline and `condition="Equals"` (reference/taxii11-esa.md §3.2–3.3).
/// Output passes stix-validator's schema check for 1.2 and 1.1.1; the only best-practice
/// note left is the missing `Indicated_TTP`, as in the fixtures.
///
/// Ids derive from the judgement id, so a judgement keeps its ids across polls and restarts.
public struct STIXPackageRenderer: Sendable {
    public var version: STIXVersion
    public var idNamespace: STIXIDNamespace
    /// `indicator:Producer/stixCommon:Identity/stixCommon:Name`.
    public var producerName: String

    public init(version: STIXVersion = .v1_2, idNamespace: STIXIDNamespace = .default, producerName: String = "ThreatFeed") {
        self.version = version
        self.idNamespace = idNamespace
        self.producerName = producerName
    }

    /// The package on its own (no XML declaration), e.g. for a file export.
    public func render(_ stored: StoredJudgement, indentWidth: Int = 2) -> [UInt8] {
        var writer = XMLWriter(indentWidth: indentWidth, reservingCapacity: 2048)
        render(stored, into: &writer, depth: 0)
        return writer.bytes
    }

    /// Appends the package to `writer`, indented as if its root were at `depth`.
    /// Every namespace it uses is declared on its root, so it stands alone inside `taxii_11:Content`.
    public func render(_ stored: StoredJudgement, into writer: inout XMLWriter, depth: Int) {
        let judgement = stored.judgement
        let shape = STIXObservableShape(judgement.observable.type)
        let suffix = Self.idSuffix(stored.id)
        let prefix = idNamespace.prefix
        let timestamp = Self.timestamp(stored.modified)
        var level = depth

        writer.startElement("stix:STIX_Package")
        var namespaces = [
            STIXNamespace.stix, STIXNamespace.indicator, STIXNamespace.stixCommon, STIXNamespace.stixVocabs, STIXNamespace.cybox,
        ]
        if shape.hashName != nil { namespaces += [STIXNamespace.cyboxCommon, STIXNamespace.cyboxVocabs] }
        namespaces += [shape.objectNamespace, STIXNamespace.xsi, (prefix, idNamespace.uri)]
        for (namespacePrefix, uri) in namespaces { writer.attribute("xmlns:" + namespacePrefix, uri) }
        writer.attribute("id", "\(prefix):Package-\(suffix)")
        writer.attribute("version", version.rawValue)
        // STIX 1.1.1's best practices want a package timestamp; 1.2 deprecated it.
        if version == .v1_1_1 { writer.attribute("timestamp", timestamp) }
        writer.endStartTag()
        level += 1
        open("stix:Indicators", &writer, &level)

        writer.newline(depth: level)
        writer.startElement("stix:Indicator")
        writer.attribute("id", "\(prefix):indicator-\(suffix)")
        writer.attribute("timestamp", timestamp)
        writer.attribute("xsi:type", "indicator:IndicatorType")
        writer.endStartTag()
        level += 1
        // IndicatorType's sequence: Title, Type, Description, Valid_Time_Position, Observable, …, Confidence, …, Producer.
        leaf("indicator:Title", "\(judgement.disposition.name) \(shape.noun)", &writer, level)
        leaf("indicator:Type", attributes: ["xsi:type": "stixVocabs:IndicatorTypeVocab-1.1"], shape.indicatorType, &writer, level)
        if let reason = judgement.reason, !reason.isEmpty { leaf("indicator:Description", reason, &writer, level) }
        open("indicator:Valid_Time_Position", &writer, &level)
        leaf("indicator:Start_Time", Self.timestamp(judgement.validTime.start), &writer, level)
        if let end = judgement.validTime.end { leaf("indicator:End_Time", Self.timestamp(end), &writer, level) }
        close("indicator:Valid_Time_Position", &writer, &level)

        open("indicator:Observable", attributes: ["id": "\(prefix):Observable-\(suffix)"], &writer, &level)
        open("cybox:Object", attributes: ["id": "\(prefix):\(shape.objectIDKind)-\(suffix)"], &writer, &level)
        writer.newline(depth: level)
        writer.startElement("cybox:Properties")
        writer.attribute("xsi:type", shape.propertiesType)
        for (name, value) in shape.propertiesAttributes { writer.attribute(name, value) }
        writer.endStartTag()
        level += 1
        writeValue(judgement.observable, shape: shape, &writer, &level)
        close("cybox:Properties", &writer, &level)
        close("cybox:Object", &writer, &level)
        close("indicator:Observable", &writer, &level)

        open("indicator:Confidence", attributes: ["timestamp": timestamp], &writer, &level)
        leaf(
            "stixCommon:Value", attributes: ["xsi:type": "stixVocabs:HighMediumLowVocab-1.0"], Self.vocabulary(judgement.confidence),
            &writer, level)
        close("indicator:Confidence", &writer, &level)

        open("indicator:Producer", &writer, &level)
        open("stixCommon:Identity", &writer, &level)
        leaf("stixCommon:Name", producerName, &writer, level)
        close("stixCommon:Identity", &writer, &level)
        close("indicator:Producer", &writer, &level)

        close("stix:Indicator", &writer, &level)
        close("stix:Indicators", &writer, &level)
        close("stix:STIX_Package", &writer, &level)
    }

    private func writeValue(_ observable: Observable, shape: STIXObservableShape, _ writer: inout XMLWriter, _ level: inout Int) {
        let equals: KeyValuePairs<String, String> = ["condition": "Equals"]
        switch observable.type {
        case .url: leaf("URIObj:Value", attributes: equals, observable.value, &writer, level)
        case .domain: leaf("DomainNameObj:Value", attributes: equals, observable.value, &writer, level)
        case .ip, .ipv6: leaf("AddressObj:Address_Value", attributes: equals, observable.value, &writer, level)
        case .sha256, .md5, .sha1:
            open("FileObj:Hashes", &writer, &level)
            open("cyboxCommon:Hash", &writer, &level)
            // A condition on every pattern field, as stix-validator's best practices want.
            leaf(
                "cyboxCommon:Type", attributes: ["condition": "Equals", "xsi:type": "cyboxVocabs:HashNameVocab-1.0"], shape.hashName ?? "",
                &writer, level
            )
            leaf("cyboxCommon:Simple_Hash_Value", attributes: equals, observable.value, &writer, level)
            close("cyboxCommon:Hash", &writer, &level)
            close("FileObj:Hashes", &writer, &level)
        }
    }

    private func open(_ name: String, attributes: KeyValuePairs<String, String> = [:], _ writer: inout XMLWriter, _ level: inout Int) {
        writer.newline(depth: level)
        writer.startElement(name)
        for (key, value) in attributes { writer.attribute(key, value) }
        writer.endStartTag()
        level += 1
    }

    private func close(_ name: String, _ writer: inout XMLWriter, _ level: inout Int) {
        level -= 1
        writer.newline(depth: level)
        writer.endElement(name)
    }

    private func leaf(
        _ name: String, attributes: KeyValuePairs<String, String> = [:], _ text: String, _ writer: inout XMLWriter, _ level: Int
    ) {
        writer.newline(depth: level)
        writer.element(name, attributes: attributes, text: text)
    }

    /// `judgement-<uuid>` → `<uuid>`; anything outside an NCName's characters becomes `-`.
    static func idSuffix(_ judgementID: String) -> String {
        let bare = judgementID.hasPrefix("judgement-") ? String(judgementID.dropFirst("judgement-".count)) : judgementID
        // Byte by byte: this runs once per block of every poll, and Unicode property lookups showed in profiles.
        let bytes = bare.unicodeScalars.map { scalar -> UInt8 in
            switch scalar.value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2E, 0x5F, 0x2D: UInt8(scalar.value)  // 0-9 A-Z a-z . _ -
            default: UInt8(ascii: "-")
            }
        }
        return bytes.isEmpty ? "unnamed" : String(decoding: bytes, as: UTF8.self)
    }

    /// HighMediumLowVocab-1.0 has no `Info`; informational is below low.
    static func vocabulary(_ confidence: Confidence) -> String {
        switch confidence {
        case .info: Confidence.low.rawValue
        case .low, .medium, .high, .none, .unknown: confidence.rawValue
        }
    }

    /// Dates as TAXII labels are written, rounded to the microsecond.
    static func timestamp(_ date: Date) -> String {
        TAXIITimestamp.string(from: TimestampLabel(microseconds: Int64((date.timeIntervalSince1970 * 1_000_000).rounded())))
    }
}
