/// A `Query` in `Poll_Parameters`. Only its format is kept: we run no queries, and the caller
/// answers `UNSUPPORTED_QUERY` (or ignores it).
public struct TAXIIQuery: Sendable, Hashable {
    /// `format_id`, e.g. `urn:taxii.mitre.org:query:default:1.0`.
    public var formatID: String

    public init(formatID: String) { self.formatID = formatID }
}
