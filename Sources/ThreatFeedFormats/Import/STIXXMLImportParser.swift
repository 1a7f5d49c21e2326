import Foundation
import ThreatFeedCore
import ThreatFeedXML

/// STIX 1.x (1.1.1, 1.2) XML import, through the hardened libxml2 reader (no DTD, no entities, bounded).
///
/// Every CybOX object with a URI, domain name, address or file hash — inside an Indicator or among a package's
/// Observables, in one package or many (a TAXII poll response, say) — is an entry. An Indicator's valid time,
/// description (or title), confidence and TLP marking apply to its objects. Values listed with `##comma##`
/// (STIX 1's "any of") are separate entries. Other object types are rejected with their line.
enum STIXXMLImportParser {
    static let cybox = "http://cybox.mitre.org/cybox-2"
    static let stix = "http://stix.mitre.org/stix-1"
    static let indicatorNS = "http://stix.mitre.org/Indicator-2"
    static let common = "http://stix.mitre.org/common-1"
    static let cyboxCommon = "http://cybox.mitre.org/common-2"
    static let xsi = "http://www.w3.org/2001/XMLSchema-instance"

    /// Import files may be large: bounded, but far above a TAXII message's limits.
    static let limits = XMLLimits(maxBytes: 256 << 20, maxDepth: 64, maxElements: 20_000_000)

