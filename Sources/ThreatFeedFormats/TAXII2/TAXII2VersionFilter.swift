import ThreatFeedCore

/// `match[version]`: which versions of each object to return.
public enum TAXII2VersionFilter: Sendable, Equatable {
    /// `last` (the default), `first`, `all`: we keep only an object's current version, so all three return it.
    case any
    /// Only versions whose `modified` is one of these.
    case exactly([TimestampLabel])
}
