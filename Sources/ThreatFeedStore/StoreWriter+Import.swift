import Foundation
import GRDB
import ThreatFeedCore

#if canImport(Glibc)
import Glibc
#endif

/// One judgement of an import, with its provenance already written as JSON (built from a per-file prefix rather
/// than a dictionary per row). The judgement's own `provenance` dictionary is not read.
///
/// Its observable's lookup key is worked out here, where it is made: the importer makes it on its parsing thread,
/// and the key cost the writing thread 15 % of a fresh import's instructions. Only an observable the writer may
/// insert needs it: with a `lookup` that finds the observable stored, it is not worked out (13k instructions per
/// line, a quarter of a re-import's parsing thread).
public struct ImportedJudgement: Sendable {
    public let judgement: Judgement
    public let provenanceJSON: String?
    /// The observable's `LookupHostKey`, when the writer may have to insert it.
    private(set) var hostKey: String?
    /// Its observable's row id when the import began, if it had one (`ImportObservableSnapshot`).
    var snapshotObservableID: Int64?
    /// The import's indicator's judgement of that observable by this row's source when the import began, if the
    /// parsing thread looked it up.
    var snapshotJudgement: SnapshotJudgement = .notLookedUp

    enum SnapshotJudgement: Sendable {
        case notLookedUp
        /// The judgement, or nil if there was none.
        case known(StoredJudgement?)
    }

    /// A stored judgement as a refresh needs it: its id, its window, and whether another source's judgement shares
    /// its (indicator, observable) pair.
    struct StoredJudgement: Sendable {
        var id: Int64
        var start: Int64
        var end: Int64?
        var shared: Bool
    }

    public init(judgement: Judgement, provenanceJSON: String?, lookup: ImportObservableLookup? = nil) {
        self.judgement = judgement
        self.provenanceJSON = provenanceJSON
        lookup?.resolve(&self)
        if snapshotObservableID == nil { hostKey = LookupHostKey.of(judgement.observable) }
    }
}

extension StoreWriter {
    /// The observables as this transaction found them, for an import's parsing thread to look up.
    public var importObservableSnapshot: ImportObservableSnapshot { ImportObservableSnapshot(db) }

    /// The import's write path: `body` records pages of judgements into `indicatorID` through one
    /// `JudgementImportWriter`, whose statements are prepared once. Same rows, labels, revision and versions as
    /// `record(_:in:)` row by row, at a fraction of the cost.
    ///
    /// While it runs, the connection's page cache is 64 MiB (SQLite's default is 2 MiB): the observable and uuid
    /// indexes take values in random order, and with the default almost every insert spilled a page to the WAL and
    /// read another back (half of a million-line import's time in its profile).
    ///
    /// The writer connection keeps statement journals in memory (`temp_store`, see `Store.init`): each statement
    /// that writes many rows and may stop half-way (the versions' INSERT … SELECT, the tally's settlements; before
    /// the triggers were set aside, every refresh's UPDATE; the 64-row INSERTs are OR FAIL and need none) keeps
    /// one, which SQLite otherwise spills to a temporary file once it has grown past 64 KiB and then writes page by
    /// page for every later statement (24 writes per refreshed line in the re-import's profile then). Only one
    /// statement's pages are in it at a time.
    ///
    /// `expectedRows` (about the input's line count) lets a large import set aside the indexes whose keys arrive in
    /// random order (at its first insert) and those a refresh moves (at its first refresh), and build them once at the
    /// end (`ImportSetAside`), when it is at least `largeImport` rows and the table holds no more than twice as many;
    /// the insert and update triggers are set aside by every import that inserts or refreshes.
    /// Everything set aside is back before this returns, also when `body` throws.
    public func importJudgements<T>(
        into indicatorID: String, expectedRows: Int = 0, largeImport: Int = JudgementImportWriter.largeImport,
        _ body: (JudgementImportWriter) throws -> T
    ) throws -> T {
        let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA cache_size = -65536")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
        let writer = try JudgementImportWriter(self, indicatorID: indicatorID, bulk: expectedRows >= largeImport ? expectedRows : nil)
        let result: T
        do {
            result = try body(writer)
        } catch {
            // The caller rolls back; should it keep the rows, the schema is whole again (or this throws instead).
            try writer.restoreSchema()
            throw error
        }
        try writer.restoreSchema()
        return result
    }
}

