import Foundation
import ThreatFeedCore

/// Who may poll which collection (issue: TAXII authentication).
///
/// A poll names a collection either by the feed's secret — Threat-Response style, the secret alone
/// opens it — or by the feed's collection name, which is not secret and therefore needs the HTTP Basic
/// credentials of a user the feed is granted to.
enum TAXIICollectionAccess: Sendable {
    case granted(Feed)
    case needsCredentials(Feed)
    case notGranted(Feed, user: String)
    case notFound

    /// The feed the request named, whether or not it may poll it.
    var feed: Feed? {
        switch self {
        case .granted(let feed), .needsCredentials(let feed), .notGranted(let feed, _): feed
        case .notFound: nil
        }
    }

    /// Resolves `collectionName` among all feeds, or only the feed `feedID` (for `POST /ctia/feed/{id}/view`).
    static func resolve(
        _ collectionName: String, feedID: String?, user: User?, now: Date, reader: any FeedLookupReader
    ) throws -> TAXIICollectionAccess {
        let candidates: [Feed]
        if let feedID {
            candidates = try reader.feed(id: feedID).map { [$0] } ?? []
        } else {
            candidates = try reader.feeds()
        }
        // Compare the secret with every feed, in constant time each, so timing tells nothing about which (if any) matched.
        var bySecret: Feed?
        for feed in candidates where feed.secret.matches(collectionName) && bySecret == nil { bySecret = feed }
        if let feed = bySecret {
            return feed.isLive(at: now) ? .granted(feed) : .notFound
        }
        guard let feed = candidates.first(where: { $0.collectionName == collectionName }), feed.isLive(at: now) else {
            return .notFound
        }
        guard let user else { return .needsCredentials(feed) }
        return try reader.isGranted(feed: feed.id, toUser: user.id) ? .granted(feed) : .notGranted(feed, user: user.name.value)
    }
}
