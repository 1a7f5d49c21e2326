import Foundation
import GRDB
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedStore

/// The import's page writer stores exactly what `record(_:in:)` stores row by row: the same observables, judgement
/// columns (but the random uuid), labels in order, earlier versions and indicator revision.
@Suite struct ImportWriterTests {
    static let values = [
        "new.example", "https://new.example/path", "192.0.2.7", "2001:db8::1", String(repeating: "ab", count: 32),
        "shared.example", "new.example",  // the same value twice in one import: the second refreshes the first
        "", "reason.example",
        // from the second import on, another source joins a stored pair before the list's own judgement of it is
        // refreshed: the pair is shared from then on, which the import's snapshot did not know
        "etd:pair.example", "pair.example",
        "shared.example",  // stored before the first import (another indicator's), judged by it, then refreshed
    ] + (0..<150).map { "bulk\($0).example" }  // more than one 64-row UPDATE of refreshes

    /// What each round adds: all but the values seen twice in the first, the other source's pair in the second.
    static func added(round: Int, rows: Int) -> Int { [rows - 2, 1, 0][round] }

    func judgements(start: Date, round: Int) throws -> [ImportedJudgement] {
        try Self.values.enumerated().compactMap { line, value in
            guard !value.isEmpty else { return nil }
            let other = value.hasPrefix("etd:")
            if other, round == 0 { return nil }
            let judgement = Judgement(
                observable: try Observable(parsing: other ? String(value.dropFirst(4)) : value), source: other ? "etd" : "import:list.txt",
                reason: value.hasPrefix("reason") ? "round \(round)" : nil,
                validTime: ValidTime(start: start, end: value.hasPrefix("192") ? nil : start.addingTimeInterval(86_400))
            )
            return ImportedJudgement(judgement: judgement, provenanceJSON: #"{"import.line":"\#(line + 1)"}"#)
        }
    }

    /// Every table the writes touch, as rows of text, without the random ids (uuids, indicator ids).
    func snapshot(_ store: Store) throws -> [String] {
        try DatabaseQueue(path: store.path).read { db in
            try ["SELECT id, type, value, host_key FROM observable ORDER BY id",
                 """
                 SELECT id, observable_id, source, disposition, confidence, severity, tlp, priority, reason, valid_start,
                     valid_end, provenance, label, created, modified FROM judgement ORDER BY id
                 """,
                 """
                 SELECT judgement_id, disposition, confidence, severity, tlp, priority, reason, valid_start, valid_end,
                     provenance, label, modified FROM judgement_version ORDER BY judgement_id, label
                 """,
                 "SELECT name, revision FROM indicator ORDER BY name",
                 // the import settles the tally per page; the same figures as the per-row triggers (which may leave
                 // rows whose events cancelled out)
                 """
                 SELECT i.name, t.grain, t.at, t.type, t.starts, t.stops, t.ends, t.added FROM judgement_tally t
                 JOIN indicator i ON i.id = t.indicator_id WHERE t.starts <> 0 OR t.stops <> 0 OR t.ends <> 0 OR t.added <> 0
                 ORDER BY i.name, t.grain, t.at, t.type
                 """,
                 "SELECT count(*) AS deferred FROM judgement_tally_deferred",
                 // what an import sets aside (triggers, indexes) is back, in the same definitions
                 "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
                 "SELECT value FROM store_state WHERE key = 'last_label'",
                 // indexes rebuilt at the end of a large import hold exactly the table's rows
                 "PRAGMA integrity_check"].flatMap { sql in
                try Row.fetchAll(db, sql: sql).map { "\($0)" }
            }
        }
    }

    /// `bulk`: the import counts as large (`ImportSetAside` drops the random-order indexes) from its first insert.
    /// `storedIDs`: the rows carry the observable ids found stored when the import began, as the importer's parsing
    /// thread marks them (`ImportObservableSnapshot`).
    func fill(_ store: Store, clock: TestClock, pages: Bool, bulk: Bool = false, storedIDs: Bool = false) throws {
        // Another indicator already holds one value: the import shares its observable row.
        try store.writeNow { writer in
            let (other, _) = try writer.indicator(named: EntityName("other"))
            try writer.record(
                Judgement(observable: try Observable(parsing: "shared.example"), source: "etd", validTime: ValidTime(start: clock.now, end: nil)),
                in: other.id
            )
        }
        for round in 0..<3 {
            clock.advance(by: 60)
            var rows = try judgements(start: clock.now, round: round)
            try store.writeNow { writer in
                let (target, _) = try writer.indicator(named: EntityName("imported"))
                if storedIDs {
                    // made as the parsing thread makes them: a stored observable's host key is not worked out
                    rows = writer.importObservableSnapshot.withLookup(indicatorID: target.id) { lookup in
                        rows.map { ImportedJudgement(judgement: $0.judgement, provenanceJSON: $0.provenanceJSON, lookup: lookup) }
                    }
                    #expect(rows.allSatisfy { $0.hostKey == ($0.snapshotObservableID == nil ? LookupHostKey.of($0.judgement.observable) : nil) })
                    let found = rows.filter { $0.snapshotObservableID != nil }.count
                    // another indicator's "shared.example" (twice) before the first import; every value after it
                    #expect(found == (round == 0 ? 2 : rows.count), "round \(round)")
                    let judged = rows.filter { if case .known(.some) = $0.snapshotJudgement { true } else { false } }.count
                    // all but the other source's first judgement of "pair.example" in the second round
                    #expect(judged == [0, rows.count - 1, rows.count][round], "round \(round)")
                }
                if pages {
                    // Two pages, so a refresh can come from a later page than its insert.
                    let counts = try writer.importJudgements(into: target.id, expectedRows: rows.count, largeImport: bulk ? 1 : .max) { page in
                        (try page.record(Array(rows.prefix(4))), try page.record(Array(rows.dropFirst(4))))
                    }
                    let added = counts.0.added + counts.1.added
                    let refreshed = counts.0.refreshed + counts.1.refreshed
                    #expect(added + refreshed == rows.count)
                    #expect(added == Self.added(round: round, rows: rows.count), "round \(round): \(counts)")
                } else {
                    for row in rows {
                        var judgement = row.judgement
                        judgement.provenance = ["import.line": String(row.provenanceJSON!.dropFirst(16).dropLast(2))]
                        try writer.record(judgement, in: target.id)
                    }
                }
            }
        }
    }

    /// `bulk`: also with the uuid and host-key indexes (inserts) and the label and end indexes (refreshes) set aside
    /// and rebuilt at the end of each import. `storedIDs`: with the observables found by the parsing thread.
    @Test(arguments: [false, true], [false, true]) func pagesStoreWhatRecordStoresRowByRow(bulk: Bool, storedIDs: Bool) async throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let byRow = TestClock(start)
        let byPage = TestClock(start)
        try await withTemporaryStore(clock: byRow) { rowStore in
            try await withTemporaryStore(clock: byPage) { pageStore in
                try fill(rowStore, clock: byRow, pages: false)
                try fill(pageStore, clock: byPage, pages: true, bulk: bulk, storedIDs: storedIDs)
                let expected = try snapshot(rowStore)
                let actual = try snapshot(pageStore)
                #expect(actual == expected)
                // Three rounds over 160, 161 and 161 lines with two repeats in the first: the refreshes left their versions.
                let versions = try DatabaseQueue(path: pageStore.path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM judgement_version") }
                #expect(versions == 2 + 160 + 161)
                let uuids = try DatabaseQueue(path: pageStore.path).read { try String.fetchAll($0, sql: "SELECT uuid FROM judgement") }
                #expect(uuids.allSatisfy { $0.hasPrefix("judgement-") && RandomUUID.isV4(String($0.dropFirst(10))) })
                #expect(Set(uuids).count == uuids.count)
            }
        }
    }

    /// Text parameters go through one buffer of 256 KiB per statement; a batch whose text is larger (long reasons)
    /// binds the rest as copies, and every row reads back whole.
    @Test func aBatchWithMoreTextThanTheBufferIsStoredWhole() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await withTemporaryStore(clock: clock) { store in
            let rows = try (0..<70).map { index in
                ImportedJudgement(
                    judgement: Judgement(
                        observable: try Observable(parsing: "long\(index).example"), source: "import:long.txt",
                        reason: String(repeating: Character(UnicodeScalar(UInt8(97 + index % 26))), count: 5_000) + "\(index)",
                        validTime: ValidTime(start: clock.now, end: nil)
                    ),
                    provenanceJSON: #"{"import.line":"\#(index + 1)"}"#
                )
            }
            for _ in 0..<2 {  // inserted, then refreshed
                try store.writeNow { writer in
                    let (target, _) = try writer.indicator(named: EntityName("long"))
                    _ = try writer.importJudgements(into: target.id) { page in try page.record(rows) }
                }
            }
            let stored = try DatabaseQueue(path: store.path).read { db in
                try Row.fetchAll(db, sql: "SELECT o.value, j.reason, j.provenance FROM judgement j JOIN observable o ON o.id = j.observable_id ORDER BY j.id")
            }
            #expect(stored.count == rows.count)
            for (row, expected) in zip(stored, rows) {
                #expect(row["value"] as String == expected.judgement.observable.value)
                #expect(row["reason"] as String? == expected.judgement.reason)
                #expect(row["provenance"] as String? == expected.provenanceJSON)
            }
        }
    }

