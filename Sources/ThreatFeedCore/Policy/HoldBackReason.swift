/// Why the safety policy kept an observable out of the feed. The raw values are stable: they
/// are the keys of the persisted counters, `/health/feeds`, `/health/etd` and the log.
public enum HoldBackReason: String, CaseIterable, Sendable, Codable, Comparable {
    /// The operator's allowlist names it.
    case allowlisted = "allowlisted"
    /// One of our own domains (or a URL on one).
    case ownDomain = "own-domain"
    /// One of our own gateway or egress addresses (or a URL on one).
    case ownGatewayIP = "own-gateway-ip"
    /// Private, loopback, link-local, multicast, CGNAT or another special-purpose address.
    case reservedAddress = "reserved-address"
    /// A free-mail or large mail provider: blocking the domain would block everyone who uses it.
    case freemailDomain = "freemail-domain"
    /// A URL shortener or large hosting/file-sharing site: only full URLs on it are published.
    case sharedHostingDomain = "shared-hosting-domain"
    /// A sender IP that is a large mail or e-mail-service provider's relay: the message came from a
    /// free-mail/provider domain, or the IP lies in a provider's published sending ranges. Listed, it
    /// would refuse all of that provider's mail at SMTP connection time.
    case sharedSenderInfrastructure = "shared-sender-infrastructure"
    /// The message carried a value that is not a valid observable (never published, counted so it shows).
    case invalidValue = "invalid-value"

    public static func < (lhs: HoldBackReason, rhs: HoldBackReason) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What the safety policy decided for one observable.
public enum SafetyDecision: Hashable, Sendable {
    case publish
    case holdBack(HoldBackReason)

    /// Why it is held back; nil when it is published.
    public var reason: HoldBackReason? {
        if case .holdBack(let reason) = self { return reason }
        return nil
    }
}
