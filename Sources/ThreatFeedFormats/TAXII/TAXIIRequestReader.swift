import ThreatFeedCore
import ThreatFeedXML

/// Turns a parsed tree into a `TAXIIRequest`, checking what the TAXII 1.1 schema requires.
///
/// Lenient where clients differ harmlessly (child order, namespace prefixes, whitespace
/// around values, `Extended_Headers` and `ds:Signature`, which we ignore); strict where a
/// guess could serve the wrong data (bad timestamps, unknown elements, missing names).
enum TAXIIRequestReader {
    static let servedTypes: Set<String> = [
        "Discovery_Request", "Collection_Information_Request", "Poll_Request", "Poll_Fulfillment",
    ]

    static func read(_ root: XMLTreeElement) throws(TAXIIRequestError) -> TAXIIRequest {
        let messageID = root.attribute("message_id")  // echoed verbatim in in_response_to
        guard root.namespaceURI == TAXII11.namespace else {
            throw .notTAXII11(rootName: bounded(root.localName), namespaceURI: root.namespaceURI.map { bounded($0) }, messageID: messageID)
        }
        guard servedTypes.contains(root.localName) else {
            throw .unknownMessageType(name: bounded(root.localName), messageID: messageID)
        }
        let message = Message(element: root, messageID: messageID)
        guard let messageID else { throw message.invalid("the message_id attribute is missing") }
        switch root.localName {
        case "Discovery_Request":
            try message.onlyChildren([])
            return .discovery(TAXIIDiscoveryRequest(messageID: messageID))
        case "Collection_Information_Request":
            try message.onlyChildren([])
            return .collectionInformation(TAXIICollectionInformationRequest(messageID: messageID))
        case "Poll_Request":
            return .poll(try pollRequest(message, messageID: messageID))
        default:
            return .pollFulfillment(try pollFulfillment(message, messageID: messageID))
        }
    }

    private static func pollRequest(_ message: Message, messageID: String) throws(TAXIIRequestError) -> TAXIIPollRequest {
        let root = message.element
        guard let collection = root.attribute("collection_name") else {
            throw message.invalid("the collection_name attribute is missing")
        }
        try message.onlyChildren(["Exclusive_Begin_Timestamp", "Inclusive_End_Timestamp", "Subscription_ID", "Poll_Parameters"])
        var begin: TimestampLabel?
        if let element = try message.single("Exclusive_Begin_Timestamp") { begin = try message.timestamp(element) }
        var end: TimestampLabel?
        if let element = try message.single("Inclusive_End_Timestamp") { end = try message.timestamp(element) }
        let subscription = try message.single("Subscription_ID")?.trimmedText
        let parametersElement = try message.single("Poll_Parameters")
        if subscription != nil, parametersElement != nil {
            throw message.invalid("a Poll_Request has either Subscription_ID or Poll_Parameters, not both")
        }
        var parameters: TAXIIPollParameters?
        if let parametersElement {
            parameters = try pollParameters(parametersElement, in: message)
        }
        return TAXIIPollRequest(
            messageID: messageID,
            collectionName: collection,
            exclusiveBegin: begin,
            inclusiveEnd: end,
            subscriptionID: subscription,
            parameters: parameters
        )
    }

    private static func pollParameters(_ element: XMLTreeElement, in outer: Message) throws(TAXIIRequestError) -> TAXIIPollParameters {
        let message = Message(element: element, messageID: outer.messageID, messageType: outer.messageType)
        try message.onlyChildren(["Response_Type", "Content_Binding", "Query", "Delivery_Parameters"])
        var parameters = TAXIIPollParameters()
        if let asynch = element.attribute("allow_asynch") {
            parameters.allowAsynchronous = try message.boolean(asynch, name: "allow_asynch")
        }
        if let responseType = try message.single("Response_Type") {
            guard let type = TAXIIResponseType(rawValue: responseType.trimmedText) else {
                throw message.invalid("Response_Type must be FULL or COUNT_ONLY, not '\(bounded(responseType.trimmedText))'")
            }
            parameters.responseType = type
        }
        for binding in element.children(named: "Content_Binding", in: TAXII11.namespace) {
            parameters.contentBindings.append(try contentBinding(binding, in: message))
        }
        if let query = try message.single("Query") {
            parameters.query = TAXIIQuery(formatID: query.attribute("format_id") ?? "")
        }
        parameters.requestsDelivery = try message.single("Delivery_Parameters") != nil
        return parameters
    }

