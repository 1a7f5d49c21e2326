import Foundation

/// Which versions of each judgement a TAXII 2.1 read wants (`match[version]`); several are OR-ed.
public struct JudgementVersionSelection: Sendable, Equatable {
    public var newest: Bool
    public var earliest: Bool
    public var every: Bool
    /// Versions with one of these labels (a version's label is its `modified` and its date added).
    public var labels: [TimestampLabel]

    public init(newest: Bool, earliest: Bool, every: Bool, labels: [TimestampLabel]) {
        self.newest = newest
        self.earliest = earliest
        self.every = every
        self.labels = labels
    }
}

/// What a TAXII 2.1 read sees of an indicator's judgements and their earlier versions, inside one consistent
/// snapshot. Valid only inside the closure that received it.
public protocol JudgementVersionReader {
    /// The versions `selection` asks for (the current row of each judgement and, where asked, the earlier versions
    /// kept), merged by label from `fromLabel` (inclusive), optionally only judgements whose id is listed, at most
    /// `limit`. Each version is the judgement as it stood then, with its label of that time.
    func forEachJudgementVersionByLabel(
        ofIndicator id: String, fromLabel: TimestampLabel?, judgementIDs: [String]?, selection: JudgementVersionSelection, limit: Int,
        _ body: (StoredJudgement) throws -> Void
    ) throws
}

/// Judgement versions for the TAXII 2.1 objects, manifest and versions endpoints: `Store` implements it,
/// `MemoryFeeds` (ThreatFeedTesting) is an in-memory one.
public protocol JudgementVersions: Sendable {
    func readJudgementVersions<T: Sendable>(_ body: @escaping @Sendable (any JudgementVersionReader) throws -> T) async throws -> T
}
