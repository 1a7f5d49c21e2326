/// Appends XML to a byte buffer piece by piece, so large documents (a poll response with
/// 100k content blocks) can be streamed: write some, `takeBytes()`, send them, go on.
///
/// Element and attribute names are written as given (callers pass constant qualified names);
/// text and attribute values are escaped. The writer does not track nesting: callers close
/// what they open, in order.
public struct XMLWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// Spaces per nesting level for `newline(depth:)`; 0 writes compact XML.
    public let indentWidth: Int

    public init(indentWidth: Int = 2, reservingCapacity capacity: Int = 4096) {
        self.indentWidth = indentWidth
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// `<name` — follow with `attribute`s, then `endStartTag()` or `endEmptyElement()`.
    public mutating func startElement(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
    }

    /// ` name="value"`, the value escaped.
    public mutating func attribute(_ name: String, _ value: String) {
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: name.utf8)
        bytes.append(contentsOf: Self.equalsQuote)
        XMLEscaping.appendAttribute(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `>` closing a start tag.
    public mutating func endStartTag() { bytes.append(UInt8(ascii: ">")) }

    /// `/>` closing an element with no content.
    public mutating func endEmptyElement() { bytes.append(contentsOf: Self.emptyEnd) }

    /// `</name>`.
    public mutating func endElement(_ name: String) {
        bytes.append(contentsOf: Self.endOpen)
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }

    /// Character data, escaped.
    public mutating func text(_ text: String) { XMLEscaping.appendText(text, to: &bytes) }

    /// `<name a="v">text</name>`: a leaf element in one call.
    public mutating func element(_ name: String, attributes: KeyValuePairs<String, String> = [:], text: String) {
        startElement(name)
        for (key, value) in attributes { attribute(key, value) }
        endStartTag()
        self.text(text)
        endElement(name)
    }

    /// `<name a="v"/>`.
    public mutating func emptyElement(_ name: String, attributes: KeyValuePairs<String, String> = [:]) {
        startElement(name)
        for (key, value) in attributes { attribute(key, value) }
        endEmptyElement()
    }

    /// A line break and indentation for `depth`; nothing when writing compact XML.
    public mutating func newline(depth: Int) {
        guard indentWidth > 0 else { return }
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * indentWidth))
    }

    /// Bytes that are already well-formed XML (or escaped text), copied as they are.
    public mutating func raw(_ fragment: some Sequence<UInt8>) { bytes.append(contentsOf: fragment) }

    /// Lets `body` append bytes that need no escaping (digits of a timestamp) without an intermediate buffer.
    public mutating func appendRaw(_ body: (inout [UInt8]) -> Void) { body(&bytes) }

    /// Hands over what was written so far and starts an empty buffer (same capacity).
    public mutating func takeBytes() -> [UInt8] {
        let taken = bytes
        bytes.removeAll(keepingCapacity: true)
        return taken
    }

    private static let equalsQuote = Array("=\"".utf8)
    private static let emptyEnd = Array("/>".utf8)
    private static let endOpen = Array("</".utf8)
}
