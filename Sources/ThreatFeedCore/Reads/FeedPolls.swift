import Foundation

/// Feeds and their live judgements in one snapshot: a TAXII 1.1 poll resolves its collection, finds its window and
/// renders a small one inside a single read transaction (one trip to the reader instead of three).
/// `Store` implements it, and so does `MemoryFeeds` (ThreatFeedTesting).
public protocol FeedPolls: FeedLookup, LiveJudgements {
    func readFeedPoll<T: Sendable>(
        _ body: @escaping @Sendable (any FeedLookupReader, any LiveJudgementReader) throws -> T
    ) async throws -> T
}
