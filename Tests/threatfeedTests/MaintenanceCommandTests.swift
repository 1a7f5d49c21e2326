import Foundation
import GRDB
import Testing
import ThreatFeedTesting

#if canImport(Glibc)
import Glibc
#endif

/// `backup`, `restore` and `prune`, run as an administrator runs them, with a server up.
@Suite struct MaintenanceCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func backupWhileServingThenRestoreServesTheSameFeed() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("live.sqlite")
            let input = try dir.write("in.txt", (1...2_000).map { "backup-\($0).example" }.joined(separator: "\n"))
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "kept", input]).status == 0)
            #expect(try CommandRunner.run(["feed", "create", "kept", "--indicator", "kept", "--db", db]).status == 0)
            let original = try json(try CommandRunner.run(["feed", "show", "kept", "--json", "--db", db]).stdout)
            let server = try ServerProcess(database: db)
            defer { server.stop() }

            let copy = dir.file("copy.sqlite")
            let backup = try CommandRunner.run(["backup", copy, "--db", db])
            #expect(backup.status == 0, "\(backup.stderr)")
            #expect(backup.stdout.contains("1 indicators, 1 feeds, 2000 judgements"))
            let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)
            let problems = try await DatabaseQueue(path: copy).read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
            #expect(problems == ["ok"])

            // While an import of 200,000 lines is in its one transaction, the copy holds the state before it. The
            // importer is stopped (SIGSTOP) with its pages in the WAL but not committed, so the outcome is forced.
            let bulk = try dir.write("bulk.txt", (1...200_000).map { "bulk-\($0).example" }.joined(separator: "\n"))
            let importer = try CommandRunner.start(
                ["import", bulk, "--indicator", "bulk", "--db", db], stdout: Pipe(), stderr: Pipe())
            let wal = db + "-wal"
            try await waitUntil("the import's pages in the WAL", limit: 120, every: .milliseconds(2)) {
                !importer.isRunning || ((try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? Int ?? 0) > 4_000_000
            }
            kill(importer.processIdentifier, SIGSTOP)
            let count = "SELECT count(*) FROM judgement"
            try #require(try await DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: count) } == 2_000, "stopped before its commit")
            let during = dir.file("during.sqlite")
            let duringBackup = try CommandRunner.run(["backup", during, "--db", db])
            kill(importer.processIdentifier, SIGCONT)
            importer.waitUntilExit()
            #expect(duringBackup.status == 0, "\(duringBackup.stderr)")
            #expect(importer.terminationStatus == 0)
            let (check, judgements) = try await DatabaseQueue(path: during).read {
                (try String.fetchAll($0, sql: "PRAGMA integrity_check"), try Int.fetchOne($0, sql: count) ?? -1)
            }
            #expect(check == ["ok"])
            #expect(judgements == 2_000, "the copy holds the state before the open transaction")
            #expect(try await DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: count) } == 202_000, "and the import then commits")

            // Into a new database: the same feed, id and secret.
            let fresh = dir.file("fresh.sqlite")
            let restored = try CommandRunner.run(["restore", copy, "--db", fresh])
            #expect(restored.status == 0, "\(restored.stderr)")
            let shown = try json(try CommandRunner.run(["feed", "show", "kept", "--json", "--db", fresh]).stdout)
            #expect(shown["id"] as? String == original["id"] as? String)
            #expect(shown["secret"] as? String == original["secret"] as? String)
            #expect(shown["observables"] as? Int == 2_000)

            // Over a database that holds data: refused without --force, and nothing changes.
            let other = try dir.write("other.txt", "other.example\n")
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "later", other]).status == 0)
            let refused = try CommandRunner.run(["restore", copy, "--db", db])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("holds 3 indicators, 1 feeds and 0 users"), "\(refused.stderr)")
            #expect(try CommandRunner.run(["indicator", "list", "--db", db]).stdout.contains("later"))
            // With --force, while the server runs: it serves the restored content from its next request.
            let forced = try CommandRunner.run(["restore", copy, "--db", db, "--force"])
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect(!(try CommandRunner.run(["indicator", "list", "--db", db]).stdout.contains("later")))
            let health = try await onThread {
                try CommandRunner.run(program: "/usr/bin/curl", ["-s", "\(server.baseURL)/health/feeds"])
            }
            #expect(health.stdout.contains(#""observables":2000"#), "\(health.stdout)")

            let junk = try dir.write("junk.sqlite", "not a database at all")
            let bad = try CommandRunner.run(["restore", junk, "--db", dir.file("x.sqlite")])
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("is not a ThreatFeed database"), "\(bad.stderr)")
        }
    }

    @Test func pruneDeletesOnlyJudgementsThatEndedBeforeTheRetention() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let csv = try dir.write(
                "old.csv",
                """
                type,value,valid_from,valid_until
                domain,ended-long-ago.example,2020-01-01T00:00:00Z,2020-02-01T00:00:00Z
                domain,ended-yesterday.example,2020-01-01T00:00:00Z,\(ISO8601DateFormatter().string(from: Date().addingTimeInterval(-86_400)))
                domain,still-live.example,,
                """
            )
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "mixed", csv]).status == 0)
            let dry = try CommandRunner.run(["prune", "--dry-run", "--db", db])
            #expect(dry.stdout.hasPrefix("would delete 1 judgements"), "\(dry.stdout) \(dry.stderr)")
            let pruned = try CommandRunner.run(["prune", "--db", db])
            #expect(pruned.stdout.hasPrefix("deleted 1 judgements"))
            let counts = try await DatabaseQueue(path: db).read {
                (try Int.fetchOne($0, sql: "SELECT count(*) FROM judgement"), try Int.fetchOne($0, sql: "SELECT count(*) FROM observable"))
            }
            #expect(counts.0 == 2 && counts.1 == 2, "the orphaned observable goes too")
            let shorter = try CommandRunner.run(["prune", "--older-than", "1h", "--db", db])
            #expect(shorter.stdout.hasPrefix("deleted 1 judgements"))
            let invalid = try CommandRunner.run(["prune", "--older-than", "soon", "--db", db])
            #expect(invalid.status == 1)
            #expect(invalid.stderr.hasPrefix("error: retention.period: 'soon'"), "\(invalid.stderr)")
        }
    }
}
