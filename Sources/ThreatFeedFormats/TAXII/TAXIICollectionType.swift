/// `collection_type`.
public enum TAXIICollectionType: String, Sendable, Hashable, CaseIterable {
    /// Ordered by Timestamp_Label and polled by window: what every feed is.
    case dataFeed = "DATA_FEED"
    case dataSet = "DATA_SET"
}
