import GRDB

/// Schema objects an import takes out for the length of its transaction and puts back before it commits, from the
/// definitions `sqlite_master` holds at that moment (so a later migration of them is never undone by an import).
///
/// DDL is transactional in SQLite: a rolled-back or killed import leaves them as they were, and no other connection
/// ever sees them missing (a reader's WAL snapshot keeps the old schema; after the commit it re-prepares once).
///
/// - The judgement insert triggers (v17/v18): the import settles the tally of its new rows once per page
///   (`DeferredImportTallyMigration.settlement`), so the triggers only skipped; but a trigger, even one whose
///   `WHEN` is false, runs as a sub-program per row with a frame allocated and a statement journal kept (a third of
///   the insert's cost in a measurement of one table with one such trigger).
/// - The per-row update triggers, at the first refresh (`JudgementImportWriter.flushRefreshes` does their work per
///   batch).
/// - The two indexes whose keys arrive in random order, `judgement_uuid` and `observable_host_key`, when the import
///   is large against the tables: a B-tree insert in random order per row costs more than one sort of every key at
///   the end (`CREATE INDEX`), which is also what the unique indexes could not be spared.
/// - The three indexes a refresh moves its row in (new label, new end), when a large import refreshes: moving an
///   entry is a delete and an insert, and the deletes empty the old labels' pages one after another, each emptied
///   page merged into its neighbours. In a count of 60,000 refreshes (callgrind, one UPDATE of every row) the
///   moves were 29k instructions per row and the three `CREATE INDEX` at the end 13.5k.
struct ImportSetAside {
    static let insertTriggers = [
        "judgement_tally_insert_alone", "judgement_tally_before_insert_shared", "judgement_tally_after_insert_shared",
    ]
    /// The per-row update triggers a refresh fires (the import does their work per batch: `flushRefreshes`).
    static let updateTriggers = [
        "judgement_keeps_versions", "judgement_tally_update_alone", "judgement_tally_before_update_shared",
        "judgement_tally_after_update_shared",
    ]
    static let randomOrderIndexes = ["judgement_uuid", "observable_host_key"]
    static let refreshMovedIndexes = ["judgement_label", "judgement_indicator_label", "judgement_indicator_end"]

    /// The sort's memory while the indexes are rebuilt, and the page cache of a large import (64 MiB otherwise):
    /// peak RSS 165 MiB with 64 / 16 MiB, a million lines.
    static let sortCacheKiB = 8_192
    static let bulkCacheKiB = 49_152

    private struct Object {
        var type: String
        var name: String
        var sql: String
    }

    /// What was dropped, in order.
    private var dropped: [Object] = []
    private(set) var droppedIndexes = false

    var isEmpty: Bool { dropped.isEmpty }

    mutating func dropInsertTriggers(_ db: Database) throws {
        try drop(db, type: "trigger", names: Self.insertTriggers)
    }

    mutating func dropUpdateTriggers(_ db: Database) throws {
        try drop(db, type: "trigger", names: Self.updateTriggers)
    }

    mutating func dropRandomOrderIndexes(_ db: Database) throws {
        droppedIndexes = true
        try drop(db, type: "index", names: Self.randomOrderIndexes)
    }

    mutating func dropRefreshMovedIndexes(_ db: Database) throws {
        droppedIndexes = true
        try drop(db, type: "index", names: Self.refreshMovedIndexes)
    }

    /// An index is dropped with `secure_delete = FAST` (the connection's own setting back afterwards). Debian's
    /// SQLite zeroes every freed page by default (`SECURE_DELETE`), so a DROP wrote each page of the index, once to
    /// the WAL and once to the statement journal, which the writer keeps in memory: the three refresh-moved indexes
    /// of a million rows took 0.75 s and 130 MiB more RSS, against 0.2 s without zeroing (sqlite3 3.40, same file).
    /// Nothing is left behind that the table does not hold: an index's pages hold copies of its table's columns,
    /// and its rebuild at the end of the import takes the freed pages again.
    private mutating func drop(_ db: Database, type: String, names: [String]) throws {
        guard type == "index" else { return try dropEach(db, type: type, names: names) }
        let secureDelete = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 1
        try db.execute(sql: "PRAGMA secure_delete = FAST")
        defer { try? db.execute(sql: "PRAGMA secure_delete = \(secureDelete)") }
        try dropEach(db, type: type, names: names)
    }

    private mutating func dropEach(_ db: Database, type: String, names: [String]) throws {
        for name in names {
            // main's schema only: a TEMP trigger of the caller stays.
            guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM main.sqlite_master WHERE type = ? AND name = ?", arguments: [type, name])
            else { continue }
            try db.execute(sql: "DROP \(type == "index" ? "INDEX" : "TRIGGER") main.\(name)")
            dropped.append(Object(type: type, name: name, sql: sql))
        }
    }

    /// Puts back what was dropped (indexes first, then triggers, in their original definitions). Skips what
    /// exists again: after an error SQLite may have rolled the transaction back already, and the drop with it.
    ///
    /// `CREATE INDEX` sorts in memory up to the page cache's size before it spills sorted runs to a temporary file,
    /// and with `temp_store = MEMORY` (the writer's setting) it never spills: a million uuids held 80 MiB more (peak
    /// RSS 237 MiB). So the indexes are built with an 8 MiB cache (the caller sets it back) and temporary files on
    /// disk. SQLite refuses the `temp_store` change inside a transaction once the connection's temp database is open
    /// (a TEMP trigger, say): then the sort stays in memory, as before, and nothing else changes.
    mutating func restore(_ db: Database) throws {
        var tempStore: Int?
        if droppedIndexes {
            try db.execute(sql: "PRAGMA cache_size = -\(Self.sortCacheKiB)")
            if let previous = try Int.fetchOne(db, sql: "PRAGMA temp_store"), (try? db.execute(sql: "PRAGMA temp_store = FILE")) != nil {
                tempStore = previous
            }
        }
        defer { if let tempStore { try? db.execute(sql: "PRAGMA temp_store = \(tempStore)") } }
        for object in dropped.sorted(by: { ($0.type == "index" ? 0 : 1) < ($1.type == "index" ? 0 : 1) }) {
            let exists = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM main.sqlite_master WHERE type = ? AND name = ?)", arguments: [object.type, object.name]
            ) ?? false
            if !exists { try db.execute(sql: object.sql) }
        }
        dropped = []
        droppedIndexes = false
    }
}
