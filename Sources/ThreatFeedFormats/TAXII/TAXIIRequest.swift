import ThreatFeedXML

/// A TAXII 1.1 request this server understands, read from an HTTP body.
public enum TAXIIRequest: Sendable, Hashable {
    case discovery(TAXIIDiscoveryRequest)
    case collectionInformation(TAXIICollectionInformationRequest)
    case poll(TAXIIPollRequest)
    case pollFulfillment(TAXIIPollFulfillmentRequest)

    /// Parses `body` (hostile input: see `SafeXML`). Dispatches on the root element, not on
    /// the URL path, so a request POSTed to the "wrong" service still gets its answer.
    public static func parse(_ body: [UInt8], limits: XMLLimits = XMLLimits()) throws(TAXIIRequestError) -> TAXIIRequest {
        let root: XMLTreeElement
        do {
            root = try SafeXML.parse(body, limits: limits)
        } catch {
            throw .unreadable(error)
        }
        return try TAXIIRequestReader.read(root)
    }

    /// `message_id`, for the response's `in_response_to`.
    public var messageID: String {
        switch self {
        case .discovery(let request): request.messageID
        case .collectionInformation(let request): request.messageID
        case .poll(let request): request.messageID
        case .pollFulfillment(let request): request.messageID
        }
    }

    /// The root element name, for logs and metrics.
    public var messageType: String {
        switch self {
        case .discovery: "Discovery_Request"
        case .collectionInformation: "Collection_Information_Request"
        case .poll: "Poll_Request"
        case .pollFulfillment: "Poll_Fulfillment"
        }
    }
}
