import Foundation

/// One remediation that is due: the conviction it acts on, with the message's details.
public struct RemediationItem: Sendable, Equatable {
    public var messageID: String
    public var action: RemediationAction
    public var verdict: String
    public var messageTime: Date
    public var details: ConvictionDetails
    /// Attempts made before this one.
    public var attempts: Int

    public init(messageID: String, action: RemediationAction, verdict: String, messageTime: Date, details: ConvictionDetails, attempts: Int) {
        self.messageID = messageID
        self.action = action
        self.verdict = verdict
        self.messageTime = messageTime
        self.details = details
        self.attempts = attempts
    }
}
