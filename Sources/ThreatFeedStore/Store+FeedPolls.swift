import Foundation
import ThreatFeedCore

extension Store: FeedPolls {
    /// One async read, as `read` does. Not `readNow` on the request's thread, although that saves GRDB's thread
    /// hops: an async read keeps its reader until its continuation runs on the cooperative pool, so with every pool
    /// thread blocked in a synchronous read waiting for a reader, nothing releases one (measured: Basic polls at c8,
    /// whose user look-up is an async read, fell to 2 requests/s).
    public func readFeedPoll<T: Sendable>(
        _ body: @escaping @Sendable (any FeedLookupReader, any LiveJudgementReader) throws -> T
    ) async throws -> T {
        try await read { reader in try body(StoreFeedLookupReader(reader: reader), StoreLiveJudgementReader(reader: reader)) }
    }
}
