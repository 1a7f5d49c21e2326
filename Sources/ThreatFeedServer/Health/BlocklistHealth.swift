import Foundation
import ThreatFeedCore

/// `blocklist` inside `/health/etd` (and `blocklist status --json`): the managed entries by state (every state,
/// zero included) and the last run's outcome; never a credential.
public struct BlocklistHealth: Codable, Sendable, Equatable {
    public struct LastRun: Codable, Sendable, Equatable {
        public var finished: String?
        public var added: Int
        public var deleted: Int
        public var heldBack: Int
        public var deferred: Int
        public var error: String?
        public var errorAt: String?

        enum CodingKeys: String, CodingKey {
            case finished, added, deleted, deferred, error
            case heldBack = "held_back"
            case errorAt = "error_at"
        }
    }

    public var list: String
    /// The appliance API the entries are on (base URL and prefix); nil before the first run.
    public var gateway: String?
    public var enabled: Bool
    public var dryRun: Bool
    public var counts: [String: Int]
    public var lastRun: LastRun

    enum CodingKeys: String, CodingKey {
        case list, gateway, enabled, counts
        case dryRun = "dry_run"
        case lastRun = "last_run"
    }

    public init(status: BlocklistStatus, enabled: Bool, dryRun: Bool) {
        list = status.list.rawValue
        gateway = status.gateway
        self.enabled = enabled
        self.dryRun = dryRun
        counts = Dictionary(uniqueKeysWithValues: BlocklistEntryState.allCases.map { ($0.rawValue, status.counts[$0] ?? 0) })
        let run = status.lastRun
        lastRun = LastRun(
            finished: run.finished.map(Timestamps.iso8601Milli), added: run.added, deleted: run.deleted, heldBack: run.heldBack,
            deferred: run.deferred, error: run.error, errorAt: run.errorAt.map(Timestamps.iso8601Milli)
        )
    }
}
