import Foundation
import Synchronization
import ThreatFeedCore

/// `FeedLookup`, `LiveJudgements` and `JudgementVersions` in memory, for testing the feed handlers (CTIA view,
/// TAXII 1.1 and 2.1) without SQLite: the test adds feeds, indicators, grants and judgements, and each read sees a
/// copy taken when it starts, as a read transaction would. Liveness is the store's: valid at `now`, both ends
/// inclusive; a judgement added again under its id keeps its earlier version, as the store's trigger does.
public final class MemoryFeeds: FeedPolls, JudgementVersions {
    private let state = Mutex(Snapshot())

    public init() {}

    public func add(_ indicator: Indicator) {
        state.withLock { $0.indicators[indicator.id] = indicator; $0.revisions[indicator.id, default: 0] += 0 }
    }

    public func add(_ feed: Feed) {
        state.withLock { $0.allFeeds.append(feed) }
    }

    public func grant(feed feedID: String, toUser userID: String, canWrite: Bool = false) {
        state.withLock { state in
            state.grants.insert(Snapshot.Grant(feed: feedID, user: userID))
            if canWrite { state.writeGrants.insert(Snapshot.Grant(feed: feedID, user: userID)) }
        }
    }

    /// Stores a judgement (replacing one with the same id) and moves its indicator's revision, as a write does.
    public func add(_ judgement: StoredJudgement) {
        state.withLock { state in
            if let earlier = state.judgements.first(where: { $0.id == judgement.id }), earlier.label != judgement.label {
                state.earlierVersions.append(earlier)
            }
            state.judgements.removeAll { $0.id == judgement.id }
            state.judgements.append(judgement)
            state.judgements.sort { $0.label < $1.label }
            if state.observableIDs[judgement.judgement.observable] == nil {
                state.observableIDs[judgement.judgement.observable] = Int64(state.observableIDs.count + 1)
            }
            state.revisions[judgement.indicatorID, default: 0] += 1
        }
    }

    public func readFeeds<T: Sendable>(_ body: @escaping @Sendable (any FeedLookupReader) throws -> T) async throws -> T {
        try body(state.withLock { $0 })
    }

    public func readLiveJudgements<T: Sendable>(_ body: @escaping @Sendable (any LiveJudgementReader) throws -> T) async throws -> T {
        try body(state.withLock { $0 })
    }

    public func readFeedPoll<T: Sendable>(
        _ body: @escaping @Sendable (any FeedLookupReader, any LiveJudgementReader) throws -> T
    ) async throws -> T {
        let snapshot = state.withLock { $0 }
        return try body(snapshot, snapshot)
    }

    public func readJudgementVersions<T: Sendable>(_ body: @escaping @Sendable (any JudgementVersionReader) throws -> T) async throws -> T {
        try body(state.withLock { $0 })
    }

    /// What a read sees.
    struct Snapshot: FeedLookupReader, LiveJudgementReader, JudgementVersionReader {
        struct Grant: Hashable {
            let feed: String
            let user: String
        }

        var allFeeds: [Feed] = []
        var indicators: [String: Indicator] = [:]
        var revisions: [String: Int64] = [:]
        var grants: Set<Grant> = []
        var writeGrants: Set<Grant> = []
        /// In label order.
        var judgements: [StoredJudgement] = []
        /// Versions replaced by a later `add` of the same judgement.
        var earlierVersions: [StoredJudgement] = []
        /// Observables numbered in the order first stored, as the store's row ids.
        var observableIDs: [Observable: Int64] = [:]

        func feed(id: String) throws -> Feed? { allFeeds.first { $0.id == id } }
        func feeds() throws -> [Feed] { allFeeds.sorted { $0.name.value < $1.name.value } }
        func revision(ofIndicator id: String) throws -> Int64? { indicators[id] == nil ? nil : revisions[id] ?? 0 }
        func indicator(id: String) throws -> Indicator? { indicators[id] }
        func feedsGranted(toUser id: String) throws -> [Feed] {
            try feeds().filter { grants.contains(Grant(feed: $0.id, user: id)) }
        }
        func isGranted(feed feedID: String, toUser userID: String) throws -> Bool { grants.contains(Grant(feed: feedID, user: userID)) }
        func canWrite(feed feedID: String, user userID: String) throws -> Bool { writeGrants.contains(Grant(feed: feedID, user: userID)) }

