/// The producer namespace of the STIX ids we write (`prefix:Package-…`): a deployment sets its
/// own (e.g. prefix `acme`, URI `https://acme.example/threatfeed`).
public struct STIXIDNamespace: Sendable, Hashable {
    public let prefix: String
    public let uri: String

    /// Used when the configuration names none.
    public static let `default` = STIXIDNamespace(validPrefix: "threatfeed", uri: "urn:threatfeed:stix")

    /// Checks that `prefix` is an XML NCName that clashes with none of the STIX prefixes, and
    /// that `uri` is non-empty with no whitespace.
    public init(prefix: String, uri: String) throws(STIXIDNamespaceError) {
        guard Self.isNCName(prefix) else { throw STIXIDNamespaceError(problem: "'\(prefix)' is not a valid XML namespace prefix") }
        guard !prefix.lowercased().hasPrefix("xml"), !STIXNamespace.reservedPrefixes.contains(prefix) else {
            throw STIXIDNamespaceError(problem: "the prefix '\(prefix)' is reserved; choose another")
        }
        guard !uri.isEmpty, !uri.unicodeScalars.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else {
            throw STIXIDNamespaceError(problem: "the namespace URI must be non-empty and contain no whitespace")
        }
        self.init(validPrefix: prefix, uri: uri)
    }

    private init(validPrefix: String, uri: String) {
        self.prefix = validPrefix
        self.uri = uri
    }

    /// ASCII NCNames only: a letter or `_`, then letters, digits, `.`, `-`, `_`.
    private static func isNCName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-" || scalar == "_")
        }
    }
}
