/// One attribute of a parsed element. Namespace declarations (`xmlns…`) are not attributes;
/// they are in `XMLTreeElement.namespaceDeclarations`.
public struct XMLTreeAttribute: Sendable, Hashable {
    public let localName: String
    /// Nil for an unprefixed attribute: unprefixed attributes are in no namespace.
    public let namespaceURI: String?
    public let prefix: String?
    public let value: String

    public init(localName: String, namespaceURI: String? = nil, prefix: String? = nil, value: String) {
        self.localName = localName
        self.namespaceURI = namespaceURI
        self.prefix = prefix
        self.value = value
    }
}
