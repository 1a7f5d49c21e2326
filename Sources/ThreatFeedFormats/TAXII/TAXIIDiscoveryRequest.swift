/// `Discovery_Request`: asks which services this server offers. It carries nothing else.
public struct TAXIIDiscoveryRequest: Sendable, Hashable {
    public var messageID: String

    public init(messageID: String) { self.messageID = messageID }
}