/// Writes pages of an import's judgements with reused statements bound through the C API. Valid only inside
/// `StoreWriter.importJudgements`.
public final class JudgementImportWriter {
    private let writer: StoreWriter
    private let indicatorID: String
    private let nowMicros: Int64
    private let findObservable: RawStatement
    private let maxObservableID: RawStatement
    private let findJudgement: RawStatement
    private let db: Database
    /// New judgements waiting for one multi-row INSERT: see `flushInserts`.
    private var inserts: [Insert] = []
    /// The text parameters of the statement being bound.
    private let text = StatementText()
    /// Rows per multi-row INSERT (judgements and observables): a statement's cursors are opened once for them all.
    static let insertBatch = 64

    private struct Insert {
        var uuid: String
        var observableID: Int64
        var row: ImportedJudgement
        var label: Int64
        /// Its observable is new: its tally is counted here, not by the settlement's SQL.
        var newObservable: Bool
    }
    /// Refreshes waiting to be written as one batch: see `flushRefreshes`.
    private var refreshes: [Refresh] = []
    private var refreshedIDs: Set<Int64> = []
    /// The judgements this import refreshed, and the stored observables it wrote a new judgement on: a row's
    /// `snapshotJudgement` is what the import began with, so it holds only for pairs in neither.
    private var refreshedInImport = RowIDBits()
    private var judgedInImport = RowIDBits()
    /// The tally owed for inserts since the deferral began: see `DeferredImportTallyMigration`.
    private let maxJudgementID: RawStatement
    private let deferTally: RawStatement
    private let settleTally: RawStatement
    private let endDeferral: RawStatement
    /// The largest judgement id before the deferred inserts, while the tally is deferred.
    private var deferredAbove: Int64?
    /// A refresh batch's earlier versions and tally, while the update triggers are set aside: see `flushRefreshes`.
    private let keepVersions: RawStatement
    private let keepVersionsOfRange: RawStatement
    private let unkeptVersions: RawStatement
    private let refreshRow: RawStatement
    private let untallyRefreshes: RawStatement
    private let tallyRefreshes: RawStatement
    private var refreshedYet = false
    /// The statements that write several rows at once, by kind and number of rows, prepared when first needed.
    private var multiRowStatements: [MultiRow: RawStatement] = [:]

    private struct MultiRow: Hashable {
        enum Kind { case observables, judgements }
        var kind: Kind
        var rows: Int
    }
    static let refreshBatch = 64

    private struct Refresh {
        var id: Int64
        var judgement: Judgement
        var provenanceJSON: String?
        var label: Int64
        var observableID: Int64
        /// The window before the refresh.
        var oldStart: Int64
        var oldEnd: Int64?
        /// Another judgement on the same (indicator, observable): its tally is the union of their windows.
        var shared: Bool
    }
    /// The observables of the waiting refreshes: an insert of another source's judgement on one of them writes the
    /// refreshes first, so that `shared` still holds when they are written.
    private var refreshedObservables: Set<Int64> = []
    private let addTally: RawStatement
    /// Tally changes of the page's written refreshes alone on their observable, summed per row of `judgement_tally`
    /// and written at the end of the page (or of a failed one): only deltas, which no statement of the import reads.
    private var tallyChanges: [TallyKey: TallyChange] = [:]
    /// The tally of the new judgements on new observables written since the deferral began, counted here: alone
    /// on their observable, each adds its own window's events and its creation. See `settleTallyIfDeferred`.
    private var insertTally: [TallyKey: TallyChange] = [:]
    /// The last run of such judgements with one window and type (an import's rows mostly share them), added to
    /// `insertTally` when the next differs: a dictionary update per row was 8 % of a fresh import's writer.
    private var ownRun: (start: Int64, end: Int64?, type: ObservableType, count: Int64)?
    /// Their observables: another judgement joining one of them settles first (then it is no longer alone).
    private var ownTallied: Set<Int64> = []
    /// The observables of the other new judgements (on observables stored before), which the settlement's SQL
    /// counts with their union of windows.
    private var settledBySQL: [Int64] = []

    /// Refreshed judgements alone on their observable, from one window to another.
    private struct WindowMove: Hashable {
        var type: ObservableType
        var oldStart: Int64
        var oldEnd: Int64?
        var newStart: Int64
        var newEnd: Int64?
    }

    private struct TallyKey: Hashable {
        var grain: Int64
        var at: Int64
        var type: ObservableType
    }

    private struct TallyChange {
        var starts: Int64 = 0
        var stops: Int64 = 0
        var ends: Int64 = 0
        var added: Int64 = 0
    }
    /// Whether the last observable was new: a fresh import tries the insert first, a re-import the look-up first.
    private var expectNew = true
    /// What the import took out of the schema at its first insert, put back by `restoreSchema`.
    private var setAside = ImportSetAside()
    private var insertedYet = false
    /// The expected rows of a large import, if it is one.
    private let bulk: Int?
    /// The size from which an import counts as large: below it, index inserts fit the page cache anyway.
    public static let largeImport = 50_000

