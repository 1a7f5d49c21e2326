import Foundation
import ThreatFeedCore

/// `notifications` inside `/health/etd`: counts by state (every state, zero included), last mail, last error.
public struct NotificationHealth: Codable, Sendable, Equatable {
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

    public init(status: NotificationStatus, enabled: Bool) {
        self.enabled = enabled
        enabledSince = status.enabledSince.map(Timestamps.iso8601Milli)
        counts = Dictionary(uniqueKeysWithValues: NotificationState.allCases.map { ($0.rawValue, status.counts[$0] ?? 0) })
        lastSent = status.lastSent.map(Timestamps.iso8601Milli)
        lastError = status.lastError
        lastErrorAt = status.lastErrorAt.map(Timestamps.iso8601Milli)
    }
}
