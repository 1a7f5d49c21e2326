import Testing
import ThreatFeedXML

@Suite("XMLWriter")
struct XMLWriterTests {
    @Test("text escapes markup and keeps CR")
    func textEscaping() {
        #expect(XMLEscaping.escapedText("a<b>&c \"q\" 'a'\r\n\t") == "a&lt;b&gt;&amp;c \"q\" 'a'&#13;\n\t")
    }

    @Test("characters XML 1.0 forbids become U+FFFD")
    func illegalCharacters() {
        #expect(XMLEscaping.escapedText("a\u{0}b\u{1F}c\u{FFFE}d\u{FFFF}e\u{FFFD}") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}")
        #expect(XMLEscaping.escapedText("é€😀\u{EFFF}") == "é€😀\u{EFFF}")
    }

    @Test(
        "attribute values and text survive a round trip through the parser",
        arguments: ["plain", "quote \" apostrophe ' amp & lt < gt >", "tab\tnewline\ncr\r end", "  spaced  ", "ünïcödé 😀", "]]>", ""]
    )
    func roundTrip(value: String) throws {
        var writer = XMLWriter(indentWidth: 0)
        writer.startElement("p:root")
        writer.attribute("xmlns:p", "urn:p")
        writer.attribute("value", value)
        writer.endStartTag()
        writer.element("p:child", attributes: ["a": value], text: value)
        writer.emptyElement("p:empty", attributes: ["b": value])
        writer.endElement("p:root")
        let root = try SafeXML.parse(writer.bytes)
        #expect(root.attribute("value") == value)
        #expect(root.children[0].text == value)
        #expect(root.children[0].attribute("a") == value)
        #expect(root.children[1].attribute("b") == value)
    }

    @Test("indentation is optional and takeBytes drains the buffer")
    func indentationAndDraining() {
        var pretty = XMLWriter(indentWidth: 2)
        pretty.startElement("a")
        pretty.endStartTag()
        pretty.newline(depth: 1)
        pretty.emptyElement("b")
        pretty.newline(depth: 0)
        let first = pretty.takeBytes()
        pretty.endElement("a")
        #expect(String(decoding: first + pretty.bytes, as: UTF8.self) == "<a>\n  <b/>\n</a>")
        #expect(String(decoding: pretty.bytes, as: UTF8.self) == "</a>")

        var compact = XMLWriter(indentWidth: 0)
        compact.startElement("a")
        compact.endStartTag()
        compact.newline(depth: 1)
        compact.text("x")
        compact.endElement("a")
        #expect(String(decoding: compact.bytes, as: UTF8.self) == "<a>x</a>")
    }
}
