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
/// - The two indexes whose keys arrive in random order, `judgement_uuid` and `observable_host_key`, when the import
///   is large against the tables: a B-tree insert in random order per row costs more than one sort of every key at
///   the end (`CREATE INDEX`), which is also what the unique indexes could not be spared.
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

    private mutating func drop(_ db: Database, type: String, names: [String]) throws {
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