    struct Abort: Error {}

    static func schema(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")
    }

    /// A refresh SQLite refuses (here a TEMP trigger) in the middle of a batch of a large re-import: a caller that
    /// keeps what was written has every refresh before it whole (row, earlier version, tally) and none after it, and
    /// the indexes the import set aside are back, holding every row.
    @Test func aRefusedRefreshKeepsTheRowsBeforeItWhole() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await withTemporaryStore(clock: clock) { store in
            let values = (0..<150).map { "kept\($0).example" }
            func rows(_ round: Int) throws -> [ImportedJudgement] {
                try values.enumerated().map { index, value in
                    let window = ValidTime(start: clock.now, end: clock.now.addingTimeInterval(Double(3_600 * (round + 1))))
                    let reason = round == 1 && index == 100 ? "refused" : "round \(round)"
                    return ImportedJudgement(
                        judgement: Judgement(observable: try Observable(parsing: value), source: "import:list.txt", reason: reason, validTime: window),
                        provenanceJSON: nil
                    )
                }
            }
            let first = try rows(0)
            let indicator = try store.writeNow { writer in
                let (target, _) = try writer.indicator(named: EntityName("imported"))
                _ = try writer.importJudgements(into: target.id, expectedRows: first.count, largeImport: 1) { try $0.record(first) }
                // Another source on rows around the refused one: their pairs' tally is taken out and put back.
                for value in values[90..<110] {
                    let window = ValidTime(start: clock.now.addingTimeInterval(-7_200), end: clock.now.addingTimeInterval(600))
                    try writer.record(Judgement(observable: try Observable(parsing: value), source: "etd", validTime: window), in: target.id)
                }
                return target.id
            }
            let schemaBefore = try DatabaseQueue(path: store.path).read { try Self.schema($0) }
            clock.advance(by: 60)
            let second = try rows(1)
            try store.writeNow { writer in
                try writer.db.execute(sql: "CREATE TEMP TRIGGER refuse BEFORE UPDATE ON judgement WHEN NEW.reason = 'refused' BEGIN SELECT RAISE(ABORT, 'refused'); END")
                defer { try? writer.db.execute(sql: "DROP TRIGGER temp.refuse") }
                #expect(throws: DatabaseError.self) {
                    try writer.importJudgements(into: indicator, expectedRows: second.count, largeImport: 1) { try $0.record(second) }
                }
            }
            try DatabaseQueue(path: store.path).read { db in
                #expect(try Self.schema(db) == schemaBefore)
                #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
                // rows 0–99 refreshed (the first batch of 64 whole, then 36 of the refused batch one by one)
                let reasons = try String.fetchAll(
                    db, sql: """
                        SELECT o.value || ' ' || j.reason FROM judgement j JOIN observable o ON o.id = j.observable_id
                        WHERE j.source = 'import:list.txt' ORDER BY j.id
                        """
                )
                #expect(reasons == values.enumerated().map { "\($1) round \($0 < 100 ? 1 : 0)" })
                let versions = try String.fetchAll(
                    db, sql: "SELECT o.value FROM judgement_version v JOIN judgement j ON j.id = v.judgement_id JOIN observable o ON o.id = j.observable_id ORDER BY j.id"
                )
                #expect(versions == Array(values.prefix(100)))
                let labels = try Int.fetchOne(db, sql: "SELECT count(DISTINCT label) FROM judgement INDEXED BY judgement_label")
                #expect(labels == 170)
            }
            try JudgementTallyTests.expectTallyMatchesRecount(store, [indicator], now: clock.now, "after a refused refresh")
        }
    }

    /// A large import that fails (its body throws, or the database refuses a row) gives back the schema it set aside:
    /// rolled back, nothing of it is left; kept by the caller up to the refused row, the rows are indexed as usual.
    @Test func aFailingLargeImportLeavesTheSchemaWhole() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await withTemporaryStore(clock: clock) { store in
            try fill(store, clock: clock, pages: true)
            let before = try snapshot(store)
            let schemaBefore = try DatabaseQueue(path: store.path).read { try Self.schema($0) }
            let rows = try (0..<300).map { index in
                ImportedJudgement(
                    judgement: Judgement(observable: try Observable(parsing: "late\(index).example"), source: index == 200 ? "refused" : "import:late.txt",
                        validTime: ValidTime(start: clock.now, end: clock.now.addingTimeInterval(3_600))),
                    provenanceJSON: nil
                )
            }
            #expect(throws: Abort.self) {
                try store.writeNow { writer in
                    let (target, _) = try writer.indicator(named: EntityName("imported"))
                    try writer.importJudgements(into: target.id, expectedRows: rows.count, largeImport: 1) { page in
                        _ = try page.record(Array(rows.prefix(100)))
                        throw Abort()
                    }
                }
            }
            #expect(try snapshot(store) == before)
            // the index build ran with temporary files on disk; the writer keeps them in memory again
            #expect(try store.writeNow { try Int.fetchOne($0.db, sql: "PRAGMA temp_store") } == 2)

            try store.writeNow { writer in
                try writer.db.execute(sql: "CREATE TEMP TRIGGER refuse BEFORE INSERT ON judgement WHEN NEW.source = 'refused' BEGIN SELECT RAISE(ABORT, 'refused'); END")
                defer { try? writer.db.execute(sql: "DROP TRIGGER temp.refuse") }
                let (target, _) = try writer.indicator(named: EntityName("imported"))
                #expect(throws: DatabaseError.self) {
                    try writer.importJudgements(into: target.id, expectedRows: rows.count, largeImport: 1) { page in
                        try page.record(Array(rows.prefix(100)))
                        try page.record(Array(rows.dropFirst(100)))
                    }
                }
            }
            try DatabaseQueue(path: store.path).read { db in
                #expect(try Self.schema(db) == schemaBefore)
                #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
                // the 200 rows before the refused one are kept, and found through the rebuilt uuid index
                let kept = try Int.fetchOne(db, sql: "SELECT count(*) FROM judgement WHERE source = 'import:late.txt'")
                #expect(kept == 200)
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM judgement WHERE uuid = 'x'").map { "\($0)" }.joined()
                #expect(plan.contains("judgement_uuid"), "\(plan)")
                let found = try Int.fetchOne(db, sql: "SELECT count(*) FROM judgement j WHERE EXISTS (SELECT 1 FROM judgement k INDEXED BY judgement_uuid WHERE k.uuid = j.uuid)")
                #expect(found == 160 + 200)
            }
            let tally = try store.readNow { reader -> Int in
                try Int.fetchOne(reader.db, sql: "SELECT sum(added) FROM judgement_tally WHERE grain = 1") ?? -1
            }
            #expect(tally == 160 + 200)
        }
    }

    /// A new judgement SQLite refuses in the middle of a 64-row INSERT: with `RAISE(FAIL)` the statement keeps the
    /// rows before it (as OR FAIL does for a constraint), with `RAISE(ABORT)` it keeps none. Either way the import
    /// writes each row before the refused one once, with its tally, and the error is the refusal itself.
    @Test(arguments: ["FAIL", "ABORT"], [false, true]) func aRefusedInsertKeepsEachRowBeforeItOnce(raise: String, bulk: Bool) async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await withTemporaryStore(clock: clock) { store in
            // Row 100 is the 37th of the second 64-row INSERT of the page.
            let rows = try (0..<150).map { index in
                ImportedJudgement(
                    judgement: Judgement(
                        observable: try Observable(parsing: "row\(index).example"), source: "import:list.txt", reason: index == 100 ? "refused" : nil,
                        validTime: ValidTime(start: clock.now, end: clock.now.addingTimeInterval(3_600))
                    ),
                    provenanceJSON: nil
                )
            }
            let indicator = try store.writeNow { writer in
                try writer.db.execute(sql: "CREATE TEMP TRIGGER refuse BEFORE INSERT ON judgement WHEN NEW.reason = 'refused' BEGIN SELECT RAISE(\(raise), 'refused row'); END")
                defer { try? writer.db.execute(sql: "DROP TRIGGER temp.refuse") }
                let (target, _) = try writer.indicator(named: EntityName("imported"))
                let error = #expect(throws: DatabaseError.self) {
                    try writer.importJudgements(into: target.id, expectedRows: rows.count, largeImport: bulk ? 1 : .max) { try $0.record(rows) }
                }
                #expect(error?.message == "refused row")
                return target.id
            }
            try DatabaseQueue(path: store.path).read { db in
                #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
                let values = try String.fetchAll(db, sql: "SELECT o.value FROM judgement j JOIN observable o ON o.id = j.observable_id ORDER BY j.id")
                #expect(values == (0..<100).map { "row\($0).example" })
            }
            try JudgementTallyTests.expectTallyMatchesRecount(store, [indicator], now: clock.now, "after a refused insert (\(raise))")
            let added = try store.readNow { try Int.fetchOne($0.db, sql: "SELECT sum(added) FROM judgement_tally WHERE grain = 1") }
            #expect(added == 100)
        }
    }

    /// Two files of one import name the same observables (two sources): in one page a refresh of the first source's
    /// judgement waits while the second source's judgement joins its observable, then both move their windows. The
    /// refresh's tally (its own window while alone, the union once shared) must match a recount after each import.
    @Test func twoSourcesOfOneObservableInOnePageKeepTheTallyExact() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await withTemporaryStore(clock: clock) { store in
            let values = ["a.example", "b.example", "192.0.2.9"]
            func rows(_ sources: [String], hours: Double) throws -> [ImportedJudgement] {
                try sources.flatMap { source in
                    try values.map { value in
                        ImportedJudgement(
                            judgement: Judgement(
                                observable: try Observable(parsing: value), source: source,
                                validTime: ValidTime(start: clock.now, end: clock.now.addingTimeInterval(hours * 3_600))
                            ),
                            provenanceJSON: nil
                        )
                    }
                }
            }
            var indicator = ""
            for (round, sources) in [["one"], ["one", "two"], ["two", "one"], ["one", "two", "one"]].enumerated() {
                clock.advance(by: 1_800)
                try store.writeNow { writer in
                    indicator = try writer.indicator(named: EntityName("two-sources")).0.id
                    try writer.importJudgements(into: indicator, expectedRows: 9, largeImport: round % 2 == 0 ? 1 : .max) { page in
                        _ = try page.record(try rows(sources, hours: Double(round + 1)))
                    }
                }
                try JudgementTallyTests.expectTallyMatchesRecount(store, [indicator], now: clock.now, "round \(round): \(sources)")
            }
        }
    }
}
