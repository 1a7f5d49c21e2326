internal import CLibXML2

/// Parses untrusted XML into an `XMLTreeElement` tree with libxml2, safely:
/// no network, no DTD (any DOCTYPE is refused inside the parser), no entity expansion,
/// bounded size, depth and element count. Never use Foundation's `XMLDocument`/`XMLParser`
/// on input: see reference/swift-stack.md §2.3 for what they let through.
public enum SafeXML {
    /// libxml2 wants one initialisation before concurrent use; `static let` runs it exactly once.
    private static let libraryInitialised: Bool = {
        xmlInitParser()
        return true
    }()

    public static func parse(_ bytes: [UInt8], limits: XMLLimits = XMLLimits()) throws(XMLParseError) -> XMLTreeElement {
        // libxml2 takes the length as a C int, whatever limit the caller set.
        let maxBytes = min(limits.maxBytes, Int(Int32.max))
        guard bytes.count <= maxBytes else {
            throw XMLParseError(kind: .tooLarge, message: "document is \(bytes.count) bytes, more than the \(maxBytes) accepted")
        }
        guard !bytes.isEmpty else { throw XMLParseError(kind: .malformed, message: "document is empty") }
        _ = libraryInitialised
        guard let context = xmlNewParserCtxt() else {
            throw XMLParseError(kind: .parserUnavailable, message: "libxml2 could not create a parser")
        }
        defer { xmlFreeParserCtxt(context) }
        let guardState = UnsafeMutablePointer<tf_xml_guard>.allocate(capacity: 1)
        defer { guardState.deallocate() }
        guardState.initialize(to: tf_xml_guard())  // all zero: no stop, no error yet
        guardState.pointee.max_depth = Int32(clamping: limits.maxDepth)
        guardState.pointee.max_elements = limits.maxElements
        tf_xml_install_guard(context, guardState)

        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(context, chars.baseAddress, Int32(chars.count), nil, nil, tf_xml_parse_options())
            }
        }
        defer { if let document { xmlFreeDoc(document) } }

        let guardSaw = guardState.pointee
        let stopLine = Int(guardSaw.stop_line)
        let stopColumn = Int(guardSaw.stop_column)
        switch Int(guardSaw.stop_reason) {
        case Int(TF_XML_STOP_DOCTYPE):
            throw XMLParseError(
                kind: .doctypeForbidden, line: stopLine, column: stopColumn, message: "DOCTYPE declarations are not accepted")
        case Int(TF_XML_STOP_DEPTH):
            throw XMLParseError(
                kind: .tooDeep, line: stopLine, column: stopColumn, message: "elements nest deeper than \(limits.maxDepth) levels"
            )
        case Int(TF_XML_STOP_ELEMENTS):
            throw XMLParseError(
                kind: .tooManyElements, line: stopLine, column: stopColumn, message: "more than \(limits.maxElements) elements"
            )
        default:
            break
        }
        guard let document, context.pointee.wellFormed != 0 else { throw firstError(guardState, context) }
        guard let root = xmlDocGetRootElement(document) else {
            throw XMLParseError(kind: .malformed, message: "document has no root element")
        }
        return try element(root)
    }

    /// Builds the Swift tree. Recursion is bounded: the guard already refused deeper documents.
    private static func element(_ node: xmlNodePtr) throws(XMLParseError) -> XMLTreeElement {
        let name = string(node.pointee.name)
        let namespace = node.pointee.ns
        var attributes: [XMLTreeAttribute] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let attributeNamespace = current.pointee.ns
            attributes.append(
                XMLTreeAttribute(
                    localName: string(current.pointee.name),
                    namespaceURI: attributeNamespace.map { string($0.pointee.href) },
                    prefix: attributeNamespace.flatMap { optionalString($0.pointee.prefix) },
                    value: try characterData(current.pointee.children, owner: node)
                )
            )
            attribute = current.pointee.next
        }
        var declarations: [XMLNamespaceDeclaration] = []
        var declaration = node.pointee.nsDef
        while let current = declaration {
            declarations.append(XMLNamespaceDeclaration(prefix: optionalString(current.pointee.prefix), uri: string(current.pointee.href)))
            declaration = current.pointee.next
        }
        var children: [XMLTreeElement] = []
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(try element(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                text += optionalString(current.pointee.content) ?? ""
            case XML_COMMENT_NODE, XML_PI_NODE:
                break
            default:
                // Entity references and the like cannot occur without a DTD; refuse rather than guess.
                throw XMLParseError(kind: .malformed, line: xmlGetLineNo(current), message: "unexpected node in <\(name)>")
            }
            child = current.pointee.next
        }
        return XMLTreeElement(
            localName: name,
            namespaceURI: namespace.map { string($0.pointee.href) },
            prefix: namespace.flatMap { optionalString($0.pointee.prefix) },
            attributes: attributes,
            namespaceDeclarations: declarations,
            children: children,
            text: text,
            line: xmlGetLineNo(node)
        )
    }

    /// An attribute's value: its text-node children joined.
    private static func characterData(_ first: xmlNodePtr?, owner: xmlNodePtr) throws(XMLParseError) -> String {
        var value = ""
        var node = first
        while let current = node {
            guard current.pointee.type == XML_TEXT_NODE else {
                throw XMLParseError(kind: .malformed, line: xmlGetLineNo(owner), message: "unexpected node in an attribute value")
            }
            value += optionalString(current.pointee.content) ?? ""
            node = current.pointee.next
        }
        return value
    }

    /// The first error libxml2 reported (the cause; later ones tend to be consequences),
    /// or the context's last one if the guard saw none.
    private static func firstError(_ guardState: UnsafeMutablePointer<tf_xml_guard>, _ context: xmlParserCtxtPtr) -> XMLParseError {
        if guardState.pointee.first_error_code != 0 {
            return XMLParseError(
                kind: .malformed,
                line: Int(guardState.pointee.first_error_line),
                column: Int(guardState.pointee.first_error_column),
                message: trimmedMessage(String(cString: tf_xml_guard_first_error_message(guardState)))
            )
        }
        guard let error = xmlCtxtGetLastError(context) else {
            return XMLParseError(kind: .malformed, message: "not well-formed XML")
        }
        let message = error.pointee.message.map { String(cString: $0) } ?? "not well-formed XML"
        return XMLParseError(
            kind: .malformed, line: Int(error.pointee.line), column: Int(error.pointee.int2), message: trimmedMessage(message))
    }

    private static func trimmedMessage(_ message: String) -> String {
        var message = message
        while message.last == "\n" || message.last == " " { message.removeLast() }
        return message.isEmpty ? "not well-formed XML" : message
    }

    private static func string(_ text: UnsafePointer<xmlChar>?) -> String { optionalString(text) ?? "" }

    private static func optionalString(_ text: UnsafePointer<xmlChar>?) -> String? {
        guard let text else { return nil }
        return String(cString: text)
    }
}
