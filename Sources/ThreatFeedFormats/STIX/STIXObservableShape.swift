import ThreatFeedCore

/// How one observable type is written as a CybOX object, and how its indicator is typed
/// (IndicatorTypeVocab-1.1) and titled.
struct STIXObservableShape {
    /// The object namespace (prefix, URI) declared on the package.
    let objectNamespace: (String, String)
    /// `cybox:Object` id kind, as python-stix names them: `URI-…`, `File-…`.
    let objectIDKind: String
    /// `xsi:type` of `cybox:Properties`.
    let propertiesType: String
    /// Extra attributes of `cybox:Properties` (`type="URL"`, `category="ipv4-addr"`).
    let propertiesAttributes: [(String, String)]
    /// What the title calls the observable: "Malicious URL".
    let noun: String
    let indicatorType: String
    /// For file hashes: the HashNameVocab-1.0 name; nil for the others.
    let hashName: String?

    /// The shape of each type, built once: a poll renders one per block.
    static func of(_ type: ObservableType) -> STIXObservableShape { all[type]! }

    private static let all = Dictionary(uniqueKeysWithValues: ObservableType.allCases.map { ($0, STIXObservableShape($0)) })

    init(_ type: ObservableType) {
        switch type {
        case .url:
            self.init(STIXNamespace.uriObject, "URI", "URIObj:URIObjectType", [("type", "URL")], "URL", "URL Watchlist")
        case .domain:
            self.init(
                STIXNamespace.domainNameObject, "DomainName", "DomainNameObj:DomainNameObjectType", [("type", "FQDN")], "domain",
                "Domain Watchlist"
            )
        case .ip:
            self.init(
                STIXNamespace.addressObject, "Address", "AddressObj:AddressObjectType", [("category", "ipv4-addr")], "IPv4 address",
                "IP Watchlist"
            )
        case .ipv6:
            self.init(
                STIXNamespace.addressObject, "Address", "AddressObj:AddressObjectType", [("category", "ipv6-addr")], "IPv6 address",
                "IP Watchlist"
            )
        case .sha256: self.init(fileHash: "SHA256", noun: "file (SHA-256)")
        case .md5: self.init(fileHash: "MD5", noun: "file (MD5)")
        case .sha1: self.init(fileHash: "SHA1", noun: "file (SHA-1)")
        }
    }

    private init(fileHash name: String, noun: String) {
        self.init(STIXNamespace.fileObject, "File", "FileObj:FileObjectType", [], noun, "File Hash Watchlist", hashName: name)
    }

    private init(
        _ objectNamespace: (String, String),
        _ objectIDKind: String,
        _ propertiesType: String,
        _ propertiesAttributes: [(String, String)],
        _ noun: String,
        _ indicatorType: String,
        hashName: String? = nil
    ) {
        self.objectNamespace = objectNamespace
        self.objectIDKind = objectIDKind
        self.propertiesType = propertiesType
        self.propertiesAttributes = propertiesAttributes
        self.noun = noun
        self.indicatorType = indicatorType
        self.hashName = hashName
    }
}
