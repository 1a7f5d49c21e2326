/// Whether the SMTP session is upgraded with STARTTLS before anything else is sent.
public enum SMTPTLSMode: String, Sendable, Equatable, CaseIterable {
    /// STARTTLS or nothing: a server that does not offer it is an error, so a stripped
    /// capability list (a downgrade by someone on the path) cannot turn TLS off.
    case required
    /// STARTTLS when the server offers it, plain text otherwise. A failed handshake is still an error.
    case opportunistic
    /// Plain text throughout (a relay on localhost or a trusted network).
    case off
}
