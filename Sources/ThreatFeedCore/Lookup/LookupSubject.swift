/// One thing an analyst asks about: an observable ThreatFeed stores, or an e-mail address (not stored
/// itself; its domain is what ETD publishes and what the gateway matches).
public struct LookupSubject: Hashable, Sendable {
    /// CTIM type name: `url`, `domain`, `ip`, `ipv6`, `sha256`, `md5`, `sha1` or `email`.
    public let type: String
    /// Normalised exactly as an import would store it (e-mail: local part as given, domain normalised).
    public let value: String
    /// The stored form; nil for an e-mail address.
    public let observable: Observable?
    /// What the analyst typed, when it differs from `value` (defanged, quoted, upper case…).
    public let input: String?

    public init(observable: Observable, input: String? = nil) {
        self.type = observable.type.rawValue
        self.value = observable.value
        self.observable = observable
        self.input = input == observable.value ? nil : input
    }

    init(email: String, input: String?) {
        self.type = LookupSubject.emailType
        self.value = email
        self.observable = nil
        self.input = input == email ? nil : input
    }

    public static let emailType = "email"

    /// The type names a term may carry, for help and error messages.
    public static var typeNamesForHelp: String { (ObservableType.allCases.map(\.rawValue) + [emailType]).joined(separator: ", ") }

    /// Observables whose judgements are reported with this one, and why. URLs on a domain or address are
    /// found by the store (they depend on what is stored); these are the ones the value itself implies.
    public var impliedRelated: [(Observable, LookupRelation)] {
        if let observable, observable.type == .url {
            return Self.host(ofURL: observable.value).map { [($0, .hostOfURL)] } ?? []
        }
        if observable == nil, let at = value.lastIndex(of: "@") {
            return [(Observable(normalisedType: .domain, value: String(value[value.index(after: at)...])), .domainOfEmail)]
        }
        return []
    }

    /// The host of a normalised URL as a domain or address observable (for "URLs on this host" checks).
    public static func host(ofURL url: String) -> Observable? {
        switch URLHost.of(url) {
        case .domain(let host): return Observable(normalisedType: .domain, value: host)
        case .address(let host): return Observable(normalisedType: host.contains(":") ? .ipv6 : .ip, value: host)
        case nil: return nil
        }
    }

    /// For a domain or address: the host a URL must have to be "a URL on it". Nil for other types.
    public var hostForURLs: String? {
        guard let observable else { return nil }
        switch observable.type {
        case .domain, .ip: return observable.value
        case .ipv6: return "[\(observable.value)]"
        default: return nil
        }
    }
}

/// How a related observable is related to the one looked up.
public enum LookupRelation: String, Sendable, Codable, Hashable {
    /// The domain (or address) a looked-up URL points at.
    case hostOfURL = "host-of-url"
    /// A stored URL on the looked-up domain (or address), or on one of its subdomains.
    case urlOnHost = "url-on-host"
    /// A stored domain under the looked-up domain.
    case subdomain = "subdomain"
    /// The domain of a looked-up e-mail address.
    case domainOfEmail = "domain-of-email"
}

