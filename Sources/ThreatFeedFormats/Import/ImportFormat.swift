/// The file formats `threatfeed import` reads.
public enum ImportFormat: String, CaseIterable, Sendable {
    case auto, txt, csv, json
    /// STIX 1.x XML (packages, or anything holding them such as a TAXII 1.1 poll response).
    case stix

    /// Picks the concrete format for a file: first by extension (`.txt`/`.list`/`.csv`/`.json`/`.xml`),
    /// then by sniffing its first bytes, so files named `iocs` or `blocklist.ioc` still work.
    ///
    /// Sniffing: a first non-blank byte `<` means STIX XML; `{`, or `[` not followed by an address (a bracketed
    /// IPv6 value such as `[2001:db8::1]` is text), means JSON; a first non-comment line that
    /// is a comma-separated header with a `value` column means CSV; anything else is text.
    /// Never returns `.auto`.
    public static func detect(fileName: String, prefix: some Collection<UInt8>) -> ImportFormat {
        if let format = byExtension(fileName) { return format }
        return sniff(Array(prefix.prefix(65_536)))
    }

    static func byExtension(_ fileName: String) -> ImportFormat? {
        let name = fileName.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? fileName
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "txt", "list", "lst": return .txt
        case "csv": return .csv
        case "json": return .json
        case "xml", "stix": return .stix
        default: return nil
        }
    }

    static func sniff(_ bytes: [UInt8]) -> ImportFormat {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
        guard index < bytes.count else { return .txt }
        if bytes[index] == UInt8(ascii: "{") { return .json }
        if bytes[index] == UInt8(ascii: "<") { return .stix }
        if bytes[index] == UInt8(ascii: "[") {
            var next = index + 1
            while next < bytes.count, isWhitespace(bytes[next]) { next += 1 }
            guard next < bytes.count else { return .json }
            let byte = bytes[next]
            let isHex = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
            return isHex || byte == UInt8(ascii: ":") ? .txt : .json
        }
        // The first line that is neither blank nor a comment decides between CSV and text.
        var lineStart = index
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var first = lineStart
            while first < lineEnd, bytes[first] == 0x20 || bytes[first] == 0x09 { first += 1 }
            if first < lineEnd, bytes[first] != 0x0D, bytes[first] != UInt8(ascii: "#") {
                return looksLikeCSVHeader(bytes[first..<lineEnd]) ? .csv : .txt
            }
            lineStart = lineEnd + 1
        }
        return .txt
    }

    private static func looksLikeCSVHeader(_ line: ArraySlice<UInt8>) -> Bool {
        guard line.contains(UInt8(ascii: ",")) else { return false }
        return line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).contains { cell in
            CSVImportParser.columnKey(String(decoding: cell, as: UTF8.self)) == "value"
        }
    }
}
