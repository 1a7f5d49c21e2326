/// Bounds on what `SafeXML.parse` accepts. Input is hostile until parsed: the caps keep one
/// request's cost small whatever it contains.
public struct XMLLimits: Sendable, Hashable {
    /// Largest document accepted, in bytes (checked before libxml2 sees a byte).
    public var maxBytes: Int
    /// Deepest element nesting accepted; the root element is depth 1.
    public var maxDepth: Int
    /// Most elements accepted in one document.
    public var maxElements: Int

    /// TAXII requests are a few hundred bytes and five levels deep: the defaults are generous.
    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 32, maxElements: Int = 50_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxElements = maxElements
    }
}
