import Foundation
import ThreatFeedCore

extension Store: FeedLookup {
    public func readFeeds<T: Sendable>(_ body: @escaping @Sendable (any FeedLookupReader) throws -> T) async throws -> T {
        try await read { reader in try body(StoreFeedLookupReader(reader: reader)) }
    }
}

/// `StoreReader`'s feed queries behind `FeedLookupReader` (a wrapper, so `StoreReader`'s own spellings stay unambiguous).
struct StoreFeedLookupReader: FeedLookupReader {
    let reader: StoreReader

    func feed(id: String) throws -> Feed? { try reader.feed(id: id) }
    func feeds() throws -> [Feed] { try reader.feeds() }
    func revision(ofIndicator id: String) throws -> Int64? { try reader.revision(ofIndicator: id) }
    func indicator(id: String) throws -> Indicator? { try reader.indicator(id: id) }
    func feedsGranted(toUser id: String) throws -> [Feed] { try reader.feedsGranted(toUser: id) }
    func isGranted(feed feedID: String, toUser userID: String) throws -> Bool { try reader.isGranted(feed: feedID, toUser: userID) }
    func canWrite(feed feedID: String, user userID: String) throws -> Bool { try reader.canWrite(feed: feedID, user: userID) }
}
