/// A producer namespace that cannot be used.
public struct STIXIDNamespaceError: Error, Sendable, Hashable, CustomStringConvertible {
    public let problem: String
    public var description: String { problem }
}
