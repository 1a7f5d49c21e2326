import Foundation
import ThreatFeedCore

extension Store: FeedPolls {
    /// Runs on the caller's thread (`readNow`), not through GRDB's async read: that one hops to the reader pool's
    /// queue, to the reader's queue and back to the task's executor, and those thread switches cost a small poll
    /// more than its queries (perf: `finish_task_switch` and futex waits were a quarter of its CPU). The read is the
    /// same CPU work either way; the caller's thread waits instead of sleeping, for a read that is short: a poll's
    /// count is an index range and it renders at most one stream chunk (`TAXIIPollService.streamChunk`) inside.
    public func readFeedPoll<T: Sendable>(
        _ body: @escaping @Sendable (any FeedLookupReader, any LiveJudgementReader) throws -> T
    ) async throws -> T {
        try readNow { reader in try body(StoreFeedLookupReader(reader: reader), StoreLiveJudgementReader(reader: reader)) }
    }
}
