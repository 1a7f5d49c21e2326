/// One `Collection` of a Collection_Information_Response.
public struct TAXIICollection: Sendable, Hashable {
    public var name: String
    public var type: TAXIICollectionType
    public var available: Bool?
    /// Required by the schema; say what the feed holds.
    public var description: String
    /// `Collection_Volume`: number of blocks, when cheap to know.
    public var volume: Int?
    /// Content bindings served; empty means "any".
    public var contentBindings: [String]
    public var pollingServices: [TAXIIServiceEndpoint]

    public init(
        name: String,
        type: TAXIICollectionType = .dataFeed,
        available: Bool? = true,
        description: String,
        volume: Int? = nil,
        contentBindings: [String],
        pollingServices: [TAXIIServiceEndpoint]
    ) {
        self.name = name
        self.type = type
        self.available = available
        self.description = description
        self.volume = volume
        self.contentBindings = contentBindings
        self.pollingServices = pollingServices
    }
}
