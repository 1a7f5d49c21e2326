/// An element of a parsed document: immutable, with element children and its own text.
///
/// Names are matched by namespace URI and local name, never by prefix: senders choose their
/// prefixes (libtaxii writes `taxii_11:`, MITRE's samples use a default namespace).
public struct XMLTreeElement: Sendable, Hashable {
    public let localName: String
    /// Nil when the element is in no namespace.
    public let namespaceURI: String?
    public let prefix: String?
    public let attributes: [XMLTreeAttribute]
    public let namespaceDeclarations: [XMLNamespaceDeclaration]
    public let children: [XMLTreeElement]
    /// The element's own character data (text and CDATA between its child elements), joined.
    public let text: String
    /// Line of the start tag, 1-based (0 if unknown).
    public let line: Int

    public init(
        localName: String,
        namespaceURI: String? = nil,
        prefix: String? = nil,
        attributes: [XMLTreeAttribute] = [],
        namespaceDeclarations: [XMLNamespaceDeclaration] = [],
        children: [XMLTreeElement] = [],
        text: String = "",
        line: Int = 0
    ) {
        self.localName = localName
        self.namespaceURI = namespaceURI
        self.prefix = prefix
        self.attributes = attributes
        self.namespaceDeclarations = namespaceDeclarations
        self.children = children
        self.text = text
        self.line = line
    }

    /// Whether this element is `{namespaceURI}localName`.
    public func isNamed(_ localName: String, in namespaceURI: String?) -> Bool {
        self.localName == localName && self.namespaceURI == namespaceURI
    }

    /// The value of the attribute `{namespaceURI}localName`; unprefixed attributes have no namespace.
    public func attribute(_ localName: String, in namespaceURI: String? = nil) -> String? {
        attributes.first { $0.localName == localName && $0.namespaceURI == namespaceURI }?.value
    }

    /// Child elements named `{namespaceURI}localName`, in document order.
    public func children(named localName: String, in namespaceURI: String?) -> [XMLTreeElement] {
        children.filter { $0.isNamed(localName, in: namespaceURI) }
    }

    /// The first child element named `{namespaceURI}localName`.
    public func firstChild(named localName: String, in namespaceURI: String?) -> XMLTreeElement? {
        children.first { $0.isNamed(localName, in: namespaceURI) }
    }

    /// `text` without leading and trailing XML whitespace.
    public var trimmedText: String { XMLWhitespace.trimmed(text) }
}
