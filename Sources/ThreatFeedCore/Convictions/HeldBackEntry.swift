import Foundation

/// One value the safety policy kept out of the feed, with the conviction it came from
/// (`threatfeed etd held-back`). `endedLive` marks a value that was published first and whose
/// judgement a later policy (an allowlist entry added afterwards) ended.
public struct HeldBackEntry: Sendable, Equatable, Codable {
    public var reason: HoldBackReason
    public var kind: String
    /// nil for a value that is no valid observable.
    public var type: ObservableType?
    public var value: String
    public var decided: Date
    public var endedLive: Bool
    public var messageID: String
    public var verdict: String
    public var messageTime: Date
    public var subject: String?
    public var fromAddress: String?
    public var returnPath: String?

    public init(
        reason: HoldBackReason, kind: String, type: ObservableType?, value: String, decided: Date, endedLive: Bool, messageID: String,
        verdict: String, messageTime: Date, subject: String?, fromAddress: String?, returnPath: String?
    ) {
        self.reason = reason
        self.kind = kind
        self.type = type
        self.value = value
        self.decided = decided
        self.endedLive = endedLive
        self.messageID = messageID
        self.verdict = verdict
        self.messageTime = messageTime
        self.subject = subject
        self.fromAddress = fromAddress
        self.returnPath = returnPath
    }
}
