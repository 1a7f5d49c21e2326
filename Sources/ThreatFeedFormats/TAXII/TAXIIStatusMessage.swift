import ThreatFeedXML

/// `Status_Message`: how a TAXII service answers anything but success. Send it with HTTP 200
/// (reference/taxii11-esa.md §2.2).
public struct TAXIIStatusMessage: Sendable, Hashable {
    public var messageID: String
    /// The request's `message_id`, or `TAXIIMessageID.unknownRequest` when it was unreadable.
    public var inResponseTo: String
    public var statusType: TAXIIStatusType
    public var details: [TAXIIStatusDetail]
    /// Human-readable text.
    public var message: String?

    public init(
        messageID: String = TAXIIMessageID.random(),
        inResponseTo: String,
        statusType: TAXIIStatusType,
        details: [TAXIIStatusDetail] = [],
        message: String? = nil
    ) {
        self.messageID = messageID
        self.inResponseTo = inResponseTo
        self.statusType = statusType
        self.details = details
        self.message = message
    }

    /// The whole message as XML: attributes, then `Status_Detail`, then `Message`, as the schema orders them.
    public func xml(indentWidth: Int = 2) -> [UInt8] {
        var writer = XMLWriter(indentWidth: indentWidth, reservingCapacity: 512)
        TAXIIMessageStart.write(
            "Status_Message", messageID: messageID, inResponseTo: inResponseTo,
            attributes: [("status_type", statusType.rawValue)], into: &writer
        )
        guard !details.isEmpty || message != nil else {
            writer.endEmptyElement()
            return writer.bytes
        }
        writer.endStartTag()
        if !details.isEmpty {
            writer.newline(depth: 1)
            writer.startElement(TAXIIMessageStart.qualified("Status_Detail"))
            writer.endStartTag()
            for detail in details {
                writer.newline(depth: 2)
                writer.element(TAXIIMessageStart.qualified("Detail"), attributes: ["name": detail.name], text: detail.value)
            }
            writer.newline(depth: 1)
            writer.endElement(TAXIIMessageStart.qualified("Status_Detail"))
        }
        if let message {
            writer.newline(depth: 1)
            writer.element(TAXIIMessageStart.qualified("Message"), text: message)
        }
        writer.newline(depth: 0)
        writer.endElement(TAXIIMessageStart.qualified("Status_Message"))
        return writer.bytes
    }
}

extension TAXIIStatusMessage {
    /// `UNAUTHORIZED`. OpenTAXII answers before reading the body, hence `in_response_to="0"` by default.
    public static func unauthorized(inResponseTo: String = TAXIIMessageID.unknownRequest, message: String? = nil) -> Self {
        Self(inResponseTo: inResponseTo, statusType: .unauthorized, message: message)
    }

    /// `NOT_FOUND` with an `ITEM` detail naming what was not found.
    public static func notFound(item: String, inResponseTo: String, message: String? = "Requested collection was not found") -> Self {
        Self(inResponseTo: inResponseTo, statusType: .notFound, details: [.item(item)], message: message)
    }

    /// `UNSUPPORTED_CONTENT` listing the bindings the collection does have.
    public static func unsupportedContent(supported bindingIDs: [String], inResponseTo: String, message: String? = nil) -> Self {
        Self(
            inResponseTo: inResponseTo, statusType: .unsupportedContent, details: bindingIDs.map(TAXIIStatusDetail.supportedContent),
            message: message)
    }

    /// `UNSUPPORTED_QUERY`; we support no query format, so by default no detail.
    public static func unsupportedQuery(
        supportedFormats: [String] = [], inResponseTo: String, message: String? = "Queries are not supported"
    ) -> Self {
        Self(
            inResponseTo: inResponseTo, statusType: .unsupportedQuery, details: supportedFormats.map(TAXIIStatusDetail.supportedQuery),
            message: message)
    }

    public static func badMessage(_ message: String, inResponseTo: String) -> Self {
        Self(inResponseTo: inResponseTo, statusType: .badMessage, message: message)
    }

    public static func denied(_ message: String?, inResponseTo: String) -> Self {
        Self(inResponseTo: inResponseTo, statusType: .denied, message: message)
    }

    /// `FAILURE`: the generic error (begin after end, an internal error with a generic text).
    public static func failure(_ message: String?, inResponseTo: String) -> Self {
        Self(inResponseTo: inResponseTo, statusType: .failure, message: message)
    }

    /// The answer to a body `TAXIIRequest.parse` rejected: BAD_MESSAGE for unreadable or
    /// schema-invalid messages, UNSUPPORTED_MESSAGE (naming the 1.1 XML binding) for
    /// another TAXII version or document, FAILURE for a message type we do not serve (as
    /// OpenTAXII does). `in_response_to` is the request's id when it could be read.
    public static func rejecting(_ error: TAXIIRequestError) -> Self {
        let inResponseTo = error.messageID ?? TAXIIMessageID.unknownRequest
        switch error {
        case .unreadable, .invalidMessage:
            return .badMessage(error.description, inResponseTo: inResponseTo)
        case .notTAXII11:
            return Self(
                inResponseTo: inResponseTo, statusType: .unsupportedMessage,
                details: [.supportedBinding(TAXII11.messageBinding)], message: error.description
            )
        case .unknownMessageType:
            return .failure(error.description, inResponseTo: inResponseTo)
        }
    }
}
