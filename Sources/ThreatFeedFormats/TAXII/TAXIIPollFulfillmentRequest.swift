/// `Poll_Fulfillment`: asks for one more part of a multi-part poll result.
public struct TAXIIPollFulfillmentRequest: Sendable, Hashable {
    public var messageID: String
    public var collectionName: String
    public var resultID: String
    /// 1-based; defaults to 1 when absent, as the schema says.
    public var resultPartNumber: Int

    public init(messageID: String, collectionName: String, resultID: String, resultPartNumber: Int = 1) {
        self.messageID = messageID
        self.collectionName = collectionName
        self.resultID = resultID
        self.resultPartNumber = resultPartNumber
    }
}