    private static func contentBinding(_ element: XMLTreeElement, in message: Message) throws(TAXIIRequestError) -> TAXIIContentBinding {
        guard let id = element.attribute("binding_id") else {
            throw message.invalid("a Content_Binding has no binding_id attribute")
        }
        var subtype: String?
        for child in element.children {
            guard child.isNamed("Subtype", in: TAXII11.namespace), let subtypeID = child.attribute("subtype_id"), subtype == nil else {
                throw message.invalid("a Content_Binding may contain one Subtype element with a subtype_id, nothing else")
            }
            subtype = subtypeID
        }
        return TAXIIContentBinding(bindingID: id, subtype: subtype)
    }

    private static func pollFulfillment(_ message: Message, messageID: String) throws(TAXIIRequestError) -> TAXIIPollFulfillmentRequest {
        let root = message.element
        guard let collection = root.attribute("collection_name") else {
            throw message.invalid("the collection_name attribute is missing")
        }
        guard let resultID = root.attribute("result_id") else { throw message.invalid("the result_id attribute is missing") }
        try message.onlyChildren([])
        var part = 1
        if let text = root.attribute("result_part_number") {
            part = try message.positiveInteger(text, name: "result_part_number", upTo: maxResultPartNumber)
        }
        return TAXIIPollFulfillmentRequest(messageID: messageID, collectionName: collection, resultID: resultID, resultPartNumber: part)
    }

    /// No result set has more parts than this (a part holds at least one record); larger asks are refused, so that
    /// `(part - 1) × part size` cannot overflow downstream.
    public static let maxResultPartNumber = 1_000_000_000

    /// Untrusted text quoted in errors and logs is cut short.
    static func bounded(_ text: String) -> String { text.count > 100 ? String(text.prefix(100)) + "…" : text }

    /// One element of the message being read, with what errors need to name.
    private struct Message {
        let element: XMLTreeElement
        let messageID: String?
        let messageType: String

        init(element: XMLTreeElement, messageID: String?, messageType: String? = nil) {
            self.element = element
            self.messageID = messageID
            self.messageType = messageType ?? element.localName
        }

        func invalid(_ reason: String) -> TAXIIRequestError {
            .invalidMessage(messageType: messageType, messageID: messageID, reason: reason)
        }

        /// Every child is one of `allowed` (TAXII namespace), `Extended_Headers`, or `ds:Signature`.
        func onlyChildren(_ allowed: Set<String>) throws(TAXIIRequestError) {
            for child in element.children {
                if child.namespaceURI == TAXII11.namespace, allowed.contains(child.localName) || child.localName == "Extended_Headers" {
                    continue
                }
                if child.isNamed("Signature", in: TAXII11.signatureNamespace) { continue }
                let name = child.namespaceURI.map { "{\($0)}" } ?? ""
                throw invalid("unexpected element \(bounded(name + child.localName)) in \(element.localName) (line \(child.line))")
            }
        }

        /// The child named `name` if there is one; more than one is a schema error.
        func single(_ name: String) throws(TAXIIRequestError) -> XMLTreeElement? {
            let matches = element.children(named: name, in: TAXII11.namespace)
            guard matches.count <= 1 else { throw invalid("\(name) appears \(matches.count) times") }
            return matches.first
        }

        func timestamp(_ element: XMLTreeElement) throws(TAXIIRequestError) -> TimestampLabel {
            do {
                return try TAXIITimestamp.parse(element.trimmedText)
            } catch {
                throw invalid("\(element.localName): \(error)")
            }
        }

        /// `xs:positiveInteger` (optional `+`, ASCII digits, leading zeros allowed) within `1...upper`; digits are
        /// read one by one, so any length is a clear error rather than an overflow.
        func positiveInteger(_ text: String, name: String, upTo upper: Int) throws(TAXIIRequestError) -> Int {
            var digits = Substring(XMLWhitespace.trimmed(text))
            if digits.first == "+" { digits = digits.dropFirst() }
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw invalid("\(name) must be a positive integer, not '\(bounded(text))'")
            }
            var value = 0
            for byte in digits.utf8 {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                guard value <= upper else { throw invalid("\(name) '\(bounded(text))' is out of range (1 to \(upper))") }
            }
            guard value >= 1 else { throw invalid("\(name) must be a positive integer, not '\(bounded(text))'") }
            return value
        }

        /// `xs:boolean`.
        func boolean(_ text: String, name: String) throws(TAXIIRequestError) -> Bool {
            switch XMLWhitespace.trimmed(text) {
            case "true", "1": return true
            case "false", "0": return false
            default: throw invalid("\(name) must be true or false, not '\(bounded(text))'")
            }
        }
    }
}
