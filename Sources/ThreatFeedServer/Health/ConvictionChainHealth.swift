import Foundation
import ThreatFeedCore

/// `/health/etd` as it is written (and `threatfeed etd status --json`, one shape for both, so monitoring can use
/// either): the ETD poller's progress and what the actions did with its convictions. Times are ISO-8601 UTC; lag
/// in seconds. The domain values are `ConvictionChainStatus` in Core; this is their JSON and text.
public struct ConvictionChainHealth: Codable, Sendable, Equatable {
    public var enabled: Bool
    public var lastAttempt: String?
    public var lastSuccess: String?
    public var lastWindowEnd: String?
    public var lagSeconds: Int?
    public var consecutiveFailures: Int
    public var lastError: String?
    public var convictionsSeen: Int
    public var judgementsCreated: Int
    public var judgementsRefreshed: Int
    public var judgementsEnded: Int
    /// Every reason, zero included, so dashboards see a stable set of keys.
    public var heldBack: [String: Int]
    /// The SMA remediation queue (`serve` fills it; absent when nobody asked).
    public var remediation: RemediationHealth?
    /// The administrator notifications (`serve` fills it).
    public var notifications: NotificationHealth?
    /// The gateway blocklist sync (`serve` fills it).
    public var blocklist: BlocklistHealth?

    enum CodingKeys: String, CodingKey {
        case enabled
        case lastAttempt = "last_attempt"
        case lastSuccess = "last_success"
        case lastWindowEnd = "last_window_end"
        case lagSeconds = "lag_seconds"
        case consecutiveFailures = "consecutive_failures"
        case lastError = "last_error"
        case convictionsSeen = "convictions_seen"
        case judgementsCreated = "judgements_created"
        case judgementsRefreshed = "judgements_refreshed"
        case judgementsEnded = "judgements_ended"
        case heldBack = "held_back"
        case remediation
        case notifications
        case blocklist
    }

    public init(status: ETDPollStatus, enabled: Bool, now: Date) {
        self.enabled = enabled
        lastAttempt = status.lastAttempt.map(Timestamps.iso8601Milli)
        lastSuccess = status.lastSuccess.map(Timestamps.iso8601Milli)
        lastWindowEnd = status.lastSuccessWindowEnd.map(Timestamps.iso8601Milli)
        lagSeconds = status.lag(at: now).map { Int($0.rounded()) }
        consecutiveFailures = status.consecutiveFailures
        lastError = status.lastError
        convictionsSeen = status.convictionsSeen
        judgementsCreated = status.judgementsCreated
        judgementsRefreshed = status.judgementsRefreshed
        judgementsEnded = status.judgementsEnded
        heldBack = Dictionary(uniqueKeysWithValues: HoldBackReason.allCases.map { ($0.rawValue, status.heldBack[$0] ?? 0) })
    }

    /// The whole chain; the `enabled` flags are the caller's (the server's configuration, or the CLI's settings).
    public init(
        _ chain: ConvictionChainStatus, now: Date, pollingEnabled: Bool, remediation: (enabled: Bool, dryRun: Bool),
        notificationsEnabled: Bool, blocklist: (enabled: Bool, dryRun: Bool)
    ) {
        self.init(status: chain.poll, enabled: pollingEnabled, now: now)
        self.remediation = RemediationHealth(status: chain.remediation, enabled: remediation.enabled, dryRun: remediation.dryRun)
        notifications = NotificationHealth(status: chain.notifications, enabled: notificationsEnabled)
        self.blocklist = BlocklistHealth(status: chain.blocklist, enabled: blocklist.enabled, dryRun: blocklist.dryRun)
    }

    /// The same, for people (`threatfeed etd status`).
    public var text: String {
        var lines = ["ETD polling: \(enabled ? "configured" : "not configured in this environment")"]
        lines.append("last attempt:          \(lastAttempt ?? "never")")
        lines.append("last success:          \(lastSuccess ?? "never")")
        lines.append("searched up to:        \(lastWindowEnd ?? "—")\(lagSeconds.map { " (lag \($0) s)" } ?? "")")
        lines.append("consecutive failures:  \(consecutiveFailures)\(lastError.map { " (last: \($0))" } ?? "")")
        lines.append("convictions seen:      \(convictionsSeen)")
        lines.append("judgements created:    \(judgementsCreated)")
        lines.append("judgements refreshed:  \(judgementsRefreshed)")
        lines.append("judgements ended:      \(judgementsEnded)")
        lines.append("held back:")
        for (reason, count) in heldBack.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(reason.padding(toLength: max(30, reason.count), withPad: " ", startingAt: 0)) \(count)")
        }
        // The actions, one line each: on or off, counts by state, the last error.
        func action(_ name: String, enabled: Bool, dryRun: Bool, counts: [String: Int], lastError: String?) {
            let state = enabled ? (dryRun ? "enabled, dry run" : "enabled") : "disabled"
            let shown = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append("\(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(state): \(shown)\(lastError.map { " (last error: \($0))" } ?? "")")
        }
        if let remediation {
            action("remediation:", enabled: remediation.enabled, dryRun: remediation.dryRun, counts: remediation.counts, lastError: remediation.lastError)
        }
        if let notifications {
            action("notifications:", enabled: notifications.enabled, dryRun: false, counts: notifications.counts, lastError: notifications.lastError)
        }
        if let blocklist {
            action("\(blocklist.list):", enabled: blocklist.enabled, dryRun: blocklist.dryRun, counts: blocklist.counts, lastError: blocklist.lastRun.error)
        }
        return lines.joined(separator: "\n")
    }
}