    init(_ writer: StoreWriter, indicatorID: String, bulk: Int? = nil) throws {
        self.bulk = bulk
        let db = writer.db
        self.writer = writer
        self.indicatorID = indicatorID
        nowMicros = micros(writer.now)
        findObservable = try RawStatement(db, sql: "SELECT id FROM observable WHERE type = ?1 AND value = ?2")
        maxObservableID = try RawStatement(db, sql: "SELECT coalesce(max(id), 0) FROM observable")
        // Every source's judgement of the pair (usually one): the source's own, with its window, and whether
        // another shares the pair (see `flushRefreshes`), in one search of the unique index.
        findJudgement = try RawStatement(
            db, sql: "SELECT id, valid_start, valid_end, source FROM judgement WHERE indicator_id = ?1 AND observable_id = ?2"
        )
        addTally = try RawStatement(
            db,
            sql: """
                INSERT INTO judgement_tally (indicator_id, grain, at, type, starts, stops, ends, added)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                ON CONFLICT (indicator_id, grain, at, type) DO UPDATE SET starts = starts + excluded.starts,
                    stops = stops + excluded.stops, ends = ends + excluded.ends, added = added + excluded.added
                """
        )
        maxJudgementID = try RawStatement(db, sql: "SELECT coalesce(max(id), 0) FROM judgement")
        deferTally = try RawStatement(db, sql: "INSERT INTO judgement_tally_deferred (only) VALUES (1)")
        settleTally = try RawStatement(db, sql: DeferredImportTallyMigration.settlement)
        endDeferral = try RawStatement(db, sql: "DELETE FROM judgement_tally_deferred")
        keepVersions = try RawStatement(db, sql: DeferredImportTallyMigration.refreshVersions)
        keepVersionsOfRange = try RawStatement(db, sql: DeferredImportTallyMigration.refreshVersionsOfRange)
        unkeptVersions = try RawStatement(db, sql: DeferredImportTallyMigration.unkeptVersions)
        refreshRow = try RawStatement(
            db,
            sql: """
                UPDATE judgement SET disposition = ?2, confidence = ?3, severity = ?4, tlp = ?5, priority = ?6, reason = ?7,
                    valid_start = ?8, valid_end = ?9, provenance = ?10, label = ?11, modified = ?12
                WHERE id = ?1
                """
        )
        untallyRefreshes = try RawStatement(db, sql: DeferredImportTallyMigration.refreshSettlement(-1))
        tallyRefreshes = try RawStatement(db, sql: DeferredImportTallyMigration.refreshSettlement(1))
        self.db = db
        writer.touchedIndicators.insert(indicatorID)
    }

    /// Records each judgement as `record(_:in:)` would, in order, each with the next timestamp label.
    ///
    /// The tally of the page's new judgements is settled before any refresh and at the end (`settleTallyIfDeferred`),
    /// also when a row fails (the caller may roll back or keep what was written: either way flag and tally agree).
    public func record(_ page: [ImportedJudgement]) throws -> (added: Int, refreshed: Int) {
        do {
            return try recordDeferringTally(page)
        } catch {
            inserts.removeAll()
            do {
                try settleTallyIfDeferred()
                try writeTally(&tallyChanges)
            } catch {
                _ = try? endDeferral.step()
                endDeferral.reset()
                deferredAbove = nil
            }
            throw error
        }
    }

