import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

/// Feeds as code: `threatfeed feeds apply` and the start-up apply.
@Suite struct FeedsApplyTests {
    func secret(_ feed: String, db: String) throws -> String? {
        let shown = try CommandRunner.run(["feed", "show", feed, "--json", "--db", db])
        return (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["secret"] as? String
    }

    @Test func applyIsIdempotentKeepsSecretsAndReportsWhatItDoesNotDelete() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let defs = dir.file("defs")
            try FileManager.default.createDirectory(atPath: defs, withIntermediateDirectories: true)
            #expect(try CommandRunner.run(["user", "add", "gw", "--db", db], stdin: Data("apply-test-passphrase\n".utf8)).status == 0)
            let definition = """
                indicators:
                  - name: blocklist
                    title: Block list
                feeds:
                  - name: esa
                    indicator: blocklist
                    collection: esa-feed
                    lifetime: 365d
                    users: [gw]
                  - name: soc
                    indicator: blocklist
                    output: judgements
                """
            try definition.write(toFile: defs + "/main.yaml", atomically: true, encoding: .utf8)

            let dry = try CommandRunner.run(["feeds", "apply", "--dir", defs, "--dry-run", "--db", db])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("would create feed esa"))
            #expect(try CommandRunner.run(["feed", "list", "--db", db]).stdout.contains("no feeds"), "a dry run changes nothing")

            let first = try CommandRunner.run(["feeds", "apply", "--dir", defs, "--db", db])
            #expect(first.stdout.contains("create indicator blocklist"))
            #expect(first.stdout.contains("create feed esa"))
            #expect(first.stdout.contains("grant feed esa to user gw"))
            #expect(first.stdout.hasSuffix("1 definition files: 4 changes made, 0 unchanged\n"), "\(first.stdout)")
            let esaSecret = try #require(try secret("esa", db: db))

            let second = try CommandRunner.run(["feeds", "apply", "--dir", defs, "--db", db])
            #expect(second.stdout == "1 definition files: 0 changes made, 3 unchanged\n", "\(second.stdout)")
            #expect(try secret("esa", db: db) == esaSecret)

