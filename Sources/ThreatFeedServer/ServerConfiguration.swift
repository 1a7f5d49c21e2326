import ThreatFeedFormats
import ThreatFeedCore

/// What the HTTP server needs to know that is not in the database.
public struct ServerConfiguration: Sendable {
    /// Address to bind. Loopback by default: exposing plain HTTP is a decision, not an accident.
    public var host: String
    /// Port to bind; 0 picks a free one (tests).
    public var port: Int
    /// The address gateways use to reach us, e.g. `https://feeds.example.com:8443`. It prefixes the
    /// long judgement ids in judgements feeds and the service addresses TAXII discovery advertises;
    /// without it we use `http://host:port`.
    public var publicURL: String?
    /// Largest request body accepted (only TAXII reads bodies); larger ones get a BAD_MESSAGE status.
    public var taxiiMaxRequestBytes: Int
    /// Largest request head: one header line, and all header lines together. Larger ones get a 400 from the HTTP
    /// parser and the connection is closed.
    public var maxHeaderBytes = 32 * 1024
    /// Connections served at once; further ones wait in the listen backlog until one closes.
    public var maxConnections = 1_000
    /// A connection that sends nothing for this long is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// The longest from a request's head to the start of its answer (reading the body included); then 408.
    /// Streaming a large answer is not limited by it.
    public var requestTimeout: Duration = .seconds(30)
    /// The most objects one TAXII 2.1 page holds; a client's larger `limit` is lowered to it (1 … 10,000).
    public var taxii2MaxPageSize = 1_000
    /// The namespace STIX ids are minted in (`prefix:Indicator-<uuid>`); set your organisation's own.
    public var stixIDNamespace: STIXIDNamespace
    /// The producer identity named in every STIX indicator.
    public var stixProducer: String
    /// HTTPS with this certificate; nil serves plain HTTP (loopback, or behind a TLS proxy).
    public var tls: ReloadableCertificate?
    /// Bearer token that opens `/health/clients`; nil keeps that page closed.
    public var adminToken: String?
    /// Body and observable limits of `POST /lookup` (and the XDR relay calls).
    public var lookup = LookupLimits()
    /// The Cisco XDR relay module under `/xdr/`; nil leaves those routes out.
    public var xdr: XDRConfiguration?
    /// Bearer token for scraping `/metrics` from other hosts; nil serves it to loopback only.
    public var metricsToken: String?
    /// Whether this process polls ETD (credentials configured); `/health/etd` reports it.
    public var etdPollingEnabled = false
    /// Whether this process remediates convictions through the SMA, and whether in dry-run; `/health/etd` reports it.
    public var remediationEnabled = false
    public var remediationDryRun = false
    /// Whether this process e-mails notifications about convictions; `/health/etd` reports it.
    public var notificationsEnabled = false
    /// The gateway list this process keeps in step (`/health/etd` reports its entries even when the sync is off).
    public var blocklistList = BlocklistKind.blocklist
    public var blocklistEnabled = false
    public var blocklistDryRun = false

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        publicURL: String? = nil,
        taxiiMaxRequestBytes: Int = 1 << 20,
        stixIDNamespace: STIXIDNamespace = .default,
        stixProducer: String = "ThreatFeed",
        tls: ReloadableCertificate? = nil
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.taxiiMaxRequestBytes = taxiiMaxRequestBytes
        self.stixIDNamespace = stixIDNamespace
        self.stixProducer = stixProducer
        self.tls = tls
    }

    /// `scheme://host[:port]` without a trailing slash.
    public var publicBase: String {
        if let publicURL {
            return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(tls == nil ? "http" : "https")://\(shownHost):\(port)"
    }

    /// Whether gateways reach us over HTTPS (a TLS proxy in front, or TLS here): the TAXII protocol binding we advertise.
    public var publicURLIsHTTPS: Bool { publicBase.lowercased().hasPrefix("https://") }
}
