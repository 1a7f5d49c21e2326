import ThreatFeedCore

/// `Poll_Request`: the content of one collection within a label window.
///
/// Window semantics (for the caller): blocks with `exclusiveBegin < label <= inclusiveEnd`,
/// a missing bound being open (reference/taxii11-esa.md §2.4).
public struct TAXIIPollRequest: Sendable, Hashable {
    public var messageID: String
    public var collectionName: String
    public var exclusiveBegin: TimestampLabel?
    public var inclusiveEnd: TimestampLabel?
    /// Set when the client polls through a subscription (we offer none).
    public var subscriptionID: String?
    /// Nil when the request had no `Poll_Parameters`: with a subscription, or from a lenient
    /// client that sent neither; the caller then treats it as `TAXIIPollParameters()`.
    public var parameters: TAXIIPollParameters?

    public init(
        messageID: String,
        collectionName: String,
        exclusiveBegin: TimestampLabel? = nil,
        inclusiveEnd: TimestampLabel? = nil,
        subscriptionID: String? = nil,
        parameters: TAXIIPollParameters? = TAXIIPollParameters()
    ) {
        self.messageID = messageID
        self.collectionName = collectionName
        self.exclusiveBegin = exclusiveBegin
        self.inclusiveEnd = inclusiveEnd
        self.subscriptionID = subscriptionID
        self.parameters = parameters
    }
}
