import Foundation

/// The remediation queue at a glance, for `/health/etd` and `threatfeed etd status`.
public struct RemediationStatus: Sendable, Equatable {
    /// When remediation was first enabled: only convictions processed after it are queued.
    public var enabledSince: Date?
    public var counts: [RemediationState: Int] = [:]
    public var lastError: String?
    public var lastErrorAt: Date?

    public init() {}
}

/// `remediation` inside `/health/etd`: counts by state (every state, zero included), the last error.
public struct RemediationStatusReport: Codable, Sendable, Equatable {
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
