/// What one sync run did (or, in dry-run, would do).
public struct BlocklistSyncReport: Sendable, Equatable {
    public var added: [String] = []
    public var deleted: [String] = []
    /// Live values not added because the list would grow past `max_entries`.
    public var heldBack: [String] = []
    /// Values left for the next run by `max_per_run`.
    public var deferred = 0
    /// Dry-run only: each request that would be sent, as "METHOD path body".
    public var wouldSend: [String] = []
    public var error: BlocklistSyncError?

    public init() {}

    public var requests: Int { added.count + deleted.count }
}
