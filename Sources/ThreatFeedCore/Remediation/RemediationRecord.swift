import Foundation

/// One row of the remediation table, as `threatfeed actions list` shows it.
public struct RemediationRecord: Sendable, Equatable, Codable {
    public var messageID: String
    public var internetMessageID: String?
    public var subject: String?
    public var action: RemediationAction
    public var state: RemediationState
    public var attempts: Int
    public var nextAttempt: Date?
    public var created: Date
    public var updated: Date
    /// The JSON body sent (or, in dry-run, that would have been sent). Never holds a secret.
    public var request: String?
    public var answerStatus: Int?
    public var answerBody: String?

    public init(
        messageID: String, internetMessageID: String?, subject: String?, action: RemediationAction, state: RemediationState,
        attempts: Int, nextAttempt: Date?, created: Date, updated: Date, request: String?, answerStatus: Int?, answerBody: String?
    ) {
        self.messageID = messageID
        self.internetMessageID = internetMessageID
        self.subject = subject
        self.action = action
        self.state = state
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.created = created
        self.updated = updated
        self.request = request
        self.answerStatus = answerStatus
        self.answerBody = answerBody
    }
}
