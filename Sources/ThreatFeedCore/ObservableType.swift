import Foundation

/// The kinds of observable ThreatFeed stores, named as CTIM names them.
///
/// The gateway's External Threat Feeds use `url`, `domain`, `ip`, `ipv6` and `sha256`;
/// `md5` and `sha1` are stored and served too, for consumers that want them.
public enum ObservableType: String, CaseIterable, Codable, Sendable, Comparable {
    case url
    case domain
    case ip
    case ipv6
    case sha256
    case md5
    case sha1

    /// Reads a type name as people write it in files and on the command line:
    /// the CTIM names plus a few common aliases, case-insensitively.
    public init?(name: String) {
        switch name.trimmingCharacters(in: .whitespaces).lowercased() {
        case "url", "uri": self = .url
        case "domain", "hostname", "fqdn", "domain_name", "domain-name": self = .domain
        case "ip", "ipv4", "ip4", "ipv4-addr": self = .ip
        case "ipv6", "ip6", "ipv6-addr": self = .ipv6
        case "sha256", "sha-256": self = .sha256
        case "md5": self = .md5
        case "sha1", "sha-1": self = .sha1
        default: return nil
        }
    }

    public static func < (lhs: ObservableType, rhs: ObservableType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The names accepted, for error messages.
    public static var namesForHelp: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
