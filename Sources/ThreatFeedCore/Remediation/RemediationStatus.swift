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