    private func recordDeferringTally(_ page: [ImportedJudgement]) throws -> (added: Int, refreshed: Int) {
        var added = 0
        var refreshed = 0
        var uuids = JudgementUUIDs(count: page.count)
        var chunkStart = page.startIndex
        while chunkStart < page.endIndex {
            let chunk = page[chunkStart..<min(chunkStart + Self.insertBatch, page.endIndex)]
            chunkStart = chunk.endIndex
            for (row, (observableID, newObservable)) in zip(chunk, try observableIDs(of: chunk)) {
                let judgement = row.judgement
                let label = try writer.nextLabel()
                var existing: Existing?
                if !newObservable {
                    if case .known(let stored) = row.snapshotJudgement, !judgedInImport.contains(observableID),
                        !(stored.map { refreshedInImport.contains($0.id) } ?? false)
                    {
                        // As the import began, and the import has not touched the pair since.
                        existing = stored
                    } else {
                        try flushInserts()
                        existing = try existingJudgement(observableID, source: judgement.source)
                        if let found = existing, refreshedIDs.contains(found.id) {
                            // The same judgement twice: its first refresh is written before the second, as row by
                            // row, and the second moves it from the window the first gave it.
                            try flushRefreshes()
                            existing = try existingJudgement(observableID, source: judgement.source)
                        }
                    }
                    if existing == nil, refreshedObservables.contains(observableID) { try flushRefreshes() }
                }
                if let existing {
                    refreshes.append(
                        Refresh(
                            id: existing.id, judgement: judgement, provenanceJSON: row.provenanceJSON, label: label.microseconds,
                            observableID: observableID, oldStart: existing.start, oldEnd: existing.end, shared: existing.shared
                        )
                    )
                    refreshedIDs.insert(existing.id)
                    refreshedInImport.insert(existing.id)
                    refreshedObservables.insert(observableID)
                    if refreshes.count == Self.refreshBatch { try flushRefreshes() }
                    refreshed += 1
                } else {
                    if !newObservable, ownTallied.contains(observableID) { try settleTallyIfDeferred() }
                    try deferTallyIfNeeded()
                    if newObservable {
                        ownTallied.insert(observableID)
                    } else {
                        settledBySQL.append(observableID)
                        judgedInImport.insert(observableID)
                    }
                    inserts.append(
                        Insert(uuid: uuids.next(), observableID: observableID, row: row, label: label.microseconds, newObservable: newObservable)
                    )
                    if inserts.count == Self.insertBatch { try flushInserts() }
                    added += 1
                }
            }
        }
        try flushRefreshes()
        try settleTallyIfDeferred()
        try writeTally(&tallyChanges)
        return (added, refreshed)
    }

    private typealias Existing = ImportedJudgement.StoredJudgement

    /// The indicator's judgement of the observable by `source`, with its window and whether another judgement
    /// shares its observable.
    private func existingJudgement(_ observableID: Int64, source: String) throws -> Existing? {
        findJudgement.bind(1, indicatorID)
        findJudgement.bind(2, observableID)
        defer { findJudgement.reset() }
        var own: Existing?
        var judgements = 0
        while try findJudgement.step() {
            judgements += 1
            if own == nil, findJudgement.text(column: 3, equals: source) {
                own = Existing(
                    id: findJudgement.int64(column: 0), start: findJudgement.int64(column: 1),
                    end: findJudgement.optionalInt64(column: 2), shared: false
                )
            }
        }
        own?.shared = judgements > 1
        return own
    }

    /// Writes the waiting new judgements in one multi-row INSERT, in order (so with the same row ids as one by one).
    private func flushInserts() throws {
        guard !inserts.isEmpty else { return }
        func bind(_ statement: RawStatement, _ inserts: ArraySlice<Insert>) {
            text.clear()
            statement.bind(1, indicatorID)
            statement.bind(2, nowMicros)
            var index: Int32 = 3
            for insert in inserts {
                let judgement = insert.row.judgement
                statement.bind(index, insert.uuid, in: text)
                statement.bind(index + 1, insert.observableID)
                statement.bind(index + 2, judgement.source, in: text)
                bindContent(statement, from: index + 3, judgement, provenanceJSON: insert.row.provenanceJSON)
                statement.bind(index + 12, insert.label)
                index += 13
            }
        }
        let statement = try multiRowStatement(.judgements, rows: inserts.count)
        bind(statement, inserts[...])
        let whole = try stepBatch(statement) {
            // What the refused statement kept: the rows before the refused one under OR FAIL, none if it was rolled
            // back (a trigger's RAISE(ABORT)). Those are written; the others go one by one.
            let kept = min(Int(statement.changes), inserts.count)
            inserts.prefix(kept).forEach(tallyInserted)
            let single = try multiRowStatement(.judgements, rows: 1)
            for index in inserts.indices.dropFirst(kept) {
                bind(single, inserts[index...index])
                _ = try single.step()
                single.reset()
                tallyInserted(inserts[index])
            }
        }
        if whole { inserts.forEach(tallyInserted) }
        inserts.removeAll(keepingCapacity: true)
    }

    /// A written new judgement alone on its new observable: what `judgement_tally_insert_alone` adds.
    private func tallyInserted(_ insert: Insert) {
        guard insert.newObservable else { return }
        let judgement = insert.row.judgement
        let start = micros(judgement.validTime.start)
        let end = judgement.validTime.end.map(micros)
        if let run = ownRun, run.start == start, run.end == end, run.type == judgement.observable.type {
            ownRun?.count += 1
            return
        }
        addOwnRun()
        ownRun = (start, end, judgement.observable.type, 1)
    }

    private func addOwnRun() {
        guard let run = ownRun else { return }
        Self.addOwnWindow(run.count, start: run.start, end: run.end, type: run.type, to: &insertTally)
        insertTally[TallyKey(grain: 1, at: Self.day(nowMicros), type: run.type), default: TallyChange()].added += run.count
        ownRun = nil
    }

