import ThreatFeedXML

/// Why a body is not a TAXII 1.1 request we can act on. `messageID` is set whenever the
/// root's `message_id` could be read, for the Status_Message's `in_response_to`.
public enum TAXIIRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not well-formed XML, or XML we refuse to parse (DOCTYPE, too big, too deep).
    case unreadable(XMLParseError)
    /// Well-formed XML, but its root is not a TAXII 1.1 message (TAXII 1.0, or anything else).
    case notTAXII11(rootName: String, namespaceURI: String?, messageID: String?)
    /// A TAXII 1.1 root we do not serve: a response, Inbox_Message, a subscription request, or
    /// a name the binding does not define.
    case unknownMessageType(name: String, messageID: String?)
    /// A request type we serve, but the message breaks the TAXII 1.1 schema.
    case invalidMessage(messageType: String, messageID: String?, reason: String)

    public var messageID: String? {
        switch self {
        case .unreadable: nil
        case .notTAXII11(_, _, let id), .unknownMessageType(_, let id), .invalidMessage(_, let id, _): id
        }
    }

    /// A bounded word for logs and metric labels.
    public var kind: String {
        switch self {
        case .unreadable(let error): error.isRefusal ? "refused" : "not_xml"
        case .notTAXII11: "not_taxii11"
        case .unknownMessageType: "unknown_message_type"
        case .invalidMessage: "invalid_message"
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let error):
            error.isRefusal ? "request refused: \(error)" : "request is not well-formed XML: \(error)"
        case .notTAXII11(let name, let namespace, _):
            "root element {\(namespace ?? "")}\(name) is not a TAXII 1.1 message"
        case .unknownMessageType(let name, _):
            "message type \(name) is not supported by this service"
        case .invalidMessage(let type, _, let reason):
            "invalid \(type): \(reason)"
        }
    }
}
