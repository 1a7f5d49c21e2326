import Foundation

/// What the notifier has done with convictions (one state per conviction).
public enum NotificationState: String, CaseIterable, Sendable {
    /// Committed before the SMTP transaction.
    case sending
    /// Listed in a mail the relay accepted.
    case sent
    /// Did not match the filters.
    case filtered
    /// Logged by a dry run, not sent.
    case dryRun = "dry_run"
    /// The process stopped while sending: the mail may have gone out, so it is not listed again.
    case unconfirmed
}

/// `notifications` inside `/health/etd`: counts by state (every state, zero included), last mail, last error.
public struct NotificationStatusReport: Codable, Sendable, Equatable {
    public var enabled: Bool
    public var enabledSince: String?
    public var counts: [String: Int]
    public var lastSent: String?
    public var lastError: String?
    public var lastErrorAt: String?

    enum CodingKeys: String, CodingKey {
        case enabled
        case enabledSince = "enabled_since"
        case counts
        case lastSent = "last_sent"
        case lastError = "last_error"
        case lastErrorAt = "last_error_at"
    }

    public init(
        enabled: Bool, enabledSince: Date?, counts: [NotificationState: Int], lastSent: Date?, lastError: String?, lastErrorAt: Date?
    ) {
        self.enabled = enabled
        self.enabledSince = enabledSince.map(Timestamps.iso8601Milli)
        self.counts = Dictionary(uniqueKeysWithValues: NotificationState.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
        self.lastSent = lastSent.map(Timestamps.iso8601Milli)
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt.map(Timestamps.iso8601Milli)
    }
}
