/// How the SMTP session is encrypted: TLS from the first byte, or upgraded with STARTTLS before anything else is sent.
public enum SMTPTLSMode: String, Sendable, Equatable, CaseIterable {
    /// TLS from the first byte (submissions over TLS, port 465; RFC 8314 prefers it to STARTTLS): nothing, not even
    /// the greeting, crosses the network in clear.
    case implicit
    /// STARTTLS or nothing: a server that does not offer it is an error, so a stripped
    /// capability list (a downgrade by someone on the path) cannot turn TLS off.
    case required
    /// STARTTLS when the server offers it, plain text otherwise. A failed handshake is still an error.
    case opportunistic
    /// Plain text throughout (a relay on localhost or a trusted network).
    case off
}
