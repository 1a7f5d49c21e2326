import Foundation
import GRDB
import ThreatFeedCore

#if canImport(Glibc)
import Glibc
#endif

/// One judgement of an import, with its provenance already written as JSON (built from a per-file prefix rather
/// than a dictionary per row). The judgement's own `provenance` dictionary is not read.
public struct ImportedJudgement: Sendable {
    public var judgement: Judgement
    public var provenanceJSON: String?

    public init(judgement: Judgement, provenanceJSON: String?) {
        self.judgement = judgement
        self.provenanceJSON = provenanceJSON
    }
}

extension StoreWriter {
    /// The import's write path: `body` records pages of judgements into `indicatorID` through one
    /// `JudgementImportWriter`, whose statements are prepared once. Same rows, labels, revision and versions as
    /// `record(_:in:)` row by row, at a fraction of the cost.
    ///
    /// While it runs, the connection's page cache is 64 MiB (SQLite's default is 2 MiB): the observable and uuid
    /// indexes take values in random order, and with the default almost every insert spilled a page to the WAL and
    /// read another back (half of a million-line import's time in its profile).
    ///
    /// Run it in `Store.writeImport`'s transaction, which keeps statement journals in memory: a refresh fires
    /// `judgement_keeps_versions`, so each UPDATE keeps a statement journal, which SQLite otherwise spills to a
    /// temporary file once it has grown past 64 KiB and then writes page by page for every later statement
    /// (24 writes per refreshed line in the re-import's profile). Only one statement's pages are in it at a time.
    public func importJudgements<T>(into indicatorID: String, _ body: (JudgementImportWriter) throws -> T) throws -> T {
        let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA cache_size = -65536")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
        return try body(try JudgementImportWriter(self, indicatorID: indicatorID))
    }
}

/// Writes pages of an import's judgements with reused statements bound through the C API. Valid only inside
/// `StoreWriter.importJudgements`.
public final class JudgementImportWriter {
    private let writer: StoreWriter
    private let indicatorID: String
    private let nowMicros: Int64
    private let insertObservable: RawStatement
    private let findObservable: RawStatement
    private let findJudgement: RawStatement
    private let insertJudgement: RawStatement
    private let refreshJudgement: RawStatement
    /// Whether the last observable was new: a fresh import tries the insert first, a re-import the look-up first.
    private var expectNew = true

    init(_ writer: StoreWriter, indicatorID: String) throws {
        let db = writer.db
        self.writer = writer
        self.indicatorID = indicatorID
        nowMicros = micros(writer.now)
        insertObservable = try RawStatement(
            db, sql: "INSERT INTO observable (type, value, host_key) VALUES (?1, ?2, ?3) ON CONFLICT (type, value) DO NOTHING"
        )
        findObservable = try RawStatement(db, sql: "SELECT id FROM observable WHERE type = ?1 AND value = ?2")
        findJudgement = try RawStatement(db, sql: "SELECT id FROM judgement WHERE indicator_id = ?1 AND observable_id = ?2 AND source = ?3")
        insertJudgement = try RawStatement(
            db,
            sql: """
                INSERT INTO judgement (uuid, indicator_id, observable_id, source, disposition, confidence, severity, tlp,
                    priority, reason, valid_start, valid_end, provenance, label, created, modified)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)
                """
        )
        refreshJudgement = try RawStatement(
            db,
            sql: """
                UPDATE judgement SET disposition = ?1, confidence = ?2, severity = ?3, tlp = ?4, priority = ?5, reason = ?6,
                    valid_start = ?7, valid_end = ?8, provenance = ?9, label = ?10, modified = ?11
                WHERE id = ?12
                """
        )
        writer.touchedIndicators.insert(indicatorID)
    }

    /// Records each judgement as `record(_:in:)` would, in order, each with the next timestamp label.
    public func record(_ page: [ImportedJudgement]) throws -> (added: Int, refreshed: Int) {
        var added = 0
        var refreshed = 0
        var uuids = JudgementUUIDs(count: page.count)
        for row in page {
            let judgement = row.judgement
            let label = try writer.nextLabel()
            let (observableID, newObservable) = try observableID(of: judgement.observable)
            var existing: Int64?
            if !newObservable {
                findJudgement.bind(1, indicatorID)
                findJudgement.bind(2, observableID)
                findJudgement.bind(3, judgement.source)
                if try findJudgement.step() { existing = findJudgement.int64(column: 0) }
                findJudgement.reset()
            }
            let start = micros(judgement.validTime.start)
            let end = judgement.validTime.end.map(micros)
            if let existing {
                let statement = refreshJudgement
                statement.bind(1, Int64(judgement.disposition.rawValue))
                statement.bind(2, judgement.confidence.rawValue)
                statement.bind(3, judgement.severity.rawValue)
                statement.bind(4, judgement.tlp.rawValue)
                statement.bind(5, Int64(judgement.priority))
                statement.bind(6, judgement.reason)
                statement.bind(7, start)
                statement.bind(8, end)
                statement.bind(9, row.provenanceJSON)
                statement.bind(10, label.microseconds)
                statement.bind(11, nowMicros)
                statement.bind(12, existing)
                _ = try statement.step()
                statement.reset()
                refreshed += 1
            } else {
                let statement = insertJudgement
                statement.bind(1, uuids.next())
                statement.bind(2, indicatorID)
                statement.bind(3, observableID)
                statement.bind(4, judgement.source)
                statement.bind(5, Int64(judgement.disposition.rawValue))
                statement.bind(6, judgement.confidence.rawValue)
                statement.bind(7, judgement.severity.rawValue)
                statement.bind(8, judgement.tlp.rawValue)
                statement.bind(9, Int64(judgement.priority))
                statement.bind(10, judgement.reason)
                statement.bind(11, start)
                statement.bind(12, end)
                statement.bind(13, row.provenanceJSON)
                statement.bind(14, label.microseconds)
                statement.bind(15, nowMicros)
                _ = try statement.step()
                statement.reset()
                added += 1
            }
        }
        return (added, refreshed)
    }

    /// The observable's row id, inserting it if it is new (then no judgement can refer to it yet).
    private func observableID(of observable: Observable) throws -> (Int64, new: Bool) {
        if !expectNew, let id = try findObservableID(observable) { return (id, false) }
        insertObservable.bind(1, observable.type.rawValue)
        insertObservable.bind(2, observable.value)
        insertObservable.bind(3, LookupHostKey.of(observable))
        _ = try insertObservable.step()
        insertObservable.reset()
        if insertObservable.changes == 1 {
            expectNew = true
            return (insertObservable.lastInsertedRowID, true)
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

/// `judgement-<uuid v4>` ids for one page, from one read of the kernel's generator rather than a call per id.
struct JudgementUUIDs {
    private var words: [UInt64]
    private var position = 0

    init(count: Int) {
        words = [UInt64](repeating: 0, count: 2 * max(count, 1))
        words.withUnsafeMutableBytes { JudgementUUIDs.fillRandom($0) }
    }

    mutating func next() -> String {
        if position + 1 >= words.count {
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
