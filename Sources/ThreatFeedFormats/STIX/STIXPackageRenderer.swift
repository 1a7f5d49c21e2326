import Foundation
import ThreatFeedCore
import ThreatFeedXML

/// Renders one stored judgement as one STIX package holding one Indicator with its
/// observable inline and `condition="Equals"` (reference/taxii11-esa.md §3.2–3.3).
/// Output passes stix-validator's schema check for 1.2 and 1.1.1; the only best-practice
/// note left is the missing `Indicated_TTP`, as in the fixtures.
///
/// Ids derive from the judgement id, so a judgement keeps its ids across polls and restarts.
///
/// A package is about 2 KB of which a few fields vary (id, timestamps, title word, reason, value, confidence).
/// Compact packages, which polls send, are therefore spliced: the constant parts of each shape (observable type,
/// with or without a reason and an end time) are rendered once at init into a `STIXPackageTemplate`, and each
/// block appends those bytes with its own escaped fields between them. Indented packages are written element by
/// element by the same `write` function, so both come from one description of the package.
public struct STIXPackageRenderer: Sendable {
    public let version: STIXVersion
    public let idNamespace: STIXIDNamespace
    /// `indicator:Producer/stixCommon:Identity/stixCommon:Name`.
    public let producerName: String
    /// Per observable type, the package's namespace declarations as bytes.
    private let declarations: [ObservableType: [UInt8]]
    /// `acme:` — the id namespace prefix and its colon, written in front of every id.
    private let idPrefix: [UInt8]
    /// Compact packages by shape, indexed by `Self.shapeIndex`.
    private var templates: [STIXPackageTemplate] = []

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
        var templates: [STIXPackageTemplate] = []
        for type in ObservableType.allCases {
            for hasReason in [false, true] {
                for hasEnd in [false, true] {
                    var builder = STIXPackageTemplate.Builder()
                    var writer = XMLWriter(indentWidth: 0, reservingCapacity: 4096)
                    write(STIXPackageShape(type: type, hasReason: hasReason, hasEnd: hasEnd), into: &writer, depth: 0) {
                        builder.slot($0, &$1)
                    }
                    templates.append(builder.finish(writer.bytes))
                }
            }
        }
        self.templates = templates
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
        stored.withLiveJudgementRow { render($0, into: &writer, depth: depth) }
    }

    /// The same from a borrowed row (what a poll reads from the store), byte for byte.
    public func render(_ row: LiveJudgementRow, into writer: inout XMLWriter, depth: Int) {
        let shape = STIXPackageShape(row)
        Fields.with(row) { fields in
            if writer.indentWidth == 0 {
                let template = templates[Self.shapeIndex(shape)]
                writer.appendRaw { template.append(fields, to: &$0) }
            } else {
                write(shape, into: &writer, depth: depth) { field, writer in
                    writer.appendRaw { fields.append(field, to: &$0) }
                }
            }
        }
    }

    private static func shapeIndex(_ shape: STIXPackageShape) -> Int {
        ObservableType.allCases.firstIndex(of: shape.type)! * 4 + (shape.hasReason ? 2 : 0) + (shape.hasEnd ? 1 : 0)
    }

    /// The variable parts of one package. The id suffix and the modified time are written several times per package,
    /// so they are formatted once, into a buffer on the stack, and copied.
    struct Fields {
        let row: LiveJudgementRow
        let suffix: UnsafeBufferPointer<UInt8>
        let modified: UnsafeBufferPointer<UInt8>

        static func with(_ row: LiveJudgementRow, _ body: (Fields) -> Void) {
            let suffixCapacity = max(row.id.count, STIXPackageRenderer.unnamed.count)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: suffixCapacity + TAXIITimestamp.length) { buffer in
                let base = buffer.baseAddress!
                let suffixCount = STIXPackageRenderer.writeIDSuffix(row.id, to: base)
                TAXIITimestamp.write(TimestampLabel(microseconds: row.modifiedMicros), to: base + suffixCapacity)
                body(Fields(
                    row: row, suffix: UnsafeBufferPointer(start: base, count: suffixCount),
                    modified: UnsafeBufferPointer(start: base + suffixCapacity, count: TAXIITimestamp.length)
                ))
            }
        }

        func append(_ field: STIXPackageField, to output: inout [UInt8]) {
            switch field {
            case .idSuffix: output.append(contentsOf: suffix)
            case .modified: output.append(contentsOf: modified)
            case .disposition: output.append(contentsOf: STIXPackageRenderer.dispositionWord(row.disposition).utf8)
            case .reason: XMLEscaping.appendText(utf8: row.reason, to: &output)
            case .validStart: TAXIITimestamp.append(TimestampLabel(microseconds: row.validStartMicros), to: &output)
            case .validEnd: row.validEndMicros.map { TAXIITimestamp.append(TimestampLabel(microseconds: $0), to: &output) }
            case .value: XMLEscaping.appendText(utf8: row.value, to: &output)
            case .confidence: output.append(contentsOf: STIXPackageRenderer.vocabulary(row.confidence).utf8)
            }
        }
    }

    /// The package's one description: constant parts go to `writer`, each variable part through `field`
    /// (which writes the value, or marks a slot when building a template).
    private func write(
        _ packageShape: STIXPackageShape, into writer: inout XMLWriter, depth: Int, field: (STIXPackageField, inout XMLWriter) -> Void
    ) {
        let type = packageShape.type
        let shape = STIXObservableShape.of(type)
        var level = depth

        writer.startElement("stix:STIX_Package")
        writer.raw(declarations[type]!)
        id("Package", &writer, field)
        writer.attribute("version", version.rawValue)
        // STIX 1.1.1's best practices want a package timestamp; 1.2 deprecated it.
        if version == .v1_1_1 { timestampAttribute(&writer, field) }
        writer.endStartTag()
        level += 1
        open("stix:Indicators", &writer, &level)

        writer.newline(depth: level)
        writer.startElement("stix:Indicator")
        id("indicator", &writer, field)
        timestampAttribute(&writer, field)
        writer.raw(Self.indicatorType)
        writer.endStartTag()
        level += 1
        // IndicatorType's sequence: Title, Type, Description, Valid_Time_Position, Observable, …, Confidence, …, Producer.
        writer.newline(depth: level)
        writer.startElement("indicator:Title")
        writer.endStartTag()
        field(.disposition, &writer)
        writer.raw(CollectionOfOne(UInt8(ascii: " ")))
        writer.text(shape.noun)
        writer.endElement("indicator:Title")
        leaf("indicator:Type", attributes: ["xsi:type": "stixVocabs:IndicatorTypeVocab-1.1"], shape.indicatorType, &writer, level)
        if packageShape.hasReason { slotLeaf("indicator:Description", .reason, &writer, level, field) }
        open("indicator:Valid_Time_Position", &writer, &level)
        slotLeaf("indicator:Start_Time", .validStart, &writer, level, field)
        if packageShape.hasEnd { slotLeaf("indicator:End_Time", .validEnd, &writer, level, field) }
        close("indicator:Valid_Time_Position", &writer, &level)

        writer.newline(depth: level)
        writer.startElement("indicator:Observable")
        id("Observable", &writer, field)
        writer.endStartTag()
        level += 1
        writer.newline(depth: level)
        writer.startElement("cybox:Object")
        id(shape.objectIDKind, &writer, field)
        writer.endStartTag()
        level += 1
        writer.newline(depth: level)
        writer.startElement("cybox:Properties")
        writer.attribute("xsi:type", shape.propertiesType)
        for (name, value) in shape.propertiesAttributes { writer.attribute(name, value) }
        writer.endStartTag()
        level += 1
        writeValue(type, shape: shape, &writer, &level, field)
        close("cybox:Properties", &writer, &level)
        close("cybox:Object", &writer, &level)
        close("indicator:Observable", &writer, &level)

        writer.newline(depth: level)
        writer.startElement("indicator:Confidence")
        timestampAttribute(&writer, field)
        writer.endStartTag()
        level += 1
        slotLeaf("stixCommon:Value", attributes: ["xsi:type": "stixVocabs:HighMediumLowVocab-1.0"], .confidence, &writer, level, field)
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
    private func id(_ kind: String, _ writer: inout XMLWriter, _ field: (STIXPackageField, inout XMLWriter) -> Void) {
        writer.raw(Self.idOpen)
        writer.raw(idPrefix)
        writer.raw(kind.utf8)
        writer.raw(CollectionOfOne(UInt8(ascii: "-")))
        field(.idSuffix, &writer)
        writer.raw(CollectionOfOne(UInt8(ascii: "\"")))
    }

    /// ` timestamp="…"`: the judgement's modified time (digits and punctuation, nothing to escape).
    private func timestampAttribute(_ writer: inout XMLWriter, _ field: (STIXPackageField, inout XMLWriter) -> Void) {
        writer.raw(#" timestamp=""#.utf8)
        field(.modified, &writer)
        writer.raw(CollectionOfOne(UInt8(ascii: "\"")))
    }

    private func writeValue(
        _ type: ObservableType, shape: STIXObservableShape, _ writer: inout XMLWriter, _ level: inout Int,
        _ field: (STIXPackageField, inout XMLWriter) -> Void
    ) {
        let equals: KeyValuePairs<String, String> = ["condition": "Equals"]
        switch type {
        case .url: slotLeaf("URIObj:Value", attributes: equals, .value, &writer, level, field)
        case .domain: slotLeaf("DomainNameObj:Value", attributes: equals, .value, &writer, level, field)
        case .ip, .ipv6: slotLeaf("AddressObj:Address_Value", attributes: equals, .value, &writer, level, field)
        case .sha256, .md5, .sha1:
            open("FileObj:Hashes", &writer, &level)
            open("cyboxCommon:Hash", &writer, &level)
            // A condition on every pattern field, as stix-validator's best practices want.
            leaf(
                "cyboxCommon:Type", attributes: ["condition": "Equals", "xsi:type": "cyboxVocabs:HashNameVocab-1.0"], shape.hashName ?? "",
                &writer, level
            )
            slotLeaf("cyboxCommon:Simple_Hash_Value", attributes: equals, .value, &writer, level, field)
            close("cyboxCommon:Hash", &writer, &level)
            close("FileObj:Hashes", &writer, &level)
        }
    }

    private func open(_ name: String, _ writer: inout XMLWriter, _ level: inout Int) {
        writer.newline(depth: level)
        writer.startElement(name)
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

    /// A leaf element whose text is a variable field.
    private func slotLeaf(
        _ name: String, attributes: KeyValuePairs<String, String> = [:], _ slot: STIXPackageField, _ writer: inout XMLWriter,
        _ level: Int, _ field: (STIXPackageField, inout XMLWriter) -> Void
    ) {
        writer.newline(depth: level)
        writer.startElement(name)
        for (key, value) in attributes { writer.attribute(key, value) }
        writer.endStartTag()
        field(slot, &writer)
        writer.endElement(name)
    }

    /// `judgement-<uuid>` → `<uuid>`; anything outside an NCName's characters becomes `-`.
    static func idSuffix(_ judgementID: String) -> String { String(decoding: idSuffixBytes(judgementID), as: UTF8.self) }

    static func idSuffixBytes(_ judgementID: String) -> [UInt8] {
        var id = judgementID
        return id.withUTF8 { id in
            [UInt8](unsafeUninitializedCapacity: max(id.count, unnamed.count)) { buffer, count in
                count = writeIDSuffix(id, to: buffer.baseAddress!)
            }
        }
    }

    static let unnamed = Array("unnamed".utf8)
    private static let judgementPrefix = Array("judgement-".utf8)

    /// Writes the id suffix of `id` (valid UTF-8) at `output`, which has room for `max(id.count, 7)` bytes, and
    /// returns its length. Byte by byte: this runs once per block of every poll. One `-` per Unicode scalar outside
    /// the NCName characters kept, as a scalar-by-scalar mapping of the `String` would write.
    static func writeIDSuffix(_ id: UnsafeBufferPointer<UInt8>, to output: UnsafeMutablePointer<UInt8>) -> Int {
        var start = 0
        let prefixed = judgementPrefix.withUnsafeBufferPointer { prefix in
            id.count >= prefix.count && memcmp(id.baseAddress!, prefix.baseAddress!, prefix.count) == 0
        }
        if prefixed {
            // `String.hasPrefix` compares characters: a combining mark right after the `-` joins it into another
            // character, so the prefix does not match then. Only a non-ASCII byte there can start one.
            if id.count == judgementPrefix.count || id[judgementPrefix.count] < 0x80 || !startsWithCombiningMark(id, at: judgementPrefix.count) {
                start = judgementPrefix.count
            }
        }
        var count = 0
        for index in start..<id.count {
            let byte = id[index]
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2E, 0x5F, 0x2D:  // 0-9 A-Z a-z . _ -
                output[count] = byte
            case 0x80...0xBF:  // a continuation byte: its scalar already has its `-`
                continue
            default:
                output[count] = UInt8(ascii: "-")
            }
            count += 1
        }
        if count == 0 {
            for (index, byte) in unnamed.enumerated() { output[index] = byte }
            return unnamed.count
        }
        return count
    }

    /// Whether the character that starts at byte `index` of `bytes` is not the scalar alone (a combining mark or
    /// anything else extending the grapheme before it): `String` decides, for this rare non-ASCII case only.
    private static func startsWithCombiningMark(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[(index - 1)...]), as: UTF8.self)
        return text.first.map { $0.unicodeScalars.count > 1 } ?? false
    }

    /// The Title's first word: the disposition's name (letters only, nothing to escape).
    static func dispositionWord(_ disposition: Disposition) -> String { disposition.name }

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