    /// The nine columns an import writes and a refresh rewrites, in the order of both statements: disposition,
    /// confidence, severity, tlp, priority, reason, valid_start, valid_end, provenance.
    private func bindContent(_ statement: RawStatement, from index: Int32, _ judgement: Judgement, provenanceJSON: String?) {
        statement.bind(index, Int64(judgement.disposition.rawValue))
        statement.bind(index + 1, judgement.confidence.rawValue, in: text)
        statement.bind(index + 2, judgement.severity.rawValue, in: text)
        statement.bind(index + 3, judgement.tlp.rawValue, in: text)
        statement.bind(index + 4, Int64(judgement.priority))
        statement.bind(index + 5, judgement.reason, in: text)
        statement.bind(index + 6, micros(judgement.validTime.start))
        statement.bind(index + 7, judgement.validTime.end.map(micros))
        statement.bind(index + 8, provenanceJSON, in: text)
    }

    /// Runs a multi-row INSERT; true if it went in whole. Should SQLite refuse it (a trigger, a constraint) while
    /// the transaction is still open, `rowByRow` writes the rows the statement did not keep one at a time, so that
    /// the rows before the refused one are written and the error names that row, as without batches.
    private func stepBatch(_ statement: RawStatement, rowByRow: () throws -> Void) throws -> Bool {
        do {
            _ = try statement.step()
            statement.reset()
            return true
        } catch {
            guard !statement.inAutocommit else { throw error }
            try rowByRow()
            return false
        }
    }

    private func deferTallyIfNeeded() throws {
        guard deferredAbove == nil else { return }
        let above = try largestJudgementID()
        if !insertedYet {
            insertedYet = true
            try setAside.dropInsertTriggers(db)
            if isLarge(againstLargestID: above) {
                try setAside.dropRandomOrderIndexes(db)
                // Only the observables' unique index still takes random keys: a smaller cache leaves room for the
                // index build at the end under the import's memory limit (150 MiB for a million lines).
                try db.execute(sql: "PRAGMA cache_size = -\(ImportSetAside.bulkCacheKiB)")
            }
        }
        _ = try deferTally.step()
        deferTally.reset()
        deferredAbove = above
    }

    /// Whether the import is large (`bulk`) and the judgement table holds no more than twice its rows, so that
    /// building an index from every row at the end costs less than keeping it row by row. Row ids stand in for the
    /// row count (deletions leave gaps; the estimate only errs towards keeping).
    private func isLarge(againstLargestID largest: Int64) -> Bool {
        guard let bulk else { return false }
        return largest <= 2 * Int64(bulk)
    }

