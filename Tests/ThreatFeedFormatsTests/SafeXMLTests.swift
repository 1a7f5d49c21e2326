import Foundation
import Testing
import ThreatFeedXML

private func parse(_ text: String, limits: XMLLimits = XMLLimits()) throws(XMLParseError) -> XMLTreeElement {
    try SafeXML.parse(Array(text.utf8), limits: limits)
}

/// The error `text` is refused with, checking it took well under a second (no expansion, no I/O wait).
private func refusal(_ bytes: [UInt8], limits: XMLLimits = XMLLimits()) -> XMLParseError? {
    let clock = ContinuousClock()
    let start = clock.now
    defer { #expect(clock.now - start < .seconds(1)) }
    do {
        let tree = try SafeXML.parse(bytes, limits: limits)
        Issue.record("parsed when it should have been refused: <\(tree.localName)>")
        return nil
    } catch {
        return error
    }
}

private func refusal(_ text: String, limits: XMLLimits = XMLLimits()) -> XMLParseError? {
    refusal(Array(text.utf8), limits: limits)
}

@Suite("SafeXML: the tree")
struct SafeXMLTreeTests {
    @Test("namespaces, prefixes, attributes and text")
    func tree() throws {
        let root = try parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <t:Root xmlns:t="urn:t" xmlns="urn:default" xmlns:x="urn:x" a="1" x:b="two &amp; &lt;three&gt;">
              <Child>text &#x41;&#66;<![CDATA[<raw>]]></Child>
              <!-- a comment -->
              <t:Empty/>
            </t:Root>
            """
        )
        #expect(root.isNamed("Root", in: "urn:t"))
        #expect(root.prefix == "t")
        #expect(root.line == 2)
        #expect(
            root.namespaceDeclarations == [
                XMLNamespaceDeclaration(prefix: "t", uri: "urn:t"), XMLNamespaceDeclaration(prefix: nil, uri: "urn:default"),
                XMLNamespaceDeclaration(prefix: "x", uri: "urn:x"),
            ])
        #expect(
            root.attributes == [
                XMLTreeAttribute(localName: "a", value: "1"),
                XMLTreeAttribute(localName: "b", namespaceURI: "urn:x", prefix: "x", value: "two & <three>"),
            ])
        #expect(root.attribute("b", in: "urn:x") == "two & <three>")
        #expect(root.attribute("b") == nil)
        #expect(root.children.count == 2)
        let child = try #require(root.firstChild(named: "Child", in: "urn:default"))
        #expect(child.text == "text AB<raw>")
        #expect(child.prefix == nil)
        #expect(root.children[1].isNamed("Empty", in: "urn:t"))
        #expect(root.trimmedText.isEmpty)
    }

    @Test("elements without a namespace have none")
    func noNamespace() throws {
        let root = try parse("<a><b x='1'> v </b></a>")
        #expect(root.namespaceURI == nil)
        #expect(root.children[0].attribute("x") == "1")
        #expect(root.children[0].trimmedText == "v")
    }

    @Test("UTF-16 documents are decoded")
    func utf16() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "<a>é</a>".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try SafeXML.parse(bytes).text == "é")
    }

    @Test("exactly at the limits is accepted")
    func atLimits() throws {
        let nested = String(repeating: "<a>", count: 32) + String(repeating: "</a>", count: 32)
        _ = try parse(nested)
        let body = "<a>" + String(repeating: "x", count: 93) + "</a>"  // 100 bytes
        _ = try parse(body, limits: XMLLimits(maxBytes: 100))
        _ = try parse("<a><b/><b/></a>", limits: XMLLimits(maxElements: 3))
    }
}

@Suite("SafeXML: hostile and broken input")
struct SafeXMLRefusalTests {
    @Test("a plain DOCTYPE is refused")
    func doctype() {
        let error = refusal("<?xml version=\"1.0\"?>\n<!DOCTYPE a>\n<a/>")
        #expect(error?.kind == .doctypeForbidden)
        #expect(error?.line == 2)
        #expect(error?.isRefusal == true)
    }

    @Test("billion laughs is refused at the DOCTYPE, before any entity is declared")
    func billionLaughs() {
        var dtd = "<!ENTITY l0 \"lol\">"
        for level in 1...9 {
            dtd += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">"
        }
        let error = refusal("<?xml version=\"1.0\"?><!DOCTYPE lolz [\(dtd)]><lolz>&l9;</lolz>")
        #expect(error?.kind == .doctypeForbidden)
    }

    @Test("quadratic blow-up (one big entity referenced many times) is refused")
    func quadraticBlowUp() {
        let big = String(repeating: "A", count: 50_000)
        let references = String(repeating: "&big;", count: 10_000)
        let error = refusal("<!DOCTYPE r [<!ENTITY big \"\(big)\">]><r>\(references)</r>")
        #expect(error?.kind == .doctypeForbidden)
    }

    @Test("an external entity naming a local file is refused without reading the file")
    func externalFileEntity() throws {
        let secret = "secret-\(UInt64.random(in: 0...UInt64.max))"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("safexml-\(secret).txt")
        try Data(secret.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        for target in [file.absoluteString, "file:///etc/passwd"] {
            let error = refusal("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"\(target)\">]><r>&x;</r>")
            #expect(error?.kind == .doctypeForbidden)
            #expect(error?.message.contains(secret) == false)
            #expect(error?.message.contains("root:") == false)
        }
    }

    @Test("external DTDs and parameter entities over the network are refused")
    func networkEntities() {
        let parameter = "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/p.dtd\"> %p;]><r/>"
        #expect(refusal(parameter)?.kind == .doctypeForbidden)
        let externalDTD = "<!DOCTYPE r SYSTEM \"http://127.0.0.1:9/r.dtd\"><r>&x;</r>"
        #expect(refusal(externalDTD)?.kind == .doctypeForbidden)
        let publicID = "<!DOCTYPE r PUBLIC \"-//X//Y//EN\" \"http://127.0.0.1:9/r.dtd\"><r/>"
        #expect(refusal(publicID)?.kind == .doctypeForbidden)
    }

    @Test("a DOCTYPE hidden by another encoding is still refused")
    func encodedDoctype() {
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>".utf16 {
            utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        #expect(refusal(utf16)?.kind == .doctypeForbidden)
        // UTF-7 has no literal "<!" byte for a byte scan to find; libxml2 decodes it (iconv) or refuses the encoding.
        let utf7 =
            "<?xml version=\"1.0\" encoding=\"UTF-7\"?>+ADw-+ACE-DOCTYPE r +AFs-+ADw-+ACE-ENTITY x SYSTEM +ACI-file:///etc/passwd+ACI-+AD4-+AF0-+AD4-+ADw-r+AD4-+ACY-x+ADs-+ADw-/r+AD4-"
        let error = refusal(utf7)
        #expect(error?.kind == .doctypeForbidden || error?.kind == .malformed)
        #expect(error?.message.contains("root:") == false)
    }

    @Test("an undeclared entity is malformed, not expanded")
    func undeclaredEntity() {
        let error = refusal("<r>&x;</r>")
        #expect(error?.kind == .malformed)
        #expect(error?.isRefusal == false)
    }

    @Test("nesting past the depth limit is refused while parsing")
    func tooDeep() {
        let nested = String(repeating: "<a>", count: 33) + String(repeating: "</a>", count: 33)
        #expect(refusal(nested)?.kind == .tooDeep)
        // libxml2's own limit is 256; ours stops far earlier, and an unclosed flood is cheap to refuse.
        #expect(refusal(String(repeating: "<a>", count: 100_000))?.kind == .tooDeep)
        #expect(refusal("<a><b><c/></b></a>", limits: XMLLimits(maxDepth: 2))?.kind == .tooDeep)
    }

    @Test("a body over the size limit is refused before parsing")
    func tooLarge() {
        let body = "<a>" + String(repeating: "x", count: 94) + "</a>"  // 101 bytes
        let error = refusal(body, limits: XMLLimits(maxBytes: 100))
        #expect(error?.kind == .tooLarge)
        #expect(refusal([UInt8](repeating: 0x20, count: (1 << 20) + 1))?.kind == .tooLarge)
    }

    @Test("too many elements are refused")
    func tooManyElements() {
        #expect(refusal("<a><b/><b/><b/></a>", limits: XMLLimits(maxElements: 3))?.kind == .tooManyElements)
    }

    @Test(
        "malformed input is reported with a position and libxml2's reason",
        arguments: ["<a><b>text</a>", "<a>", "not xml at all", "<a></a><b/>", "<a x=1/>", "<a>\u{0}</a>"]
    )
    func malformed(text: String) {
        let error = refusal(text)
        #expect(error?.kind == .malformed)
        #expect(error?.line ?? 0 >= 1)
        #expect(error?.message.isEmpty == false)
    }

    @Test("the first error is reported: the cause, not its consequences")
    func firstError() {
        let error = refusal("<a>\n<b>text</a>")
        #expect(error?.message.contains("mismatch") == true)
        #expect(error?.line == 2)
    }

    @Test("an empty body is malformed")
    func empty() {
        #expect(refusal([UInt8]())?.kind == .malformed)
    }
}
