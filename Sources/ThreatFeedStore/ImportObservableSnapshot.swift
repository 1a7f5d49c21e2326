import Foundation
import GRDB
import GRDBSQLite
import ThreatFeedCore

/// The observables the database held when an import's transaction began, looked up on the import's parsing thread
/// so that its writer need not (a re-import's writer spent 8.3k instructions per line finding them, callgrind).
///
/// Made inside the import's write transaction, which holds SQLite's write lock from its `BEGIN IMMEDIATE`: the read
/// transaction this opens on a connection of its own sees exactly what the writer started from, and nothing commits
/// until the import does. An observable found there keeps its row id for the whole import (only a prune deletes
/// observables, and it needs the write lock); one not found there is left to the writer, which may have inserted it
/// since. Only a shortcut: a connection that cannot be opened, or a failed lookup, leaves the rest to the writer.
public struct ImportObservableSnapshot: Sendable {
    private let path: String?

    init(_ db: Database) {
        path = db.sqliteConnection.flatMap { sqlite3_db_filename($0, "main") }.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs `body` (the parsing) with a lookup, or with none if the snapshot cannot be read or holds no observables.
    public func withLookup<T>(_ body: (ImportObservableLookup?) throws -> T) rethrows -> T {
        guard let path else { return try body(nil) }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "import observables"
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return try body(nil) }
        defer { try? queue.close() }
        return try queue.inDatabase { db in
            guard (try? db.execute(sql: "BEGIN DEFERRED TRANSACTION")) != nil else { return try body(nil) }
            defer { try? db.execute(sql: "COMMIT TRANSACTION") }
            // The first read fixes the snapshot. A database without observables (a first import) has nothing to find.
            guard (try? Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM observable)")) == true,
                let statement = try? RawStatement(db, sql: "SELECT id FROM observable WHERE type = ?1 AND value = ?2")
            else { return try body(nil) }
            return try body(ImportObservableLookup(statement))
        }
    }
}

/// Finds imported rows' observables in the snapshot; valid only inside `ImportObservableSnapshot.withLookup`.
public final class ImportObservableLookup {
    private let find: RawStatement
    /// The parameters' text, bound in place rather than copied by SQLite per row.
    private let text = StatementText()
    private var failed = false

    fileprivate init(_ find: RawStatement) {
        self.find = find
    }

    /// Marks `row` with its observable's row id if the snapshot has the observable.
    public func resolve(_ row: inout ImportedJudgement) {
        guard !failed else { return }
        let observable = row.judgement.observable
        text.clear()
        find.bind(1, observable.type.rawValue, in: text)
        find.bind(2, observable.value, in: text)
        defer { find.reset() }
        do {
            if try find.step() { row.snapshotObservableID = find.int64(column: 0) }
        } catch {
            failed = true
        }
    }
}
