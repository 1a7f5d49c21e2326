/// The Cisco XDR relay module: on when a key is configured (`xdr.key`).
public struct XDRConfiguration: Sendable {
    /// The HS256 key XDR's tokens are signed with (at least 32 bytes).
    public var key: String
    /// Most observables one relay call may carry; more is refused as an invalid argument.
    public var maxObservables: Int

    public init(key: String, maxObservables: Int = 100) {
        self.key = key
        self.maxObservables = maxObservables
    }
}
