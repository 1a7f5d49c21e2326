/// A timestamp that is not a TAXII 1.1 `TimestampLabelType`.
public struct TAXIITimestampError: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public var description: String {
        "'\(text.prefix(64))' is not a TAXII timestamp (YYYY-MM-DDThh:mm:ss[.ffffff] with Z or ±hh:mm)"
    }
}
