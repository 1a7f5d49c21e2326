import Foundation

/// A live conviction read back with every value the policy judged, for `etd simulate`.
public struct StoredConviction: Sendable, Equatable {
    public var key: ConvictionKey
    public var messageTime: Date
    public var processed: Date
    public var details: ConvictionDetails
    /// What the policy decided for each value then, or since (a later policy may have ended a published one).
    public var values: [ConvictionValue]

    public init(key: ConvictionKey, messageTime: Date, processed: Date, details: ConvictionDetails, values: [ConvictionValue]) {
        self.key = key
        self.messageTime = messageTime
        self.processed = processed
        self.details = details
        self.values = values
    }
}
