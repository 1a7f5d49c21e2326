import ThreatFeedCore

/// `match[version]`: which versions of each object to return (TAXII 2.1 §3.4.1). Several values are OR-ed:
/// `first,last` is an object's earliest and its newest version (one object when it has only one version).
public struct TAXII2VersionFilter: Sendable, Equatable {
    /// `last`: the newest version of each object.
    public var last = false
    /// `first`: the earliest version still kept of each object.
    public var first = false
    /// `all`: every version kept.
    public var all = false
    /// Versions whose `modified` is one of these.
    public var modified: [TimestampLabel] = []

    public init(last: Bool = false, first: Bool = false, all: Bool = false, modified: [TimestampLabel] = []) {
        self.last = last
        self.first = first
        self.all = all
        self.modified = modified
    }

    /// The default when the request names none.
    public static let newest = TAXII2VersionFilter(last: true)
    /// The versions endpoint lists every version whatever `match[version]` says.
    public static let every = TAXII2VersionFilter(all: true)

    /// Whether any version besides the newest can match: if not, the earlier versions need not be read at all.
    public var reachesEarlierVersions: Bool { all || first || !modified.isEmpty }
}
