/// A notification ready to send: the whole RFC 5322 message (ASCII, CRLF line breaks) and
/// what went into it.
public struct ComposedNotification: Sendable, Equatable {
    /// With angle brackets, as in the Message-ID header.
    public let messageID: String
    /// The subject before header encoding.
    public let subject: String
    public let from: String
    public let to: [String]
    /// ETD message ids of the convictions listed, in the order listed.
    public let listedMessageIDs: [String]
    public let message: String

    public var envelope: SMTPEnvelope { SMTPEnvelope(from: from, recipients: to, message: message) }
}
