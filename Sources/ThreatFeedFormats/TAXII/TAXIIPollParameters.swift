/// `Poll_Parameters` of a `Poll_Request`.
public struct TAXIIPollParameters: Sendable, Hashable {
    /// `allow_asynch`: the client would accept a `PENDING` answer. We always answer at once.
    public var allowAsynchronous: Bool
    public var responseType: TAXIIResponseType
    /// Requested content bindings; empty means "whatever the collection has".
    public var contentBindings: [TAXIIContentBinding]
    /// Present when the client sent a `Query`; nobody in our path does.
    public var query: TAXIIQuery?
    /// The client asked for push delivery (`Delivery_Parameters`), which we do not do.
    public var requestsDelivery: Bool

    public init(
        allowAsynchronous: Bool = false,
        responseType: TAXIIResponseType = .full,
        contentBindings: [TAXIIContentBinding] = [],
        query: TAXIIQuery? = nil,
        requestsDelivery: Bool = false
    ) {
        self.allowAsynchronous = allowAsynchronous
        self.responseType = responseType
        self.contentBindings = contentBindings
        self.query = query
        self.requestsDelivery = requestsDelivery
    }
}