            // An edit is applied in place; the secret stays; a feed dropped from the files is reported, not deleted.
            try definition.replacingOccurrences(of: "output: judgements", with: "output: observables")
                .replacingOccurrences(of: "    users: [gw]\n", with: "")
                .write(toFile: defs + "/main.yaml", atomically: true, encoding: .utf8)
            let edited = try CommandRunner.run(["feeds", "apply", "--dir", defs, "--db", db])
            #expect(edited.stdout.contains("update feed soc: output judgements → observables"), "\(edited.stdout)")
            #expect(edited.stdout.contains("revoke feed esa from user gw"))
            #expect(try secret("esa", db: db) == esaSecret)
            try "feeds:\n  - name: esa\n    indicator: blocklist\n    collection: esa-feed\n    lifetime: 365d\n"
                .write(toFile: defs + "/main.yaml", atomically: true, encoding: .utf8)
            let dropped = try CommandRunner.run(["feeds", "apply", "--dir", defs, "--db", db])
            #expect(dropped.stdout.contains("note: feed soc is in the database but in no definition file (kept"), "\(dropped.stdout)")
            #expect(try CommandRunner.run(["feed", "show", "soc", "--db", db]).status == 0)
        }
    }

    @Test func badDefinitionsNameFileAndLineAndChangeNothing() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let cases: [(String, String)] = [
                ("feeds:\n  - name: a\n    indicator: x\n    colour: red\n", "bad.yaml:4: unknown field 'colour'"),
                ("feeds:\n  - name: a\n    indicator: nowhere\n", "bad.yaml:2: feed a uses indicator 'nowhere'"),
                ("indicators:\n  - name: x\nfeeds:\n  - name: a\n    indicator: x\n    users: [ghost]\n", "grants user 'ghost', who does not exist"),
                ("feeds:\n  - name: a\n    indicator: x\n    lifetime: forever\n", "bad.yaml:4: lifetime 'forever'"),
                ("feeds:\n  - indicator: x\n", "bad.yaml:2: 'name' is required"),
                ("feds: []\n", "bad.yaml:1: unknown key 'feds'"),
            ]
            for (index, (text, expected)) in cases.enumerated() {
                let defs = dir.file("defs\(index)")
                try FileManager.default.createDirectory(atPath: defs, withIntermediateDirectories: true)
                try text.write(toFile: defs + "/bad.yaml", atomically: true, encoding: .utf8)
                let result = try CommandRunner.run(["feeds", "apply", "--dir", defs, "--db", db])
                #expect(result.status == 1, "\(text)")
                #expect(result.stderr.contains(expected), "\(result.stderr)")
            }
            let listed = try CommandRunner.run(["indicator", "list", "--json", "--db", db]).stdout
            let indicators = (try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [String: Any])?["indicators"] as? [Any]
            #expect(indicators?.isEmpty == true, "a failed apply writes nothing: \(listed)")
            // Two files defining the same feed.
            let twice = dir.file("twice")
            try FileManager.default.createDirectory(atPath: twice, withIntermediateDirectories: true)
            for name in ["a.yaml", "b.yaml"] {
                try "indicators:\n  - name: x\n".write(toFile: twice + "/" + name, atomically: true, encoding: .utf8)
            }
            let duplicate = try CommandRunner.run(["feeds", "apply", "--dir", twice, "--db", db])
            #expect(duplicate.stderr.contains("b.yaml:2: indicator 'x' is already defined at"), "\(duplicate.stderr)")
        }
    }

    @Test func serveAppliesTheDefinitionsAtStartUp() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let shipped = PythonClients.packageRoot.appendingPathComponent("feeds").path
            let server = try ServerProcess(database: db, environment: ["THREATFEED_FEEDS_DIR": shipped])
            defer { server.stop() }
            let feeds = try await onThread { try CommandRunner.run(program: "/usr/bin/curl", ["-s", "\(server.baseURL)/health/feeds"]) }
            #expect(feeds.stdout.contains(#""name":"sample""#), "\(feeds.stdout)")
        }
    }

    /// An indicator's `etd:` block routes verdicts into it (only the kinds listed); other verdicts go to etd.indicator.
    @Test func etdRulesInFeedFilesRouteVerdictsToTheirIndicators() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let defs = dir.file("defs")
            try FileManager.default.createDirectory(atPath: defs, withIntermediateDirectories: true)
            _ = try dir.write("defs/etd.yaml", """
                indicators:
                  - name: etd-phishing
                    title: Phishing URLs from ETD
                    etd:
                      verdicts: [Phishing]
                      observables: [url]
                      valid_for: {url: 14d}
                """)
            let (policy, _) = try ETDCommandTests.policyDirectory(dir)
            let recorded = PythonClients.packageRoot.appendingPathComponent("Tests/ThreatFeedETDTests/Fixtures/search-response-page1.json").path
            let environment = ["THREATFEED_FEEDS_DIR": defs]
            let replay = try CommandRunner.run(["etd", "replay", recorded, "--db", db, "--policy-dir", policy], environment: environment)
            #expect(replay.status == 0, "\(replay.stderr)")

            func live(_ indicator: String) throws -> [String] {
                let store = try Store(path: db)
                return try store.readNow { reader in
                    guard let found = try reader.indicator(named: try EntityName(indicator)) else { return [] }
                    var values: [String] = []
                    try reader.forEachLiveObservable(ofIndicator: found.id, at: Date()) { values.append("\($0.type.rawValue):\($0.value)") }
                    return values.sorted()
                }
            }
            let phishing = try live("etd-phishing")
            #expect(phishing.count == 2 && phishing.allSatisfy { $0.hasPrefix("url:https://") && $0.contains("m365-login.example.net") }, "\(phishing)")
            let others = try live("etd-convictions")
            #expect(others.contains("url:https://prize-desk.example.org/claim?ref=77120"), "\(others)")
            #expect(!others.contains { $0.contains("m365-login") }, "phishing publishes only into its own indicator")

            // Mistakes name the file and line.
            _ = try dir.write("defs/twice.yaml", """
                indicators:
                  - name: also-phishing
                    etd:
                      verdicts: [phishing]
                """)
            let twice = try CommandRunner.run(["etd", "replay", recorded, "--db", db, "--policy-dir", policy], environment: environment)
            #expect(twice.status == 1)
            #expect(twice.stderr.contains("twice.yaml:4: ETD verdict 'phishing' already publishes into another indicator at"), "\(twice.stderr)")
            try FileManager.default.removeItem(atPath: dir.file("defs/twice.yaml"))
            _ = try dir.write("defs/bad.yaml", """
                indicators:
                  - name: spam-senders
                    etd:
                      verdicts: [spam]
                      observables: [sender_address]
                """)
            let badKind = try CommandRunner.run(["feeds", "apply", "--dir", defs, "--db", db])
            #expect(badKind.status == 1)
            #expect(badKind.stderr.contains("bad.yaml:5: unknown observable kind 'sender_address'"), "\(badKind.stderr)")
            _ = try dir.write("defs/bad.yaml", """
                indicators:
                  - name: spam-senders
                    etd:
                      verdicts: [spam]
                """)
            let notActed = try CommandRunner.run(["etd", "replay", recorded, "--db", db, "--policy-dir", policy], environment: environment)
            #expect(notActed.status == 1)
            #expect(notActed.stderr.contains("bad.yaml:4: ETD verdict 'spam' would publish here, but etd.verdicts"), "\(notActed.stderr)")
        }
    }
}
