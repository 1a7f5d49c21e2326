import Foundation
import GRDB
import GRDBSQLite
import ThreatFeedCore

/// The observables the database held when an import's transaction began, and the import's indicator's judgements of
/// them, looked up on the import's parsing thread so that its writer need not (a re-import's writer spent 8.3k
/// instructions per line finding the observables and 11.7k finding the judgements, callgrind).
///
/// Made inside the import's write transaction, which holds SQLite's write lock from its `BEGIN IMMEDIATE`: the read
/// transaction this opens on a connection of its own sees exactly what the writer started from, and nothing commits
/// until the import does. An observable found there keeps its row id for the whole import (only a prune deletes
/// observables, and it needs the write lock); one not found there is left to the writer, which may have inserted it
/// since. A judgement found there is what the writer would find unless the import itself has since refreshed it or
/// written another judgement on its observable: the writer knows which (`JudgementImportWriter`) and looks those up
/// again. Only a shortcut: a connection that cannot be opened, or a failed lookup, leaves the rest to the writer.
public struct ImportObservableSnapshot: Sendable {
    private let path: String?

    init(_ db: Database) {
        path = db.sqliteConnection.flatMap { sqlite3_db_filename($0, "main") }.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs `body` (the parsing) with a lookup, or with none if the snapshot cannot be read or holds no observables.
    /// The lookup also finds indicator `indicatorID`'s judgements of each observable found.
    public func withLookup<T>(indicatorID: String, _ body: (ImportObservableLookup?) throws -> T) rethrows -> T {
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
                let statement = try? RawStatement(db, sql: Self.findObservableAndJudgements)
            else { return try body(nil) }
            statement.bind(3, indicatorID)
            return try body(ImportObservableLookup(statement))
        }
    }
}

extension ImportObservableSnapshot {
    /// The observable and every source's judgement of it in indicator `?3` (usually one), in one search: a row with
    /// NULL judgement columns when there is none.
    static let findObservableAndJudgements = """
        SELECT o.id, j.id, j.valid_start, j.valid_end, j.source FROM observable o
        LEFT JOIN judgement j ON j.indicator_id = ?3 AND j.observable_id = o.id
        WHERE o.type = ?1 AND o.value = ?2
        """
}

/// Finds imported rows' observables and their judgements in the snapshot; valid only inside `ImportObservableSnapshot.withLookup`.
public final class ImportObservableLookup {
    private let find: RawStatement
    /// The parameters' text, bound in place rather than copied by SQLite per row.
    private let text = StatementText()
    private var failed = false

    fileprivate init(_ find: RawStatement) {
        self.find = find
    }

    /// Marks `row` with its observable's row id if the snapshot has the observable, and then with the indicator's
    /// judgement of it by the row's source (or that it had none).
    func resolve(_ row: inout ImportedJudgement) {
        guard !failed else { return }
        let observable = row.judgement.observable
        text.clear()
        find.bind(1, observable.type.rawValue, in: text)
        find.bind(2, observable.value, in: text)
        defer { find.reset() }
        do {
            guard try find.step() else { return }
            let observableID = find.int64(column: 0)
            var own: ImportedJudgement.StoredJudgement?
            var judgements = 0
            repeat {
                guard find.optionalInt64(column: 1) != nil else { continue }
                judgements += 1
                if own == nil, find.text(column: 4, equals: row.judgement.source) {
                    own = .init(id: find.int64(column: 1), start: find.int64(column: 2), end: find.optionalInt64(column: 3), shared: false)
                }
            } while try find.step()
            own?.shared = judgements > 1
            row.snapshotObservableID = observableID
            row.snapshotJudgement = .known(own)
        } catch {
            failed = true
        }
    }
}