    private func largestJudgementID() throws -> Int64 {
        // Reset before any DDL that follows: a pending statement would lock the schema.
        defer { maxJudgementID.reset() }
        guard try maxJudgementID.step() else { throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "no largest judgement id") }
        return maxJudgementID.int64(column: 0)
    }

    /// Puts back what the import set aside (rebuilding the indexes, if any, from every row).
    func restoreSchema() throws {
        guard !setAside.isEmpty else { return }
        try setAside.restore(db)
    }

    /// Adds what the insert triggers skipped since `deferTallyIfNeeded`, and ends the deferral.
    ///
    /// New judgements on new observables (all of a fresh import's) are counted as they are written
    /// (`tallyInserted`): the settlement's grouping SQL cost more than the inserts themselves. The others, on
    /// observables stored before, may share them with another source: the SQL counts those.
    private func settleTallyIfDeferred() throws {
        try flushInserts()
        guard let above = deferredAbove else { return }
        if !settledBySQL.isEmpty {
            settleTally.bind(1, indicatorID)
            settleTally.bind(2, above)
            settleTally.bind(3, Self.jsonArray(settledBySQL))
            defer { settleTally.reset() }
            _ = try settleTally.step()
        }
        addOwnRun()
        try writeTally(&insertTally)
        _ = try endDeferral.step()
        endDeferral.reset()
        deferredAbove = nil
        ownTallied.removeAll(keepingCapacity: true)
        settledBySQL.removeAll(keepingCapacity: true)
    }

    /// Adds the changes to `judgement_tally`, one upsert per row, and empties them.
    private func writeTally(_ changes: inout [TallyKey: TallyChange]) throws {
        for (key, change) in changes where change.starts != 0 || change.stops != 0 || change.ends != 0 || change.added != 0 {
            addTally.bind(1, indicatorID)
            addTally.bind(2, key.grain)
            addTally.bind(3, key.at)
            addTally.bind(4, key.type.rawValue)
            addTally.bind(5, change.starts)
            addTally.bind(6, change.stops)
            addTally.bind(7, change.ends)
            addTally.bind(8, change.added)
            defer { addTally.reset() }
            _ = try addTally.step()
        }
        changes.removeAll(keepingCapacity: true)
    }

    /// Writes the waiting refreshes: same rows, values, labels and versions as row by row.
    ///
    /// The update triggers (earlier versions, tally) are set aside at the first refresh (`ImportSetAside`): per row
    /// they ran a dozen upserts through sub-programs, each UPDATE with a statement journal. Their work is done per
    /// batch of 64 instead: the rows as they are kept as versions (one INSERT … SELECT), their pairs' tally taken
    /// away, the rows' UPDATEs, their pairs' tally added again.
    private func flushRefreshes() throws {
        guard !refreshes.isEmpty else { return }
        // The refresh settlement reads the refreshed rows' observables: the tally must count every row first.
        try settleTallyIfDeferred()
        if !refreshedYet {
            refreshedYet = true
            try setAside.dropUpdateTriggers(db)
            if isLarge(againstLargestID: try largestJudgementID()) {
                try setAside.dropRefreshMovedIndexes(db)
                // As for the inserts' set-aside indexes: room for their build at the end under the memory limit.
                try db.execute(sql: "PRAGMA cache_size = -\(ImportSetAside.bulkCacheKiB)")
            }
        }
        defer {
            refreshedObservables.removeAll(keepingCapacity: true)
            refreshes.removeAll(keepingCapacity: true)
            refreshedIDs.removeAll(keepingCapacity: true)
        }
        try write(refreshes[...])
    }

    /// The batch's earlier versions, its shared pairs' tally out and in again around the rows' UPDATEs, and the
    /// window moves of the rows alone on their observable into `tallyChanges`.
    ///
    /// Should SQLite refuse a row (a trigger, a constraint) while the transaction is still open, what was written
    /// for it and the rows after it is taken back (their versions; the shared pairs' tally is counted again as the
    /// rows now stand), so that a caller that keeps what was written has the rows before it whole, as with the
    /// inserts' batches. A savepoint per batch did the same at 5.6k instructions per row (callgrind, a re-import of
    /// 60,000 lines: 5.89 G against 5.55 G); this costs nothing until a row is refused.
    private func write(_ batch: ArraySlice<Refresh>) throws {
        // Ids one after another (a re-import's usual batch) are one range; the batch's ids are distinct.
        let consecutive = zip(batch, batch.dropFirst()).allSatisfy { $1.id == $0.id + 1 }
        let anyShared = batch.contains(where: \.shared)
        let sharedIDs = anyShared ? Self.jsonArray(batch.lazy.filter(\.shared).map(\.id)) : "[]"
        var versionsKept = false
        var untallied = false
        var written = batch.startIndex
        do {
            if consecutive, let first = batch.first, let last = batch.last {
                keepVersionsOfRange.bind(1, first.id)
                keepVersionsOfRange.bind(2, last.id)
                defer { keepVersionsOfRange.reset() }
                _ = try keepVersionsOfRange.step()
            } else {
                try run(keepVersions, Self.jsonArray(batch.lazy.map(\.id)))
            }
            versionsKept = true
            if anyShared {
                try run(untallyRefreshes, sharedIDs)
                untallied = true
            }
            // One UPDATE per row by its id: SQLite writes such an UPDATE in one pass, without the temporary table
            // and statement journal of an UPDATE … FROM (VALUES …) of many rows.
            refreshRow.bind(12, nowMicros)
            for refresh in batch {
                text.clear()
                refreshRow.bind(1, refresh.id)
                bindContent(refreshRow, from: 2, refresh.judgement, provenanceJSON: refresh.provenanceJSON)
                refreshRow.bind(11, refresh.label)
                defer { refreshRow.reset() }
                _ = try refreshRow.step()
                written += 1
            }
            if anyShared {
                try run(tallyRefreshes, sharedIDs)
                untallied = false
            }
        } catch {
            guard !refreshRow.inAutocommit else { throw error }
            do {
                if versionsKept, written < batch.endIndex {
                    try run(unkeptVersions, Self.jsonArray(batch[written...].lazy.map(\.id)))
                }
                if untallied { try run(tallyRefreshes, sharedIDs) }
            } catch {}  // the refusal is what the caller needs to see; it rolls back if it cannot keep this
            countMoves(batch[..<written])
            throw error
        }
        countMoves(batch)
    }

    /// A JSON array of ids for `json_each` (without `String.count`, which walks the string: a refresh batch's lists
    /// were 4.5k instructions per row with it).
    private static func jsonArray(_ ids: some Sequence<Int64>) -> String {
        var json = "["
        for id in ids {
            if json.utf8.last != UInt8(ascii: "[") { json += "," }
            json += String(id)
        }
        return json + "]"
    }

    private func run(_ statement: RawStatement, _ json: String) throws {
        statement.bind(1, json)
        defer { statement.reset() }
        _ = try statement.step()
    }

    /// Moves the tally of the written refreshes alone on their observable from their old window to their new one.
    /// A re-import moves every row from one window to one other: counted per pair of windows, not per row.
    /// Rows with the same move as the row before are counted without a dictionary update (1.8k instructions per
    /// refreshed row with one).
    private func countMoves(_ written: ArraySlice<Refresh>) {
        var moves: [WindowMove: Int64] = [:]
        var run: (move: WindowMove, count: Int64)?
        for refresh in written where !refresh.shared {
            let move = WindowMove(
                type: refresh.judgement.observable.type, oldStart: refresh.oldStart, oldEnd: refresh.oldEnd,
                newStart: micros(refresh.judgement.validTime.start), newEnd: refresh.judgement.validTime.end.map(micros)
            )
            if run?.move == move {
                run?.count += 1
                continue
            }
            if let run { moves[run.move, default: 0] += run.count }
            run = (move, 1)
        }
        if let run { moves[run.move, default: 0] += run.count }
        for (move, count) in moves {
            Self.addOwnWindow(-count, start: move.oldStart, end: move.oldEnd, type: move.type, to: &tallyChanges)
            Self.addOwnWindow(count, start: move.newStart, end: move.newEnd, type: move.type, to: &tallyChanges)
        }
    }

    /// `times` × the events of one judgement's own window (negative to take them away), per instant and per day, as
    /// v17's `judgement_tally_update_alone` adds them: a start if the window is not empty, a stop (if not empty) and
    /// an end at its end.
    private static func addOwnWindow(_ times: Int64, start: Int64, end: Int64?, type: ObservableType, to changes: inout [TallyKey: TallyChange]) {
        for grain: Int64 in [0, 1] {
            func at(_ micros: Int64) -> Int64 { grain == 0 ? micros : JudgementImportWriter.day(micros) }
            if end.map({ $0 >= start }) ?? true {
                changes[TallyKey(grain: grain, at: at(start), type: type), default: TallyChange()].starts += times
            }
            if let end {
                changes[TallyKey(grain: grain, at: at(end), type: type), default: TallyChange()].stops += end >= start ? times : 0
                changes[TallyKey(grain: grain, at: at(end), type: type), default: TallyChange()].ends += times
            }
        }
    }

    /// The UTC day of a microsecond time, rounded down also before 1970 (as `JudgementTallyMigration.day`).
    static func day(_ micros: Int64) -> Int64 {
        let perDay = JudgementTallyMigration.microsPerDay
        return (micros - ((micros % perDay) + perDay) % perDay) / perDay
    }

    private func multiRowStatement(_ kind: MultiRow.Kind, rows: Int) throws -> RawStatement {
        let key = MultiRow(kind: kind, rows: rows)
        if let statement = multiRowStatements[key] { return statement }
        // Numbered parameters: an anonymous `?` after `?N` would take N + 1 onwards.
        //
        // OR FAIL: a refused row stops the statement and keeps the rows before it (the caller writes on from there:
        // `stepBatch`), so SQLite keeps no statement journal to take them back. With the default (ABORT) every
        // INSERT of many rows copied each page it changed into that journal and freed it at the end: 8.3k
        // instructions per row of 60,000 in `sqlite3` alone (callgrind), a seventh of a fresh import's writer.
        let sql: String
        switch kind {
        case .observables:
            let values = (0..<rows).map { row in "(?\(row * 3 + 1), ?\(row * 3 + 2), ?\(row * 3 + 3))" }
            sql = "INSERT OR FAIL INTO observable (type, value, host_key) VALUES \(values.joined(separator: ", ")) ON CONFLICT (type, value) DO NOTHING"
        case .judgements:
            // `?1` the indicator, `?2` the time of the import (created and modified), then 13 per row.
            let values = (0..<rows).map { row in
                let own = (0..<13).map { "?\(3 + row * 13 + $0)" }
                return "(\(own[0]), ?1, \(own[1...12].joined(separator: ", ")), ?2, ?2)"
            }
            sql = """
                INSERT OR FAIL INTO judgement (uuid, indicator_id, observable_id, source, disposition, confidence, severity, tlp,
                    priority, reason, valid_start, valid_end, provenance, label, created, modified)
                VALUES \(values.joined(separator: ", "))
                """
        }
        let statement = try RawStatement(db, sql: sql)
        multiRowStatements[key] = statement
        return statement
    }

    /// The row ids of a chunk's observables, and whether each is new (then no judgement can refer to it yet).
    ///
    /// While observables come new (a fresh import), the chunk goes in as one multi-row INSERT: SQLite gives a
    /// table without AUTOINCREMENT the largest row id + 1, row after row, so when every row went in their ids
    /// follow the largest before it. Otherwise each is looked up (new if above that largest id), and while they
    /// come known (a re-import) they are looked up first, one by one, unless the parsing thread found them stored
    /// when the import began (`ImportObservableSnapshot`).
    private func observableIDs(of chunk: ArraySlice<ImportedJudgement>) throws -> [(Int64, new: Bool)] {
        // Observables the import found stored when it began are not new; the others may be.
        if !expectNew || chunk.contains(where: { $0.snapshotObservableID != nil }) {
            return try chunk.map { row in try row.snapshotObservableID.map { ($0, false) } ?? observableID(of: row) }
        }
        let before = try largestObservableID()
        let statement = try multiRowStatement(.observables, rows: chunk.count)
        bindObservables(statement, chunk)
        _ = try stepBatch(statement) {
            let single = try multiRowStatement(.observables, rows: 1)
            for index in chunk.indices {
                bindObservables(single, chunk[index...index])
                _ = try single.step()
                single.reset()
            }
        }
        let inserted = Int(try largestObservableID() - before)
        expectNew = inserted > 0
        if inserted == chunk.count {
            return (1...Int64(chunk.count)).map { (before + $0, true) }
        }
        // An observable twice in the chunk is new only the first time.
        var seen = Set<Int64>()
        return try chunk.map { row in
            guard let id = try findObservableID(row.judgement.observable) else {
                throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "observable neither inserted nor found")
            }
            return (id, id > before && seen.insert(id).inserted)
        }
    }

    private func bindObservables(_ statement: RawStatement, _ rows: ArraySlice<ImportedJudgement>) {
        text.clear()
        var index: Int32 = 1
        for row in rows {
            statement.bind(index, row.judgement.observable.type.rawValue, in: text)
            statement.bind(index + 1, row.judgement.observable.value, in: text)
            statement.bind(index + 2, row.hostKey, in: text)
            index += 3
        }
    }

    private func largestObservableID() throws -> Int64 {
        defer { maxObservableID.reset() }
        guard try maxObservableID.step() else { throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "no largest observable id") }
        return maxObservableID.int64(column: 0)
    }

    /// The observable's row id, inserting it if it is new (then no judgement can refer to it yet).
    private func observableID(of row: ImportedJudgement) throws -> (Int64, new: Bool) {
        let observable = row.judgement.observable
        if !expectNew, let id = try findObservableID(observable) { return (id, false) }
        let insert = try multiRowStatement(.observables, rows: 1)
        bindObservables(insert, [row])
        _ = try insert.step()
        insert.reset()
        if insert.changes == 1 {
            expectNew = true
            return (insert.lastInsertedRowID, true)
        }
        expectNew = false
        guard let id = try findObservableID(observable) else {
            throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "observable neither inserted nor found")
        }
        return (id, false)
    }

    private func findObservableID(_ observable: Observable) throws -> Int64? {
        findObservable.bind(1, observable.type.rawValue)
        findObservable.bind(2, observable.value)
        defer { findObservable.reset() }
        return try findObservable.step() ? findObservable.int64(column: 0) : nil
    }
}

