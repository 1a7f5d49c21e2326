import Foundation
import GRDB
import Testing
import ThreatFeedTesting

/// `threatfeed import` run as a real process against a real database file.
@Suite struct ImportCommandTests {
    static let sha = String(repeating: "ab", count: 32)

    func count(_ db: String, _ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        return try queue.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    @Test func everyFormatImportsAndReimportingChangesNoCount() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let txt = try dir.write("list.txt", "# manual blocklist\n\n203.0.113.7\nbad[.]example\nhxxp://bad.example/login  # phish\n\(Self.sha)\n")
            let csv = try dir.write(
                "list.csv",
                "type,value,disposition,severity,confidence,tlp,valid_until,description\nip,198.51.100.9,suspicious,medium,low,green,2099-01-01,\"scanner, seen twice\"\ndomain,evil.example,,,,,,\n"
            )
            let json = try dir.write(
                "list.json", #"[{"type":"url","value":"https://evil.example/a"},{"type":"ipv6","value":"2001:DB8::5","disposition":"Suspicious"}]"#
            )
            let first = try CommandRunner.run(["import", "--db", db, "--indicator", "manual", txt, csv, json])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("created indicator 'manual'"))
            #expect(first.stdout.contains("manual: 8 added, 0 refreshed, 0 rejected"), "\(first.stdout)")
            #expect(try count(db, "SELECT count(*) FROM judgement") == 8)
            let values = try DatabaseQueue(path: db).read { try String.fetchAll($0, sql: "SELECT value FROM observable ORDER BY value") }
            #expect(values.contains("bad.example"))
            #expect(values.contains("http://bad.example/login"))
            #expect(values.contains("2001:db8::5"))

