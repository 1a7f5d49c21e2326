import ThreatFeedCore

/// What a conviction can yield. Raw values are what configuration files and logs use.
public enum ETDObservableKind: String, CaseIterable, Sendable, Hashable, Comparable {
    case senderIP
    case senderDomain
    case url
    case attachmentSHA256

    public static func < (lhs: ETDObservableKind, rhs: ETDObservableKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Default valid-for per kind. Why these lengths: sender IPs are cheap for attackers to change
    /// and often reassigned to someone else (7 days); phishing domains and URLs stay in use for
    /// weeks (30 days); a file hash never changes meaning, so a malicious one stays malicious
    /// (180 days, bounded only to keep the feed from growing forever).
    public var defaultValidFor: TimeSpan {
        switch self {
        case .senderIP: .days(7)
        case .senderDomain: .days(30)
        case .url: .days(30)
        case .attachmentSHA256: .days(180)
        }
    }
}
