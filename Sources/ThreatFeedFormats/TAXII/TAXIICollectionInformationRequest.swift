/// `Collection_Information_Request`: asks which collections the service offers.
public struct TAXIICollectionInformationRequest: Sendable, Hashable {
    public var messageID: String

    public init(messageID: String) { self.messageID = messageID }
}
