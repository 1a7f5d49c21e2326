/// How to reach and talk to one SMTP server.
public struct SMTPClientConfiguration: Sendable, Equatable {
    public var host: String
    /// 587 (submission with STARTTLS) unless told otherwise.
    public var port: Int
    public var tlsMode: SMTPTLSMode
    /// PEM file of the CA(s) that sign the server's certificate; nil trusts the system roots.
    public var caFile: String?
    /// Nil: no AUTH.
    public var credentials: SMTPCredentials?
    /// Lets AUTH go over a plain connection. Off by default: the password would cross the network in clear.
    public var allowAuthenticationWithoutTLS: Bool
    /// For the TCP connect and, separately, for each reply and each write.
    public var timeoutSeconds: Double
    /// The name this client gives in EHLO.
    public var heloName: String

    public init(
        host: String, port: Int = 587, tlsMode: SMTPTLSMode = .required, caFile: String? = nil,
        credentials: SMTPCredentials? = nil, allowAuthenticationWithoutTLS: Bool = false,
        timeoutSeconds: Double = 30, heloName: String = "threatfeed.localdomain"
    ) {
        self.host = host
        self.port = port
        self.tlsMode = tlsMode
        self.caFile = caFile
        self.credentials = credentials
        self.allowAuthenticationWithoutTLS = allowAuthenticationWithoutTLS
        self.timeoutSeconds = timeoutSeconds
        self.heloName = heloName
    }
}
