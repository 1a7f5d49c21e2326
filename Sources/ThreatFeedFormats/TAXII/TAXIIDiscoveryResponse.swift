import ThreatFeedXML

/// `Discovery_Response`: the services this server offers.
public struct TAXIIDiscoveryResponse: Sendable, Hashable {
    public var messageID: String
    public var inResponseTo: String
    public var services: [TAXIIServiceInstance]

    public init(messageID: String = TAXIIMessageID.random(), inResponseTo: String, services: [TAXIIServiceInstance]) {
        self.messageID = messageID
        self.inResponseTo = inResponseTo
        self.services = services
    }

    public func xml(indentWidth: Int = 2) -> [UInt8] {
        var writer = XMLWriter(indentWidth: indentWidth, reservingCapacity: 1024)
        TAXIIMessageStart.write("Discovery_Response", messageID: messageID, inResponseTo: inResponseTo, into: &writer)
        guard !services.isEmpty else {
            writer.endEmptyElement()
            return writer.bytes
        }
        writer.endStartTag()
        for service in services {
            let name = TAXIIMessageStart.qualified("Service_Instance")
            writer.newline(depth: 1)
            writer.startElement(name)
            writer.attribute("service_type", service.serviceType.rawValue)
            writer.attribute("service_version", TAXII11.servicesVersion)
            if let available = service.available { writer.attribute("available", available ? "true" : "false") }
            writer.endStartTag()
            // Schema order: Protocol_Binding, Address, Message_Binding+, Supported_Query*, Content_Binding*, Message?.
            writer.newline(depth: 2)
            writer.element(TAXIIMessageStart.qualified("Protocol_Binding"), text: service.protocolBinding)
            writer.newline(depth: 2)
            writer.element(TAXIIMessageStart.qualified("Address"), text: service.address)
            for binding in service.messageBindings {
                writer.newline(depth: 2)
                writer.element(TAXIIMessageStart.qualified("Message_Binding"), text: binding)
            }
            for binding in service.contentBindings {
                writer.newline(depth: 2)
                writer.emptyElement(TAXIIMessageStart.qualified("Content_Binding"), attributes: ["binding_id": binding])
            }
            if let message = service.message {
                writer.newline(depth: 2)
                writer.element(TAXIIMessageStart.qualified("Message"), text: message)
            }
            writer.newline(depth: 1)
            writer.endElement(name)
        }
        writer.newline(depth: 0)
        writer.endElement(TAXIIMessageStart.qualified("Discovery_Response"))
        return writer.bytes
    }
}
