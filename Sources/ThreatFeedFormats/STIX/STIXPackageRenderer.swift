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
    public let version: STIXVersion
    public let idNamespace: STIXIDNamespace
    /// `indicator:Producer/stixCommon:Identity/stixCommon:Name`.
    public let producerName: String
    /// Per observable type, the package's namespace declarations as bytes: the same for every package of a poll,
    /// so they are escaped once here instead of once per block (they are most of a package's attributes).
    private let declarations: [ObservableType: [UInt8]]
    /// `acme:` — the id namespace prefix and its colon, written in front of every id.
    private let idPrefix: [UInt8]

    public init(version: STIXVersion = .v1_2, idNamespace: STIXIDNamespace = .default, producerName: String = "ThreatFeed") {
        self.version = version
        self.idNamespace = idNamespace
        self.producerName = producerName
        idPrefix = Array((idNamespace.prefix + ":").utf8)
        var declarations: [ObservableType: [UInt8]] = [:]
        for type in ObservableType.allCases {
            let shape = STIXObservableShape.of(type)
            var namespaces = [
                STIXNamespace.stix, STIXNamespace.indicator, STIXNamespace.stixCommon, STIXNamespace.stixVocabs, STIXNamespace.cybox,
            ]
            if shape.hashName != nil { namespaces += [STIXNamespace.cyboxCommon, STIXNamespace.cyboxVocabs] }
            namespaces += [shape.objectNamespace, STIXNamespace.xsi, (idNamespace.prefix, idNamespace.uri)]
            var writer = XMLWriter(indentWidth: 0, reservingCapacity: 1024)
            for (namespacePrefix, uri) in namespaces { writer.attribute("xmlns:" + namespacePrefix, uri) }
            declarations[type] = writer.bytes
        }
        self.declarations = declarations
    }

    /// The package on its own (no XML declaration), e.g. for a file export.
    public func render(_ stored: StoredJudgement, indentWidth: Int = 2) -> [UInt8] {
        var writer = XMLWriter(indentWidth: indentWidth, reservingCapacity: 2048)
        render(stored, into: &writer, depth: 0)
        return writer.bytes
    }

    /// Appends the package to `writer`, indented as if its root were at `depth`.
    /// Every namespace it uses is declared on its root, so it stands alone inside `taxii_11:Content`.
    ///
    /// This runs once per block of every poll: ids, timestamps and constant attributes are written as bytes
    /// (they hold only NCName characters and digits, so there is nothing to escape), not built as strings.
    public func render(_ stored: StoredJudgement, into writer: inout XMLWriter, depth: Int) {
        let judgement = stored.judgement
        let type = judgement.observable.type
        let shape = STIXObservableShape.of(type)
        let suffix = Self.idSuffixBytes(stored.id)
        var timestamp: [UInt8] = []
        Self.appendTimestamp(stored.modified, to: &timestamp)
        var level = depth

        writer.startElement("stix:STIX_Package")
        writer.raw(declarations[type]!)
        id("Package", suffix, &writer)
        writer.attribute("version", version.rawValue)
        // STIX 1.1.1's best practices want a package timestamp; 1.2 deprecated it.
        if version == .v1_1_1 { rawAttribute("timestamp", timestamp, &writer) }
        writer.endStartTag()
        level += 1
        open("stix:Indicators", &writer, &level)

        writer.newline(depth: level)
        writer.startElement("stix:Indicator")
        id("indicator", suffix, &writer)
        rawAttribute("timestamp", timestamp, &writer)
        writer.raw(Self.indicatorType)
        writer.endStartTag()
        level += 1
        // IndicatorType's sequence: Title, Type, Description, Valid_Time_Position, Observable, …, Confidence, …, Producer.
        writer.newline(depth: level)
        writer.startElement("indicator:Title")
        writer.endStartTag()
        writer.text(judgement.disposition.name)
        writer.raw(CollectionOfOne(UInt8(ascii: " ")))
        writer.text(shape.noun)
        writer.endElement("indicator:Title")
        leaf("indicator:Type", attributes: ["xsi:type": "stixVocabs:IndicatorTypeVocab-1.1"], shape.indicatorType, &writer, level)
        if let reason = judgement.reason, !reason.isEmpty { leaf("indicator:Description", reason, &writer, level) }
        open("indicator:Valid_Time_Position", &writer, &level)
        timeLeaf("indicator:Start_Time", judgement.validTime.start, &writer, level)
        if let end = judgement.validTime.end { timeLeaf("indicator:End_Time", end, &writer, level) }
        close("indicator:Valid_Time_Position", &writer, &level)

        writer.newline(depth: level)
        writer.startElement("indicator:Observable")
        id("Observable", suffix, &writer)
        writer.endStartTag()
        level += 1
        writer.newline(depth: level)
        writer.startElement("cybox:Object")
        id(shape.objectIDKind, suffix, &writer)
        writer.endStartTag()
        level += 1
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

        writer.newline(depth: level)
        writer.startElement("indicator:Confidence")
        rawAttribute("timestamp", timestamp, &writer)
        writer.endStartTag()
        level += 1
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

    private static let indicatorType = Array(#" xsi:type="indicator:IndicatorType""#.utf8)
    private static let idOpen = Array(#" id=""#.utf8)

    /// ` id="acme:Kind-suffix"`.
    private func id(_ kind: String, _ suffix: [UInt8], _ writer: inout XMLWriter) {
        writer.raw(Self.idOpen)
        writer.raw(idPrefix)
        writer.raw(kind.utf8)
        writer.raw(CollectionOfOne(UInt8(ascii: "-")))
        writer.raw(suffix)
        writer.raw(CollectionOfOne(UInt8(ascii: "\"")))
    }

    /// ` name="value"` for a value that needs no escaping.
    private func rawAttribute(_ name: String, _ value: [UInt8], _ writer: inout XMLWriter) {
        writer.raw(CollectionOfOne(UInt8(ascii: " ")))
        writer.raw(name.utf8)
        writer.raw(#"=""#.utf8)
        writer.raw(value)
        writer.raw(CollectionOfOne(UInt8(ascii: "\"")))
    }

    private func timeLeaf(_ name: String, _ date: Date, _ writer: inout XMLWriter, _ level: Int) {
        writer.newline(depth: level)
        writer.startElement(name)
        writer.endStartTag()
        writer.appendRaw { Self.appendTimestamp(date, to: &$0) }
        writer.endElement(name)
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
    static func idSuffix(_ judgementID: String) -> String { String(decoding: idSuffixBytes(judgementID), as: UTF8.self) }

    static func idSuffixBytes(_ judgementID: String) -> [UInt8] {
        let bare = judgementID.hasPrefix("judgement-") ? judgementID.dropFirst("judgement-".count) : Substring(judgementID)
        // Byte by byte: this runs once per block of every poll, and Unicode property lookups showed in profiles.
        let bytes = bare.unicodeScalars.map { scalar -> UInt8 in
            switch scalar.value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2E, 0x5F, 0x2D: UInt8(scalar.value)  // 0-9 A-Z a-z . _ -
            default: UInt8(ascii: "-")
            }
        }
        return bytes.isEmpty ? Array("unnamed".utf8) : bytes
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
        var bytes: [UInt8] = []
        appendTimestamp(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendTimestamp(_ date: Date, to output: inout [UInt8]) {
        TAXIITimestamp.append(TimestampLabel(microseconds: Int64((date.timeIntervalSince1970 * 1_000_000).rounded())), to: &output)
    }
}
