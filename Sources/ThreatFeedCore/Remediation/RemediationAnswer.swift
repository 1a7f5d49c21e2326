/// What SMA answered to one remediation request: the status and the first bytes of the body
/// (scrubbed of our secrets), or, when no answer came, the transport problem.
public struct RemediationAnswer: Sendable, Equatable {
    /// Bodies are kept up to this many bytes.
    public static let bodyLimit = 4096

    public var status: Int?
    public var body: String?
    public var problem: String?

    public init(status: Int? = nil, body: String? = nil, problem: String? = nil) {
        self.status = status
        self.body = body.map { String(decoding: Array($0.utf8.prefix(Self.bodyLimit)), as: UTF8.self) }
        self.problem = problem
    }
}
