import Foundation

/// What a consumer polls: the live judgements of one indicator, rendered as observables or judgements.
public struct Feed: Hashable, Sendable {
    /// `feed-<uuid>`, the path segment in `/ctia/feed/<id>/view`.
    public var id: String
    public var name: EntityName
    public var indicatorID: String
    public var output: FeedOutput
    public var secret: FeedSecret
    /// The TAXII collection name; defaults to the feed name.
    public var collectionName: String
    /// When the feed may be served; outside it the feed answers 404 as CTIA does. Nil: always.
    public var lifetime: ValidTime?
    /// Most content blocks in one TAXII Poll_Response part; nil answers every poll in one part,
    /// which is what the Secure Email Gateway expects (reference/taxii11-esa.md §2.4).
    public var maxPartSize: Int?
    public var created: Date

    public init(
        id: String = EntityID.make("feed"),
        name: EntityName,
        indicatorID: String,
        output: FeedOutput = .observables,
        secret: FeedSecret = .generate(),
        collectionName: String? = nil,
        lifetime: ValidTime? = nil,
        maxPartSize: Int? = nil,
        created: Date
    ) {
        self.id = id
        self.name = name
        self.indicatorID = indicatorID
        self.output = output
        self.secret = secret
        self.collectionName = collectionName ?? name.value
        self.lifetime = lifetime
        self.maxPartSize = maxPartSize
        self.created = created
    }

    /// Whether the feed is served at `instant`.
    public func isLive(at instant: Date) -> Bool { lifetime?.covers(instant) ?? true }
}

/// What a feed's `/view` answers with.
public enum FeedOutput: String, CaseIterable, Codable, Sendable {
    case observables
    case judgements
}
