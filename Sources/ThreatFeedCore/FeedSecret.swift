/// A feed's share token: a random UUID v4, sent by pollers as `?s=` or as the TAXII collection name.
///
/// Its `description` is masked so that it cannot reach a log by accident; `reveal` is explicit.
public struct FeedSecret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// A fresh secret from the system's cryptographic generator.
    public static func generate() -> FeedSecret { FeedSecret(RandomUUID.v4()) }

    /// The secret itself, for the places that must print or store it.
    public var reveal: String { value }

    /// Constant-time comparison: the time taken does not depend on where the strings differ.
    public func matches(_ candidate: String) -> Bool { ConstantTime.equals(Array(value.utf8), Array(candidate.utf8)) }

    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
}
