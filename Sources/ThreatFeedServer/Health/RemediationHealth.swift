import Foundation
import ThreatFeedCore

/// `remediation` inside `/health/etd`: counts by state (every state, zero included), the last error.
public struct RemediationHealth: Codable, Sendable, Equatable {
    public var enabled: Bool
    public var dryRun: Bool
    public var enabledSince: String?
    public var counts: [String: Int]
    public var lastError: String?
    public var lastErrorAt: String?

    enum CodingKeys: String, CodingKey {
        case enabled
        case dryRun = "dry_run"
        case enabledSince = "enabled_since"
        case counts
        case lastError = "last_error"
        case lastErrorAt = "last_error_at"
    }

    public init(status: RemediationStatus, enabled: Bool, dryRun: Bool) {
        self.enabled = enabled
        self.dryRun = dryRun
        enabledSince = status.enabledSince.map(Timestamps.iso8601Milli)
        counts = Dictionary(uniqueKeysWithValues: RemediationState.allCases.map { ($0.rawValue, status.counts[$0] ?? 0) })
        lastError = status.lastError
        lastErrorAt = status.lastErrorAt.map(Timestamps.iso8601Milli)
    }
}
