/// Where in the SMTP conversation something went wrong; named in every `SMTPError`.
public enum SMTPStage: Sendable, Equatable, CustomStringConvertible {
    case connect
    case greeting
    case ehlo
    case startTLS
    case tlsHandshake
    case authentication
    case mailFrom
    case rcptTo(String)
    case data
    /// The message body and the final "." that ends it.
    case messageBody
    case quit

    public var description: String {
        switch self {
        case .connect: "connect"
        case .greeting: "greeting"
        case .ehlo: "EHLO"
        case .startTLS: "STARTTLS"
        case .tlsHandshake: "TLS handshake"
        case .authentication: "AUTH"
        case .mailFrom: "MAIL FROM"
        case .rcptTo(let recipient): "RCPT TO <\(recipient)>"
        case .data: "DATA"
        case .messageBody: "end of DATA"
        case .quit: "QUIT"
        }
    }
}
