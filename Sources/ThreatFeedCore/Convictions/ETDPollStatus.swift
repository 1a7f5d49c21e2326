import Foundation

/// The poller's persisted progress and counters, as `/health/etd` and `threatfeed etd status` show them.
public struct ETDPollStatus: Sendable, Equatable, Codable {
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    /// End of the last search window that completed: the next window starts look-back before it.
    public var lastSuccessWindowEnd: Date?
    public var consecutiveFailures = 0
    public var lastError: String?
    public var convictionsSeen = 0
    public var judgementsCreated = 0
    public var judgementsRefreshed = 0
    public var judgementsEnded = 0
    public var heldBack: [HoldBackReason: Int] = [:]

    public init() {}

    /// How far the feed lags behind now: time since the end of the last completed window.
    public func lag(at now: Date) -> TimeInterval? {
        lastSuccessWindowEnd.map { now.timeIntervalSince($0) }
    }
}
