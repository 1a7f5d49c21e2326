import Foundation
import GRDB
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedStore

/// A database written by someone else (restored, older, edited by hand) may hold names this version refuses,
/// or a schema history that is not ours: reads and restores give a clear StoreError, never a crash.
@Suite struct StoredNameTests {
    /// A store with indicator `blocklist`, feed `esa` and user `gw`, one judgement.
    func populated(_ path: String) throws -> Store {
        let store = try Store(path: path)
        try store.writeNow { writer in
            let (indicator, _) = try writer.indicator(named: try EntityName("blocklist"))
            try writer.create(Feed(name: try EntityName("esa"), indicatorID: indicator.id, created: writer.now))
            try writer.create(User(name: try EntityName("gw"), passwordHash: "$2b$04$invalidinvalidinvalidinvalidinvalidinvalidinvalidinv", created: writer.now))
            try writer.record(
                Judgement(observable: try Observable(parsing: "kept.example"), source: "test",
                          validTime: ValidTime(start: writer.now, end: writer.now.addingTimeInterval(86_400))),
                in: indicator.id
            )
        }
        return store
    }

    func edit(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
    }

    @Test(arguments: [
        ("indicator", "blocklist", "bad name"), ("feed", "esa", ""), ("user", "gw", "-leading-dash"),
        ("feed", "esa", String(repeating: "x", count: 65)), ("user", "gw", "ünïcode"), ("indicator", "blocklist", "semi;colon"),
    ])
    func aBadStoredNameIsAClearErrorOnRead(table: String, old: String, bad: String) async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("db.sqlite")
            _ = try populated(path)
            try edit(path, "UPDATE \(table) SET name = '\(bad)' WHERE name = '\(old)'")
            let store = try Store(path: path)
            let error = try #require(throws: StoreError.self) {
                try store.readNow { reader in
                    _ = try reader.indicators()
                    _ = try reader.feeds()
                    _ = try reader.users()
                }
            }
            guard case .invalidStoredName(let kind, let name, let problem) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(kind == table)
            #expect(name == bad)
            #expect(!problem.isEmpty)
            #expect(error.description.contains("restore a backup"))
        }
    }

    @Test func restoreRefusesABackupWithABadNameAndLeavesTheDatabaseAsItWas() async throws {
        try await withTemporaryDirectory { dir in
            let backup = dir.file("backup.sqlite")
            _ = try populated(backup)
            try edit(backup, "UPDATE feed SET name = 'esa feed' WHERE name = 'esa'")
            #expect(throws: StoreError.invalidStoredName(kind: "feed", name: "esa feed", problem: "' ' is not allowed (use letters, digits, '-', '_' and '.')")) {
                try Store.inspectBackup(at: backup)
            }
            let target = try populated(dir.file("target.sqlite"))
            #expect(throws: StoreError.self) { try target.restore(from: backup) }
            #expect(try target.readNow { try $0.feeds().map(\.name.value) } == ["esa"])
        }
    }

    @Test func restoreRefusesASchemaHistoryThatIsNotOurs() async throws {
        try await withTemporaryDirectory { dir in
            // A gap in the migrations: not something any ThreatFeed wrote.
            let gap = dir.file("gap.sqlite")
            _ = try populated(gap)
            let second = try #require(Migrations.migrator.migrations.dropFirst().first)
            try edit(gap, "DELETE FROM grdb_migrations WHERE identifier = '\(second)'")
            let error = try #require(throws: StoreError.self) { try Store.inspectBackup(at: gap) }
            guard case .corrupt(_, let detail) = error else { Issue.record("unexpected \(error)"); return }
            #expect(detail.contains("gaps"))

            // Tables with our names but no migration history.
            let foreign = dir.file("foreign.sqlite")
            try edit(foreign, "CREATE TABLE judgement (x); CREATE TABLE feed (name TEXT)")
            #expect(throws: StoreError.notADatabase(path: foreign)) { try Store.inspectBackup(at: foreign) }

            // A newer version's history.
            let newer = dir.file("newer.sqlite")
            _ = try populated(newer)
            try edit(newer, "INSERT INTO grdb_migrations (identifier) VALUES ('v999-later')")
            #expect(throws: StoreError.newerSchema(path: newer)) { try Store.inspectBackup(at: newer) }

            // A sound backup still restores, and reads back.
            let sound = dir.file("sound.sqlite")
            _ = try populated(sound)
            let summary = try Store.inspectBackup(at: sound)
            #expect(summary == Store.BackupSummary(indicators: 1, feeds: 1, judgements: 1))
            let target = try Store(path: dir.file("fresh.sqlite"))
            try target.restore(from: sound)
            #expect(try target.readNow { try $0.users().map(\.name.value) } == ["gw"])
        }
    }

    @Test func restoreRefusesADamagedFile() async throws {
        try await withTemporaryDirectory { dir in
            let damaged = dir.file("damaged.sqlite")
            _ = try populated(damaged)
            // Overwrite every page after the first (schema and table pages): opening or integrity_check must catch it.
            let handle = try #require(FileHandle(forUpdatingAtPath: damaged))
            let size = try handle.seekToEnd()
            #expect(size > 8_192)
            try handle.seek(toOffset: 4_096)
            try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 4_096))
            try handle.close()
            let error = try #require(throws: StoreError.self) { try Store.inspectBackup(at: damaged) }
            switch error {
            case .corrupt, .notADatabase: break
            default: Issue.record("unexpected \(error)")
            }
        }
    }
}
