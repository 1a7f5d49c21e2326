/// What one SMTP transaction carries: the envelope sender, the recipients and the message
/// (headers and body, as composed; line breaks and dot-stuffing are the client's job).
public struct SMTPEnvelope: Sendable, Equatable {
    public var from: String
    public var recipients: [String]
    public var message: [UInt8]

    public init(from: String, recipients: [String], message: [UInt8]) {
        self.from = from
        self.recipients = recipients
        self.message = message
    }

    public init(from: String, recipients: [String], message: String) {
        self.init(from: from, recipients: recipients, message: Array(message.utf8))
    }
}

/// What the server said when it accepted the message.
public struct SMTPDelivery: Sendable, Equatable {
    /// The reply to the end of DATA (often names the server's queue id).
    public let reply: SMTPReply
    /// Whether the session ran over TLS (STARTTLS).
    public let encrypted: Bool
    /// Whether the client authenticated.
    public let authenticated: Bool
}
