/// One `Service_Instance` of a Discovery_Response.
///
/// Advertise each service once, with the binding really served and an absolute address that
/// reaches the server from outside: cabby aborts on two POLL instances (reference §2.6).
public struct TAXIIServiceInstance: Sendable, Hashable {
    public var serviceType: TAXIIServiceType
    public var available: Bool?
    /// `TAXII11.protocolHTTP` or `TAXII11.protocolHTTPS`.
    public var protocolBinding: String
    /// Absolute URL, e.g. `https://feeds.example.com/taxii/poll`.
    public var address: String
    public var messageBindings: [String]
    /// Content bindings the service handles (for a POLL service: what it can return).
    public var contentBindings: [String]
    public var message: String?

    public init(
        serviceType: TAXIIServiceType,
        available: Bool? = true,
        protocolBinding: String,
        address: String,
        messageBindings: [String] = [TAXII11.messageBinding],
        contentBindings: [String] = [],
        message: String? = nil
    ) {
        self.serviceType = serviceType
        self.available = available
        self.protocolBinding = protocolBinding
        self.address = address
        self.messageBindings = messageBindings
        self.contentBindings = contentBindings
        self.message = message
    }
}
