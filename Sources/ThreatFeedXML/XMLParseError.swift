/// Why `SafeXML.parse` gave no tree. `line`/`column` are 1-based; 0 means unknown.
public struct XMLParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Larger than `XMLLimits.maxBytes`; nothing was parsed.
        case tooLarge
        /// A `<!DOCTYPE …>` was found; parsing stopped there, before any entity was declared.
        case doctypeForbidden
        /// Nested deeper than `XMLLimits.maxDepth`.
        case tooDeep
        /// More elements than `XMLLimits.maxElements`.
        case tooManyElements
        /// Not well-formed XML (libxml2's message says why), or empty.
        case malformed
        /// libxml2 could not set up a parser (out of memory).
        case parserUnavailable
    }

    public let kind: Kind
    public let line: Int
    public let column: Int
    public let message: String

    public init(kind: Kind, line: Int = 0, column: Int = 0, message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
    }

    /// True when the input may be well-formed XML that we decline to parse (DOCTYPE, limits),
    /// as opposed to input that is not XML at all.
    public var isRefusal: Bool {
        switch kind {
        case .tooLarge, .doctypeForbidden, .tooDeep, .tooManyElements: true
        case .malformed, .parserUnavailable: false
        }
    }

    public var description: String {
        line > 0 ? "line \(line), column \(column): \(message)" : message
    }
}
