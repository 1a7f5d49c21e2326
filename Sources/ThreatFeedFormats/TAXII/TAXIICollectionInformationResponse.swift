import ThreatFeedXML

/// `Collection_Information_Response`: the collections a client may poll.
public struct TAXIICollectionInformationResponse: Sendable, Hashable {
    public var messageID: String
    public var inResponseTo: String
    public var collections: [TAXIICollection]

    public init(messageID: String = TAXIIMessageID.random(), inResponseTo: String, collections: [TAXIICollection]) {
        self.messageID = messageID
        self.inResponseTo = inResponseTo
        self.collections = collections
    }

    public func xml(indentWidth: Int = 2) -> [UInt8] {
        var writer = XMLWriter(indentWidth: indentWidth, reservingCapacity: 1024)
        let root = "Collection_Information_Response"
        TAXIIMessageStart.write(root, messageID: messageID, inResponseTo: inResponseTo, into: &writer)
        guard !collections.isEmpty else {
            writer.endEmptyElement()
            return writer.bytes
        }
        writer.endStartTag()
        for collection in collections {
            let name = TAXIIMessageStart.qualified("Collection")
            writer.newline(depth: 1)
            writer.startElement(name)
            writer.attribute("collection_name", collection.name)
            writer.attribute("collection_type", collection.type.rawValue)
            if let available = collection.available { writer.attribute("available", available ? "true" : "false") }
            writer.endStartTag()
            // Schema order: Description, Collection_Volume?, Content_Binding*, Push_Method*, Polling_Service*, …
            writer.newline(depth: 2)
            writer.element(TAXIIMessageStart.qualified("Description"), text: collection.description)
            if let volume = collection.volume {
                writer.newline(depth: 2)
                writer.element(TAXIIMessageStart.qualified("Collection_Volume"), text: String(volume))
            }
            for binding in collection.contentBindings {
                writer.newline(depth: 2)
                writer.emptyElement(TAXIIMessageStart.qualified("Content_Binding"), attributes: ["binding_id": binding])
            }
            for service in collection.pollingServices {
                let serviceName = TAXIIMessageStart.qualified("Polling_Service")
                writer.newline(depth: 2)
                writer.startElement(serviceName)
                writer.endStartTag()
                writer.newline(depth: 3)
                writer.element(TAXIIMessageStart.qualified("Protocol_Binding"), text: service.protocolBinding)
                writer.newline(depth: 3)
                writer.element(TAXIIMessageStart.qualified("Address"), text: service.address)
                for binding in service.messageBindings {
                    writer.newline(depth: 3)
                    writer.element(TAXIIMessageStart.qualified("Message_Binding"), text: binding)
                }
                writer.newline(depth: 2)
                writer.endElement(serviceName)
            }
            writer.newline(depth: 1)
            writer.endElement(name)
        }
        writer.newline(depth: 0)
        writer.endElement(TAXIIMessageStart.qualified(root))
        return writer.bytes
    }
}
