/// What the HTTP server needs to know that is not in the database.
public struct ServerConfiguration: Sendable {
    /// Address to bind. Loopback by default: exposing plain HTTP is a decision, not an accident.
    public var host: String
    /// Port to bind; 0 picks a free one (tests).
    public var port: Int
    /// The address gateways use to reach us, e.g. `https://feeds.example.com:8443`. It prefixes the
    /// long judgement ids in judgements feeds; without it we use `http://host:port`.
    public var publicURL: String?

    public init(host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
    }

    /// `scheme://host[:port]` without a trailing slash.
    public var publicBase: String {
        if let publicURL {
            return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(shownHost):\(port)"
    }
}
