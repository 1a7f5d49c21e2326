/// A failed SMTP delivery: where it failed and why. Its text names the stage and quotes the
/// server's reply; it never holds credentials (AUTH replies are scrubbed before they get here).
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        /// The server answered with an unexpected code: 4xx is transient, anything else permanent.
        case reply(code: Int, text: String)
        /// No TCP connection (refused, unreachable, name not found).
        case connectionFailed(String)
        /// No answer within the timeout (connect, a reply, or a write the server did not read).
        case timedOut(seconds: Double)
        /// The server closed the connection mid-conversation.
        case connectionClosed
        /// The TLS handshake or the TLS set-up failed (untrusted certificate, wrong name, no CA file).
        case tlsFailed(String)
        /// TLS is required and the server's EHLO did not offer STARTTLS.
        case startTLSNotOffered
        /// The server sent more bytes after its STARTTLS 220 than the reply itself: they would be
        /// read as if they came over TLS (a response-injection attack), so the session is dropped.
        case dataAfterStartTLS
        /// Credentials are configured and the server offers neither AUTH PLAIN nor AUTH LOGIN.
        case authenticationNotOffered
        /// Credentials are configured, the session is not encrypted, and sending them in clear was not allowed.
        case authenticationRequiresTLS
        /// The server's bytes are not SMTP replies.
        case malformedReply(String)
        /// An address the server would misread (not plain ASCII `local@domain`, or with `<>`, spaces, controls).
        case invalidAddress(String)
        /// An envelope with nobody to deliver to.
        case noRecipients
    }

    public let stage: SMTPStage
    public let problem: Problem

    public init(stage: SMTPStage, problem: Problem) {
        self.stage = stage
        self.problem = problem
    }

    /// Whether trying again later may succeed without anyone changing anything: 4xx replies,
    /// refused or dropped connections and timeouts. 5xx replies, TLS and configuration problems are permanent.
    public var isTransient: Bool {
        switch problem {
        case .reply(let code, _): (400..<500).contains(code)
        case .connectionFailed, .timedOut, .connectionClosed: true
        case .tlsFailed, .startTLSNotOffered, .dataAfterStartTLS, .authenticationNotOffered,
            .authenticationRequiresTLS, .malformedReply, .invalidAddress, .noRecipients:
            false
        }
    }

    /// A bounded label for metrics and log fields.
    public var kind: String {
        switch problem {
        case .reply(let code, _): code >= 500 ? "reply_5xx" : code >= 400 ? "reply_4xx" : "reply_unexpected"
        case .connectionFailed: "connection_failed"
        case .timedOut: "timeout"
        case .connectionClosed: "connection_closed"
        case .tlsFailed: "tls_failed"
        case .startTLSNotOffered: "starttls_not_offered"
        case .dataAfterStartTLS: "data_after_starttls"
        case .authenticationNotOffered: "auth_not_offered"
        case .authenticationRequiresTLS: "auth_requires_tls"
        case .malformedReply: "malformed_reply"
        case .invalidAddress: "invalid_address"
        case .noRecipients: "no_recipients"
        }
    }

    public var description: String {
        let what: String
        switch problem {
        case .reply(let code, let text): what = "server answered \(code)\(text.isEmpty ? "" : " \(text)")"
        case .connectionFailed(let detail): what = "cannot connect: \(detail)"
        case .timedOut(let seconds): what = "no answer within \(Self.format(seconds)) s"
        case .connectionClosed: what = "the server closed the connection"
        case .tlsFailed(let detail): what = "TLS failed: \(detail)"
        case .startTLSNotOffered: what = "TLS is required but the server does not offer STARTTLS"
        case .dataAfterStartTLS: what = "the server sent data after its STARTTLS reply, before the handshake; dropped"
        case .authenticationNotOffered: what = "credentials are configured but the server offers neither AUTH PLAIN nor AUTH LOGIN"
        case .authenticationRequiresTLS:
            what = "credentials are configured but the session is not encrypted; refusing to send them in clear"
        case .malformedReply(let detail): what = "the server's reply is not SMTP: \(detail)"
        case .invalidAddress(let address): what = "'\(address)' is not a plain ASCII mail address"
        case .noRecipients: what = "the message has no recipients"
        }
        return "SMTP \(stage): \(what) (\(isTransient ? "transient" : "permanent"))"
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
