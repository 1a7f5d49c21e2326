import Foundation

/// Which live judgements of an indicator a read visits: those with `after < label <= upTo`, in label order,
/// skipping `offset` and stopping after `limit`.
public struct LiveJudgementWindow: Sendable, Equatable {
    public var indicatorID: String
    public var now: Date
    public var after: TimestampLabel?
    public var upTo: TimestampLabel?
    public var offset: Int
    public var limit: Int?
    /// False leaves the provenance empty, for readers that do not show it (a TAXII poll reads every row).
    public var withProvenance: Bool

    public init(
        indicatorID: String, now: Date, after: TimestampLabel? = nil, upTo: TimestampLabel? = nil, offset: Int = 0, limit: Int? = nil,
        withProvenance: Bool = true
    ) {
        self.indicatorID = indicatorID
        self.now = now
        self.after = after
        self.upTo = upTo
        self.offset = offset
        self.limit = limit
        self.withProvenance = withProvenance
    }
}

/// What the feed answers read of an indicator's live judgements (valid at `now`, both ends inclusive, as CTIM's
/// `valid-now?`), inside one consistent snapshot. Valid only inside the closure that received it.
///
/// Rows are visited, never returned as arrays: a TAXII poll or a CTIA view renders each row as it is read, so a
/// million-row feed never becomes a million structs held at once.
public protocol LiveJudgementReader {
    /// The newest label handed out by a committed write.
    func lastLabel() throws -> TimestampLabel
    func countLiveJudgements(ofIndicator id: String, at now: Date, after: TimestampLabel?, upTo: TimestampLabel?) throws -> Int
    func forEachLiveJudgement(in window: LiveJudgementWindow, _ body: (StoredJudgement) throws -> Void) throws
    /// The same visit, each row as a borrowed `LiveJudgementRow` (what a TAXII 1.1 poll renders); the default builds
    /// it from `forEachLiveJudgement(in:)`'s structs, the store from the statement's columns.
    func forEachLiveJudgementRow(in window: LiveJudgementWindow, _ body: (LiveJudgementRow) throws -> Void) throws
    /// Live observables, each once, in the order they were first stored.
    func forEachLiveObservable(ofIndicator id: String, at now: Date, _ body: (Observable) throws -> Void) throws
    /// Live observables, each once, in bytewise value order (as `/view.txt` wants).
    func forEachLiveObservableByValue(ofIndicator id: String, at now: Date, _ body: (Observable) throws -> Void) throws
    /// One page of live observables, each once, by store id after `afterObservableID` (CTIA paging).
    func liveObservablePage(
        ofIndicator id: String, at now: Date, afterObservableID: Int64, limit: Int
    ) throws -> [(id: Int64, observable: Observable)]
    /// The first instant after `now` at which some judgement of the indicator starts or stops being live.
    func nextValidityChange(ofIndicator id: String, after now: Date) throws -> Date?
}

extension LiveJudgementReader {
    public func forEachLiveJudgementRow(in window: LiveJudgementWindow, _ body: (LiveJudgementRow) throws -> Void) throws {
        try forEachLiveJudgement(in: window) { try $0.withLiveJudgementRow(body) }
    }

    public func countLiveJudgements(ofIndicator id: String, at now: Date) throws -> Int {
        try countLiveJudgements(ofIndicator: id, at: now, after: nil, upTo: nil)
    }

    /// The same visit spelled as `StoreReader` spells it, so a handler reads the same either way.
    public func forEachLiveJudgement(
        ofIndicator id: String, at now: Date, after: TimestampLabel? = nil, upTo: TimestampLabel? = nil, offset: Int = 0, limit: Int? = nil,
        withProvenance: Bool = true, _ body: (StoredJudgement) throws -> Void
    ) throws {
        try forEachLiveJudgement(
            in: LiveJudgementWindow(
                indicatorID: id, now: now, after: after, upTo: upTo, offset: offset, limit: limit, withProvenance: withProvenance
            ),
            body
        )
    }
}

/// Live judgements for the feed answers (CTIA view and pages, TAXII 1.1 polls and collection volumes): `Store`
/// implements it, `MemoryFeeds` (ThreatFeedTesting) is an in-memory one for handler tests.
public protocol LiveJudgements: Sendable {
    func readLiveJudgements<T: Sendable>(_ body: @escaping @Sendable (any LiveJudgementReader) throws -> T) async throws -> T
}
