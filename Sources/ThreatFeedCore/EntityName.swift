/// The name of an indicator or feed, as typed on the command line and in `feeds/` files.
///
/// Names double as default TAXII collection names, so they stay within characters that
/// survive URLs, XML and shells unquoted.
public struct EntityName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: String

    public init(_ text: String) throws(EntityNameError) {
        guard !text.isEmpty else { throw EntityNameError(text: text, problem: "a name cannot be empty") }
        guard text.utf8.count <= 64 else { throw EntityNameError(text: text, problem: "longer than 64 characters") }
        guard let first = text.unicodeScalars.first, first.isASCIIAlphanumeric else {
            throw EntityNameError(text: text, problem: "must start with a letter or digit")
        }
        for scalar in text.unicodeScalars where !(scalar.isASCIIAlphanumeric || "-_.".unicodeScalars.contains(scalar)) {
            throw EntityNameError(text: text, problem: "'\(scalar)' is not allowed (use letters, digits, '-', '_' and '.')")
        }
        self.value = text
    }

    public var description: String { value }
    public static func < (lhs: EntityName, rhs: EntityName) -> Bool { lhs.value < rhs.value }

    /// The indicator ETD convictions publish into unless a rule names another. Written without the checks
    /// (nothing to throw for a constant); `EntityNameTests` checks it passes them.
    public static let etdConvictions = EntityName(checkedByTests: "etd-convictions")

    private init(checkedByTests text: String) { value = text }
}

public struct EntityNameError: Error, Equatable, CustomStringConvertible {
    public let text: String
    public let problem: String
    public var description: String { "invalid name '\(text)': \(problem)" }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        (48...57).contains(value) || (65...90).contains(value) || (97...122).contains(value)
    }
}