    /// What an enclosing Indicator says about its objects.
    struct Context {
        var validFrom: String?
        var validUntil: String?
        var reason: String?
        var confidence: String?
        var tlp: String?
    }

    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, forcedType: ObservableType?,
        record: (ImportRecord) throws -> Void, reject: (ImportRejection) throws -> Void
    ) throws {
        let start = try ImportBytes.contentStart(bytes)
        let root: XMLTreeElement
        do {
            root = try SafeXML.parse(Array(UnsafeBufferPointer(rebasing: bytes[start...])), limits: limits)
        } catch {
            throw ImportFileError(line: error.line > 0 ? error.line : nil, problem: "not a STIX XML document we can read: \(error.message)")
        }
        var interpreter = EntryInterpreter(forcedType: forcedType)
        var found = 0
        func emit(_ raw: RawEntry, line: Int) throws {
            found += 1
            do {
                try record(try interpreter.record(from: raw, line: line))
            } catch let problem as EntryProblem {
                try reject(ImportRejection(line: line, reason: problem.reason))
            }
        }
        try walk(root, context: Context(), emit: emit, reject: reject)
        if found == 0, !contains(root, "Properties", cybox) {
            throw ImportFileError(problem: "no STIX indicator or CybOX observable found in the XML")
        }
    }

    private static func contains(_ element: XMLTreeElement, _ name: String, _ namespace: String) -> Bool {
        element.isNamed(name, in: namespace) || element.children.contains { contains($0, name, namespace) }
    }

    private static func walk(
        _ element: XMLTreeElement, context: Context, emit: (RawEntry, Int) throws -> Void, reject: (ImportRejection) throws -> Void
    ) throws {
        var context = context
        if element.localName == "Indicator", element.namespaceURI == stix || element.namespaceURI == indicatorNS {
            context = indicatorContext(element, inherited: context)
        }
        if element.isNamed("Properties", in: cybox) {
            try properties(element, context: context, emit: emit, reject: reject)
            return
        }
        for child in element.children { try walk(child, context: context, emit: emit, reject: reject) }
    }

    private static func indicatorContext(_ indicator: XMLTreeElement, inherited: Context) -> Context {
        var context = inherited
        if let position = indicator.firstChild(named: "Valid_Time_Position", in: indicatorNS) {
            context.validFrom = position.firstChild(named: "Start_Time", in: indicatorNS)?.trimmedText
            context.validUntil = position.firstChild(named: "End_Time", in: indicatorNS)?.trimmedText
        }
        let description = indicator.firstChild(named: "Description", in: indicatorNS)?.trimmedText
        let title = indicator.firstChild(named: "Title", in: indicatorNS)?.trimmedText
        context.reason = ImportText.nonEmpty(description) ?? ImportText.nonEmpty(title) ?? inherited.reason
        if let value = indicator.firstChild(named: "Confidence", in: indicatorNS)?.firstChild(named: "Value", in: common)?.trimmedText,
            !value.isEmpty
        {
            context.confidence = value
        }
        if let color = tlpColor(indicator) { context.tlp = color }
        return context
    }

    /// The `color` of a TLP marking structure anywhere under the element's Handling.
    private static func tlpColor(_ element: XMLTreeElement) -> String? {
        for child in element.children {
            if child.localName == "Marking_Structure", let color = child.attribute("color") { return color.lowercased() }
            if let color = tlpColor(child) { return color }
        }
        return nil
    }

    private static func properties(
        _ element: XMLTreeElement, context: Context, emit: (RawEntry, Int) throws -> Void, reject: (ImportRejection) throws -> Void
    ) throws {
        let xsiType = element.attribute("type", in: xsi) ?? ""
        let kind = xsiType.split(separator: ":").last.map(String.init) ?? xsiType
        var entries: [(type: String?, value: String, line: Int)] = []
        func values(of child: XMLTreeElement?) -> [(String, Int)] {
            guard let child else { return [] }
            return child.text.components(separatedBy: "##comma##").map { (ImportText.trimmed($0), child.line) }.filter { !$0.0.isEmpty }
        }
        switch kind {
        case "URIObjectType":
            let type = element.attribute("type") == "Domain Name" ? "domain" : "url"
            entries = values(of: element.children.first { $0.localName == "Value" }).map { (type, $0.0, $0.1) }
        case "DomainNameObjectType":
            entries = values(of: element.children.first { $0.localName == "Value" }).map { ("domain", $0.0, $0.1) }
        case "AddressObjectType":
            let category = element.attribute("category") ?? "ipv4-addr"
            guard category == "ipv4-addr" || category == "ipv6-addr" else {
                try reject(ImportRejection(line: element.line, reason: "address category '\(category.prefix(40))' is not an IP address"))
                return
            }
            entries = values(of: element.children.first { $0.localName == "Address_Value" })
                .map { (category == "ipv6-addr" ? "ipv6" : "ip", $0.0, $0.1) }
        case "FileObjectType":
            for hash in element.children.filter({ $0.localName == "Hashes" }).flatMap(\.children) where hash.localName == "Hash" {
                let name = hash.children.first { $0.localName == "Type" }?.trimmedText.uppercased() ?? ""
                let type: String? = switch name {
                case "SHA256", "SHA-256": "sha256"
                case "SHA1", "SHA-1": "sha1"
                case "MD5": "md5"
                case "": nil
                default: "unsupported:" + name
                }
                if let type, type.hasPrefix("unsupported:") {
                    try reject(ImportRejection(line: hash.line, reason: "hash type '\(name.prefix(40))' is not SHA-256, SHA-1 or MD5"))
                    continue
                }
                entries += values(of: hash.children.first { $0.localName == "Simple_Hash_Value" }).map { (type, $0.0, $0.1) }
            }
        default:
            try reject(ImportRejection(
                line: element.line,
                reason: "CybOX object type '\(xsiType.prefix(60))' is not one we keep (URI, domain name, IPv4/IPv6 address, file hash)"))
            return
        }
        if entries.isEmpty {
            try reject(ImportRejection(line: element.line, reason: "the \(kind) has no value"))
            return
        }
        for entry in entries {
            var raw = RawEntry()
            raw.type = entry.type
            raw.value = entry.value
            raw.validFrom = context.validFrom
            raw.validFromField = "Start_Time"
            raw.validUntil = context.validUntil
            raw.validUntilField = "End_Time"
            raw.reason = context.reason
            raw.reasonField = "Description"
            raw.confidence = context.confidence
            raw.tlp = context.tlp
            try emit(raw, entry.line)
        }
    }
}
