/// The blocklist sync's managed entries by state and its last run, for one list.
public struct BlocklistStatus: Sendable, Equatable {
    public var list: BlocklistKind
    /// The appliance API the entries are on (base URL and prefix); nil before the first run.
    public var gateway: String?
    public var counts: [BlocklistEntryState: Int]
    public var lastRun: BlocklistRunRecord

    public init(list: BlocklistKind, gateway: String?, counts: [BlocklistEntryState: Int], lastRun: BlocklistRunRecord) {
        self.list = list
        self.gateway = gateway
        self.counts = counts
        self.lastRun = lastRun
    }
}
