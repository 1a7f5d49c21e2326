/// Something that delivers one message: `SMTPClient`, or a stand-in in tests of what sits above it.
public protocol MailTransport: Sendable {
    func send(_ envelope: SMTPEnvelope) async throws(SMTPError) -> SMTPDelivery
}