            let second = try CommandRunner.run(["import", "--db", db, "--indicator", "manual", txt, csv, json])
            #expect(second.status == 0)
            #expect(second.stdout.contains("manual: 0 added, 8 refreshed, 0 rejected"), "\(second.stdout)")
            #expect(try count(db, "SELECT count(*) FROM judgement") == 8)
            #expect(try count(db, "SELECT count(*) FROM observable") == 8)
            // The CSV row's own fields were kept.
            #expect(try count(db, "SELECT count(*) FROM judgement WHERE disposition = 3 AND tlp = 'green' AND reason = 'scanner, seen twice'") == 1)
        }
    }

    @Test func rejectedLinesAreListedWithFileAndLineAndExitTwo() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let txt = try dir.write("mixed.txt", "good.example\nnot a value\n1.2.3.4:80\n10.0.0.0/8\n\nalso-good.example\n")
            let result = try CommandRunner.run(["import", "--db", db, "--indicator", "manual", txt])
            #expect(result.status == 2)
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(result.stderr)")
            #expect(lines[0].hasPrefix("\(txt):2: "))
            #expect(lines[1].hasPrefix("\(txt):3: "))
            #expect(lines[2].hasPrefix("\(txt):4: "))
            #expect(lines.allSatisfy { $0.count > "\(txt):2: ".count + 5 })
            #expect(result.stdout.contains("2 added, 0 refreshed, 3 rejected"))
            #expect(try count(db, "SELECT count(*) FROM judgement") == 2)
        }
    }

    @Test func strictAbortsAndWritesNothing() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let good = try dir.write("good.txt", "keep.example\n")
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "manual", good]).status == 0)
            let mixed = try dir.write("mixed.txt", "new.example\nbad value\n")
            let result = try CommandRunner.run(["import", "--db", db, "--indicator", "manual", "--strict", mixed])
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(mixed):2: "))
            #expect(result.stderr.contains("nothing written"))
            #expect(try count(db, "SELECT count(*) FROM judgement") == 1)
            #expect(try count(db, "SELECT count(*) FROM observable WHERE value = 'new.example'") == 0)
        }
    }

    @Test func dryRunCountsButWritesNothing() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let txt = try dir.write("a.txt", "one.example\ntwo.example\n")
            let result = try CommandRunner.run(["import", "--db", db, "--indicator", "dry", "--dry-run", txt])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("dry run"))
            #expect(result.stdout.contains("2 added"))
            #expect(try count(db, "SELECT count(*) FROM judgement") == 0)
            #expect(try count(db, "SELECT count(*) FROM indicator") == 0)
        }
    }

    @Test func wholeFileProblemsAndBadOptionsAreClearErrors() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let csv = try dir.write("bad.csv", "type,value,colour\nip,1.2.3.4,red\n")
            let badHeader = try CommandRunner.run(["import", "--db", db, "--indicator", "m", csv])
            #expect(badHeader.status == 1)
            #expect(badHeader.stderr.contains("\(csv): "))
            #expect(badHeader.stderr.contains("colour"))
            #expect(!badHeader.stderr.contains("Fatal"))

            let json = try dir.write("bad.json", "[{\"type\":\"ip\",\n \"value\": ]")
            let badJSON = try CommandRunner.run(["import", "--db", db, "--indicator", "m", json])
            #expect(badJSON.status == 1)
            #expect(badJSON.stderr.contains("line 2"), "\(badJSON.stderr)")

            let missing = try CommandRunner.run(["import", "--db", db, "--indicator", "m", dir.file("nope.txt")])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("no such file"))

            let txt = try dir.write("ok.txt", "ok.example\n")
            let badDuration = try CommandRunner.run(["import", "--db", db, "--indicator", "m", "--valid-for", "30", txt])
            #expect(badDuration.status == 1)
            #expect(badDuration.stderr.contains("'30' has no unit"))
            let badType = try CommandRunner.run(["import", "--db", db, "--indicator", "m", "--type", "cidr", txt])
            #expect(badType.stderr.contains("invalid --type 'cidr'"))
            let badName = try CommandRunner.run(["import", "--db", db, "--indicator", "has space", txt])
            #expect(badName.stderr.contains("invalid name 'has space'"))
            #expect(try count(db, "SELECT count(*) FROM judgement") == 0)
        }
    }

    @Test func forcedTypeAppliesToEveryLine() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let txt = try dir.write("hashes.txt", "\(Self.sha.uppercased())\nbad.example\n")
            let result = try CommandRunner.run(["import", "--db", db, "--indicator", "h", "--type", "sha256", txt])
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(txt):2: "))
            #expect(try count(db, "SELECT count(*) FROM observable WHERE type = 'sha256' AND value = '\(Self.sha)'") == 1)
        }
    }

    @Test func databaseProblemsAreMessagesNotCrashes() async throws {
        try await withTemporaryDirectory { dir in
            let garbage = try dir.write("garbage.sqlite", String(repeating: "not a database at all\n", count: 200))
            let txt = try dir.write("a.txt", "a.example\n")
            let result = try CommandRunner.run(["import", "--db", garbage, "--indicator", "m", txt])
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("error: \(garbage) is not a ThreatFeed database"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            let env = try CommandRunner.run(["feed", "list"], environment: ["THREATFEED_DB": dir.path])
            #expect(env.status == 1)
            #expect(env.stderr.contains("is not a regular file"))
        }
    }

    /// SIGKILL in the middle of a 500,000-line import: the previous content is intact and the file is sound.
    @Test func aKilledImportLeavesThePreviousContentIntact() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let before = try dir.write("before.txt", (0..<1_000).map { "kept\($0).example" }.joined(separator: "\n"))
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "big", before]).status == 0)
            let schemaSQL = "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
            let schema = try await DatabaseQueue(path: db).read { try String.fetchAll($0, sql: schemaSQL) }
            var lines: [String] = []
            lines.reserveCapacity(500_000)
            for index in 0..<500_000 { lines.append("host\(index).killed.example") }
            let big = try dir.write("big.txt", lines.joined(separator: "\n"))

            let process = try CommandRunner.start(
                ["import", "--db", db, "--indicator", "big", big], stdout: Pipe(), stderr: Pipe()
            )
            // Wait until the transaction is under way (its pages reach the WAL), then kill it.
            let wal = db + "-wal"
            try await waitUntil("the import's pages in the WAL", limit: 120, every: .milliseconds(2)) {
                !process.isRunning || ((try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? Int ?? 0) > 4_000_000
            }
            #expect(process.isRunning, "the import finished before it could be killed; make the file bigger")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            #expect(try count(db, "SELECT count(*) FROM judgement") == 1_000)
            #expect(try count(db, "SELECT count(*) FROM observable WHERE value LIKE '%killed.example'") == 0)
            let integrity = try await DatabaseQueue(path: db).read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
            #expect(integrity == ["ok"])
            // A large import sets aside insert triggers and indexes inside its transaction: all there again.
            #expect(try await DatabaseQueue(path: db).read { try String.fetchAll($0, sql: schemaSQL) } == schema)
            #expect(schema.contains { $0.hasPrefix("index judgement_uuid:") } && schema.contains { $0.hasPrefix("trigger judgement_tally_insert_alone:") })
        }
    }
}
