import Foundation

/// `blocklist` inside `/health/etd` (and `blocklist status --json`): the managed entries by state (every state,
/// zero included) and the last run's outcome; never a credential.
public struct BlocklistStatusReport: Codable, Sendable, Equatable {
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

    public init(
        list: BlocklistKind, gateway: String?, enabled: Bool, dryRun: Bool, counts: [BlocklistEntryState: Int], run: BlocklistRunRecord
    ) {
        self.list = list.rawValue
        self.gateway = gateway
        self.enabled = enabled
        self.dryRun = dryRun
        self.counts = Dictionary(uniqueKeysWithValues: BlocklistEntryState.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
        lastRun = LastRun(
            finished: run.finished.map(Timestamps.iso8601Milli), added: run.added, deleted: run.deleted, heldBack: run.heldBack,
            deferred: run.deferred, error: run.error, errorAt: run.errorAt.map(Timestamps.iso8601Milli)
        )
    }
}
