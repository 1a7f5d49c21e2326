/// The TAXII 2.1 collection id of a feed: its UUID, i.e. the feed id `feed-<uuid>` without the prefix
/// (what Sentinel and OpenCTI ask for as "Collection ID").
public enum TAXII2CollectionID {
    public static func of(feedID: String) -> String {
        feedID.hasPrefix("feed-") ? String(feedID.dropFirst("feed-".count)) : feedID
    }

    /// The path of the API root that holds every collection.
    public static let apiRootPath = "/taxii2/api/"
}
