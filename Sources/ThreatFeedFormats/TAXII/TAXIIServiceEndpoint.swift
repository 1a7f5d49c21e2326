/// Where a collection's polling service is: a `Polling_Service` of Collection_Information.
public struct TAXIIServiceEndpoint: Sendable, Hashable {
    public var protocolBinding: String
    /// Absolute URL of the poll service.
    public var address: String
    public var messageBindings: [String]

    public init(protocolBinding: String, address: String, messageBindings: [String] = [TAXII11.messageBinding]) {
        self.protocolBinding = protocolBinding
        self.address = address
        self.messageBindings = messageBindings
    }
}
