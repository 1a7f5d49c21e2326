import ThreatFeedCore

/// The STIX 2.1 pattern (§9) that matches one observable: a single equality comparison.
public enum STIX2Pattern {
    /// `[url:value = 'https://x.example/a']`, `[file:hashes.'SHA-256' = '…']`, …
    public static func equality(for observable: Observable) -> String {
        "[" + objectPath(of: observable.type) + " = " + quoted(observable.value) + "]"
    }

    /// The object path compared for each observable type. A property name with `-` is quoted (`hashes.'SHA-256'`).
    public static func objectPath(of type: ObservableType) -> String {
        switch type {
        case .url: "url:value"
        case .domain: "domain-name:value"
        case .ip: "ipv4-addr:value"
        case .ipv6: "ipv6-addr:value"
        case .sha256: "file:hashes.'SHA-256'"
        case .sha1: "file:hashes.'SHA-1'"
        case .md5: "file:hashes.MD5"
        }
    }

    /// A string constant: inside apostrophes only `\'` and `\\` are escapes.
    public static func quoted(_ value: String) -> String {
        var text = "'"
        text.reserveCapacity(value.utf8.count + 4)
        for character in value.unicodeScalars {
            if character == "'" || character == "\\" { text.unicodeScalars.append("\\") }
            text.unicodeScalars.append(character)
        }
        return text + "'"
    }
}
