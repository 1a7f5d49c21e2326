import Foundation
import ThreatFeedCore

extension Store: FeedPolls {
    /// On the request's own thread (`readOnCallersThread`): a small poll is a few index searches and a few blocks
    /// rendered, cheaper than the three thread hops of an async read.
    public func readFeedPoll<T: Sendable>(
        _ body: @escaping @Sendable (any FeedLookupReader, any LiveJudgementReader) throws -> T
    ) async throws -> T {
        try readOnCallersThread { reader in try body(StoreFeedLookupReader(reader: reader), StoreLiveJudgementReader(reader: reader)) }
    }
}
