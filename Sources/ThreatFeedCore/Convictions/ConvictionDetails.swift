import Foundation

/// What a conviction's message was, kept next to the conviction so that actions taken later
/// (SMA remediation, notifications) need not ask ETD again: ETD has no single-message endpoint.
public struct ConvictionDetails: Sendable, Equatable, Codable {
    /// `<…@…>`, the join key to SMA and the gateways; nil when ETD did not send it.
    public var internetMessageID: String?
    public var subject: String?
    public var fromAddress: String?
    /// The envelope sender; with `fromAddress` it tells whether the sender IP is a provider's relay.
    public var returnPath: String?
    /// The protected mailboxes that hold the message (ETD `mailboxes`).
    public var mailboxes: [String]
    public var techniques: [String]
    /// What the conviction published (after the safety policy), as `(type, value)`.
    public var observables: [Observable]

    public init(
        internetMessageID: String? = nil, subject: String? = nil, fromAddress: String? = nil, mailboxes: [String] = [],
        techniques: [String] = [], observables: [Observable] = [], returnPath: String? = nil
    ) {
        self.internetMessageID = internetMessageID
        self.subject = subject
        self.fromAddress = fromAddress
        self.mailboxes = mailboxes
        self.techniques = techniques
        self.observables = observables
        self.returnPath = returnPath
    }

    /// The sender context the safety policy judged the message's sender IP in.
    public var senderContext: SenderContext { SenderContext(fromAddress: fromAddress, returnPath: returnPath) }
}

/// A stored conviction with its details, as actions read them back.
public struct ConvictionRecord: Sendable, Equatable {
    public var key: ConvictionKey
    public var messageTime: Date
    public var processed: Date
    public var details: ConvictionDetails

    public init(key: ConvictionKey, messageTime: Date, processed: Date, details: ConvictionDetails) {
        self.key = key
        self.messageTime = messageTime
        self.processed = processed
        self.details = details
    }
}
