import ThreatFeedCore

/// Reads the STIX 2.1 patterns we accept from others: one equality comparison on an observable we keep,
/// e.g. `[url:value = 'https://x.example/a']` or `[file:hashes.'SHA-256' = '…']`. Anything else (several
/// comparisons, other operators or object types, qualifiers) is refused with the reason.
public enum STIX2PatternParser {
    public struct Refused: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The observable type the path names and the compared value (unescaped, not yet normalised).
    public static func equality(_ pattern: String) throws(Refused) -> (type: ObservableType, value: String) {
        var scalars = Array(pattern.unicodeScalars)[...]
        func skipSpaces() { while let first = scalars.first, first == " " || first == "\t" || first == "\n" || first == "\r" { scalars.removeFirst() } }
        skipSpaces()
        guard scalars.first == "[" else { throw Refused(reason: "the pattern does not start with '['") }
        scalars.removeFirst()
        skipSpaces()
        // The object path runs to the operator: letters, digits, ':', '.', '-', '_' and apostrophe-quoted names.
        var path = ""
        while let first = scalars.first {
            if first == "'" {
                scalars.removeFirst()
                path.unicodeScalars.append("'")
                while let inner = scalars.first, inner != "'" { path.unicodeScalars.append(inner); scalars.removeFirst() }
                guard scalars.first == "'" else { throw Refused(reason: "an unterminated quoted property name") }
                scalars.removeFirst()
                path.unicodeScalars.append("'")
            } else if first.properties.isAlphabetic || ("0"..."9").contains(first) || ":.-_".unicodeScalars.contains(first) {
                path.unicodeScalars.append(first)
                scalars.removeFirst()
            } else {
                break
            }
        }
        guard let type = observableType(path: path) else {
            throw Refused(reason: "'\(path.prefix(80))' is not an object path we keep (url:value, domain-name:value, ipv4-addr:value, ipv6-addr:value, file:hashes.'SHA-256'/'SHA-1'/MD5)")
        }
        skipSpaces()
        guard scalars.first == "=" else { throw Refused(reason: "only '=' comparisons are accepted") }
        scalars.removeFirst()
        skipSpaces()
        guard scalars.first == "'" else { throw Refused(reason: "the compared value is not a string constant") }
        scalars.removeFirst()
        var value = ""
        var closed = false
        while let first = scalars.popFirst() {
            if first == "\\" {
                guard let escaped = scalars.popFirst(), escaped == "'" || escaped == "\\" else {
                    throw Refused(reason: "a backslash in a string constant may only escape ' or \\")
                }
                value.unicodeScalars.append(escaped)
            } else if first == "'" {
                closed = true
                break
            } else {
                value.unicodeScalars.append(first)
            }
        }
        guard closed else { throw Refused(reason: "an unterminated string constant") }
        skipSpaces()
        guard scalars.first == "]" else {
            throw Refused(reason: "only a single comparison is accepted (no AND, OR or further observation expressions)")
        }
        scalars.removeFirst()
        skipSpaces()
        guard scalars.isEmpty else { throw Refused(reason: "only a single observation is accepted (no qualifiers or further observations)") }
        return (type, value)
    }

    static func observableType(path: String) -> ObservableType? {
        switch path {
        case "url:value": return .url
        case "domain-name:value": return .domain
        case "ipv4-addr:value": return .ip
        case "ipv6-addr:value": return .ipv6
        default: break
        }
        guard path.hasPrefix("file:hashes.") else { return nil }
        var name = String(path.dropFirst("file:hashes.".count))
        if name.hasPrefix("'"), name.hasSuffix("'"), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
        switch name.uppercased() {
        case "SHA-256", "SHA256": return .sha256
        case "SHA-1", "SHA1": return .sha1
        case "MD5": return .md5
        default: return nil
        }
    }
}
