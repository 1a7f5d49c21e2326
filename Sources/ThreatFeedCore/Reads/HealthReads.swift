import Foundation

/// What a feed holds now, for `/health/feeds`.
public struct FeedSummary: Sendable, Equatable {
    public var feed: Feed
    /// The name of the feed's indicator (nil if it is gone).
    public var indicatorName: String?
    public var liveObservables: Int
    public var judgements: Int
    public var newestLabel: TimestampLabel?

    public init(feed: Feed, indicatorName: String?, liveObservables: Int, judgements: Int, newestLabel: TimestampLabel?) {
        self.feed = feed
        self.indicatorName = indicatorName
        self.liveObservables = liveObservables
        self.judgements = judgements
        self.newestLabel = newestLabel
    }
}

/// What the health endpoints read. Declared here, like the ledgers, so the HTTP handlers need no SQLite: `Store`
/// implements it, and `MemoryHealthReads` (ThreatFeedTesting) is an in-memory one for handler tests.
public protocol HealthReads: Sendable {
    /// Whether the database answers (`/health/ready`).
    func isReachable() async -> Bool
    func etdPollStatus() async throws -> ETDPollStatus
    /// Every feed with what it holds at `now`.
    func feedSummaries(at now: Date) async throws -> [FeedSummary]
    /// The poller and the actions, in one snapshot.
    func convictionChainStatus(blocklist: BlocklistKind) async throws -> ConvictionChainStatus
}
