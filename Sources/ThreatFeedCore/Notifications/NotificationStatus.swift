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

/// The notifier's progress: conviction counts by state, the last mail and the last error.
public struct NotificationStatus: Sendable, Equatable {
    /// When notifications were first enabled: only convictions processed after it are considered.
    public var enabledSince: Date?
    public var counts: [NotificationState: Int]
    public var lastSent: Date?
    public var lastError: String?
    public var lastErrorAt: Date?

    public init(enabledSince: Date?, counts: [NotificationState: Int], lastSent: Date?, lastError: String?, lastErrorAt: Date?) {
        self.enabledSince = enabledSince
        self.counts = counts
        self.lastSent = lastSent
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }
}
