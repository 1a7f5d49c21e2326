import Foundation
import ThreatFeedCore

extension Store: LiveJudgements {
    public func readLiveJudgements<T: Sendable>(_ body: @escaping @Sendable (any LiveJudgementReader) throws -> T) async throws -> T {
        try await read { reader in try body(StoreLiveJudgementReader(reader: reader)) }
    }
}

/// `StoreReader`'s live-judgement queries behind `LiveJudgementReader`. Each call is one query whose rows go
/// straight to the visitor (positional columns, no array in between), so the poll's fast path is the store's own.
struct StoreLiveJudgementReader: LiveJudgementReader {
    let reader: StoreReader

    func lastLabel() throws -> TimestampLabel { try reader.lastLabel() }

    func countLiveJudgements(ofIndicator id: String, at now: Date, after: TimestampLabel?, upTo: TimestampLabel?) throws -> Int {
        try reader.countLiveJudgements(ofIndicator: id, at: now, after: after, upTo: upTo)
    }

    func forEachLiveJudgement(in window: LiveJudgementWindow, _ body: (StoredJudgement) throws -> Void) throws {
        try reader.forEachLiveJudgement(
            ofIndicator: window.indicatorID, at: window.now, after: window.after, upTo: window.upTo, offset: window.offset,
            limit: window.limit, withProvenance: window.withProvenance, body
        )
    }

    func forEachLiveJudgementRow(in window: LiveJudgementWindow, _ body: (LiveJudgementRow) throws -> Void) throws {
        try reader.forEachLiveJudgementRow(
            ofIndicator: window.indicatorID, at: window.now, after: window.after, upTo: window.upTo, offset: window.offset,
            limit: window.limit, body
        )
    }

    func forEachLiveObservable(ofIndicator id: String, at now: Date, _ body: (Observable) throws -> Void) throws {
        try reader.forEachLiveObservable(ofIndicator: id, at: now, body)
    }

    func forEachLiveObservableByValue(ofIndicator id: String, at now: Date, _ body: (Observable) throws -> Void) throws {
        try reader.forEachLiveObservableByValue(ofIndicator: id, at: now, body)
    }

    func liveObservablePage(
        ofIndicator id: String, at now: Date, afterObservableID: Int64, limit: Int
    ) throws -> [(id: Int64, observable: Observable)] {
        try reader.liveObservablePage(ofIndicator: id, at: now, afterObservableID: afterObservableID, limit: limit)
    }

    func nextValidityChange(ofIndicator id: String, after now: Date) throws -> Date? {
        try reader.nextValidityChange(ofIndicator: id, after: now)
    }
}
