import Foundation

/// What a feed handler reads about feeds, their indicators and who may poll them, inside one consistent snapshot.
/// Valid only inside the closure that received it.
public protocol FeedLookupReader {
    func feed(id: String) throws -> Feed?
    func feeds() throws -> [Feed]
    /// Changes with every write to the indicator's judgements; rendered feed bodies are keyed on it.
    func revision(ofIndicator id: String) throws -> Int64?
    func indicator(id: String) throws -> Indicator?
    /// The feeds a user may poll over TAXII by name.
    func feedsGranted(toUser id: String) throws -> [Feed]
    func isGranted(feed feedID: String, toUser userID: String) throws -> Bool
    /// Whether the user may add indicators to the feed over TAXII 2.1.
    func canWrite(feed feedID: String, user userID: String) throws -> Bool
}

/// Feed lookup for the HTTP handlers (CTIA view, TAXII 1.1 and 2.1): `Store` implements it, `MemoryFeeds`
/// (ThreatFeedTesting) is an in-memory one for handler tests. Reads run in one snapshot, as `Store.read` does.
public protocol FeedLookup: Sendable {
    func readFeeds<T: Sendable>(_ body: @escaping @Sendable (any FeedLookupReader) throws -> T) async throws -> T
}
