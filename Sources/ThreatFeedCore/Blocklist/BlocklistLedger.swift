import Foundation

/// Which AsyncOS spam-quarantine list the sync keeps: the blocklist or the safelist.
public enum BlocklistKind: String, Sendable, CaseIterable {
    case blocklist, safelist
}

/// Where one sender value stands on the gateway. `adding` and `deleting` are committed before the
/// request leaves, so after a crash the row says which request may or may not have arrived; the
/// runner simply redoes it (409 on add and 404 on delete make a repeat harmless).
public enum BlocklistEntryState: String, Sendable, CaseIterable {
    case pending, adding, present, deleting, removed
}

/// One value this sync manages (the administrator's own entries are never recorded here).
public struct BlocklistEntry: Sendable, Equatable {
    public var value: String
    public var state: BlocklistEntryState
    public var attempts: Int
    public var lastStatus: Int?

    public init(value: String, state: BlocklistEntryState, attempts: Int = 0, lastStatus: Int? = nil) {
        self.value = value
        self.state = state
        self.attempts = attempts
        self.lastStatus = lastStatus
    }
}

/// The outcome of the last sync run, kept for `blocklist status`.
public struct BlocklistRunRecord: Sendable, Equatable {
    public var finished: Date?
    public var added = 0
    public var deleted = 0
    public var heldBack = 0
    public var deferred = 0
    public var error: String?
    public var errorAt: Date?

    public init() {}
}

/// The sync's persistent state (SQLite in ThreatFeedStore, migration v7-blocklist-sync). Every
/// method is one transaction.
public protocol BlocklistLedger: Sendable {
    /// The live `domain`, `ipv4` and `ipv6` values of the named indicator; nil when it does not exist.
    func liveSenderValues(indicator: String, at time: Date) async throws -> Set<String>?
    /// Every row of `list` (removed ones included).
    func blocklistEntries(list: BlocklistKind) async throws -> [BlocklistEntry]
    /// Moves `value` to `state` (creating the row), counting an attempt when the state is `adding` or `deleting`.
    func setBlocklistEntry(list: BlocklistKind, value: String, state: BlocklistEntryState, status: Int?, at time: Date) async throws
    /// Records live values not yet on the list as `pending` (new rows, or `removed` ones coming back), in one transaction.
    func markBlocklistPending(list: BlocklistKind, values: [String], at time: Date) async throws
    func recordBlocklistRun(list: BlocklistKind, _ record: BlocklistRunRecord) async throws
    /// The appliance API the rows of `list` describe (`https://esa.example.com:6443/esa/api/v2.0`); nil before the
    /// first run.
    func blocklistGateway(list: BlocklistKind) async throws -> String?
    /// Records `gateway` as the one the rows of `list` describe; with `forgettingRows`, first drops every row (they
    /// describe another appliance). Returns how many rows were on that appliance's list. One transaction.
    func recordBlocklistGateway(list: BlocklistKind, gateway: String, forgettingRows: Bool) async throws -> Int
    func lastBlocklistRun(list: BlocklistKind) async throws -> BlocklistRunRecord
}
