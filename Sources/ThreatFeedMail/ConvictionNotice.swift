import Foundation

/// One ETD conviction as an administrator reads about it. Plain values, filled by whoever
/// reads stored convictions; every text field is untrusted (the subject and sender come from
/// the phishing mail itself) and is escaped or neutralised when rendered.
public struct ConvictionNotice: Sendable, Equatable {
    /// One observable the conviction published to the feeds.
    public struct Observable: Sendable, Equatable {
        /// `url`, `domain`, `ip`, `ipv6`, `sha256`, …
        public var type: String
        public var value: String

        public init(type: String, value: String) {
            self.type = type
            self.value = value
        }
    }

    /// ETD's message id (the one its API and console use).
    public var messageID: String
    /// When ETD saw the message.
    public var time: Date
    public var subject: String
    /// The From address.
    public var sender: String
    /// The mailboxes that received it (ETD's `mailboxes`).
    public var recipients: [String]
    /// ETD's verdict category: `bec`, `scam`, `phishing`, `malicious`, …
    public var verdict: String
    /// ETD's technique types (`impersonation`, `credential_harvesting`, …).
    public var techniques: [String]
    public var observables: [Observable]

    public init(
        messageID: String, time: Date, subject: String, sender: String, recipients: [String], verdict: String,
        techniques: [String] = [], observables: [Observable] = []
    ) {
        self.messageID = messageID
        self.time = time
        self.subject = subject
        self.sender = sender
        self.recipients = recipients
        self.verdict = verdict
        self.techniques = techniques
        self.observables = observables
    }
}