/// `judgement-<uuid v4>` ids for one page, from one read of the kernel's generator rather than a call per id, made
/// at the first id (a page of refreshes needs none).
struct JudgementUUIDs {
    private var words: [UInt64] = []
    private var position = 0
    private let count: Int

    init(count: Int) {
        self.count = max(count, 1)
    }

    mutating func next() -> String {
        if position + 1 >= words.count {
            if words.isEmpty { words = [UInt64](repeating: 0, count: 2 * count) }
            words.withUnsafeMutableBytes { JudgementUUIDs.fillRandom($0) }
            position = 0
        }
        defer { position += 2 }
        return "judgement-" + RandomUUID.v4(random: (words[position], words[position + 1]))
    }

    /// From the kernel's generator (`/dev/urandom`, as getrandom(2) but callable from Swift), in one read per page;
    /// the standard generator if that fails.
    private static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        #if canImport(Glibc)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            var filled = 0
            while filled < buffer.count {
                let got = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if got > 0 {
                    filled += got
                } else if got == 0 || errno != EINTR {
                    break
                }
            }
            if filled == buffer.count { return }
        }
        #endif
        var generator = SystemRandomNumberGenerator()
        for offset in stride(from: 0, to: buffer.count, by: 8) {
            buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: offset, as: UInt64.self)
        }
    }
}