        func forEachJudgementVersionByLabel(
            ofIndicator id: String, fromLabel: TimestampLabel?, judgementIDs: [String]?, selection: JudgementVersionSelection, limit: Int,
            _ body: (StoredJudgement) throws -> Void
        ) throws {
            let all = Dictionary(grouping: (judgements + earlierVersions).filter { $0.indicatorID == id }, by: \.id)
            var chosen: [StoredJudgement] = []
            for (judgementID, versions) in all where judgementIDs?.contains(judgementID) ?? true {
                let byLabel = versions.sorted { $0.label < $1.label }
                chosen += byLabel.enumerated().filter { index, version in
                    selection.every || selection.labels.contains(version.label) || (selection.newest && index == byLabel.count - 1)
                        || (selection.earliest && index == 0)
                }.map(\.element)
            }
            let from = fromLabel ?? TimestampLabel(microseconds: .min)
            for version in chosen.sorted(by: { $0.label < $1.label }).filter({ $0.label >= from }).prefix(limit) {
                try body(version)
            }
        }

        func lastLabel() throws -> TimestampLabel { judgements.last?.label ?? TimestampLabel(microseconds: 0) }

        private func live(_ indicatorID: String, at now: Date) -> [StoredJudgement] {
            judgements.filter { $0.indicatorID == indicatorID && $0.judgement.validTime.covers(now) }
        }

        private func inWindow(_ stored: StoredJudgement, after: TimestampLabel?, upTo: TimestampLabel?) -> Bool {
            after.map { stored.label > $0 } ?? true && upTo.map { stored.label <= $0 } ?? true
        }

        func countLiveJudgements(ofIndicator id: String, at now: Date, after: TimestampLabel?, upTo: TimestampLabel?) throws -> Int {
            live(id, at: now).count { inWindow($0, after: after, upTo: upTo) }
        }

        func forEachLiveJudgement(in window: LiveJudgementWindow, _ body: (StoredJudgement) throws -> Void) throws {
            var rows = live(window.indicatorID, at: window.now).filter { inWindow($0, after: window.after, upTo: window.upTo) }
                .dropFirst(window.offset)
            if let limit = window.limit { rows = rows.prefix(limit) }
            for var stored in rows {
                if !window.withProvenance { stored.judgement.provenance = [:] }
                try body(stored)
            }
        }

        /// Each live observable once, by the number it was first stored under.
        private func liveObservables(_ id: String, at now: Date) -> [(id: Int64, observable: Observable)] {
            Set(live(id, at: now).map(\.judgement.observable)).map { (observableIDs[$0] ?? 0, $0) }.sorted { $0.id < $1.id }
        }

        func forEachLiveObservable(ofIndicator id: String, at now: Date, _ body: (Observable) throws -> Void) throws {
            for row in liveObservables(id, at: now) { try body(row.observable) }
        }

        func forEachLiveObservableByValue(ofIndicator id: String, at now: Date, _ body: (Observable) throws -> Void) throws {
            let sorted = liveObservables(id, at: now).map(\.observable).sorted {
                $0.value == $1.value ? $0.type.rawValue < $1.type.rawValue : Array($0.value.utf8).lexicographicallyPrecedes(Array($1.value.utf8))
            }
            for observable in sorted { try body(observable) }
        }

        func liveObservablePage(
            ofIndicator id: String, at now: Date, afterObservableID: Int64, limit: Int
        ) throws -> [(id: Int64, observable: Observable)] {
            Array(liveObservables(id, at: now).filter { $0.id > afterObservableID }.prefix(limit))
        }

        func nextValidityChange(ofIndicator id: String, after now: Date) throws -> Date? {
            let times = judgements.filter { $0.indicatorID == id }.flatMap { stored -> [Date] in
                let valid = stored.judgement.validTime
                // A judgement stops being live one microsecond after its (inclusive) end, as the store counts.
                return [valid.start > now ? valid.start : nil, valid.end.flatMap { $0 >= now ? $0.addingTimeInterval(0.000_001) : nil }]
                    .compactMap { $0 }
            }
            return times.min()
        }
    }
}
