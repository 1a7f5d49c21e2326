import Foundation
import Testing
import ThreatFeedTesting

#if canImport(Glibc)
import Glibc
#endif

/// `threatfeed serve` with ETD and SMA remediation configured, against the fake ETD and the fake
/// SMA: each matching message remediated exactly once, also across a SIGKILL while SMA is answering.
@Suite(.serialized) struct RemediationServeTests {
    static func environment(etdPort: Int, smaPort: Int, dryRun: Bool = false) -> [String: String] {
        var environment = ETDCommandTests.environment(port: etdPort)
        environment["THREATFEED_REMEDIATION_ENABLED"] = "true"
        environment["THREATFEED_REMEDIATION_SMA_URL"] = "http://127.0.0.1:\(smaPort)"
        environment["THREATFEED_REMEDIATION_USERNAME"] = FakeSMA.username
        environment["THREATFEED_REMEDIATION_PASSWORD"] = FakeSMA.passphrase
        environment["THREATFEED_REMEDIATION_FORWARD_TO"] = "soc-remediation@example.com"
        if dryRun { environment["THREATFEED_REMEDIATION_DRY_RUN"] = "true" }
        return environment
    }

    /// The `remediation` part of `/health/etd`, polled until `done` says so (or 60 s pass).
    static func waitForRemediation(_ server: ServerProcess, until done: ([String: Int]) -> Bool) async throws -> [String: Any] {
        try await waitFor("the remediation counts to reach what the test waits for", every: .milliseconds(100)) { () -> [String: Any]? in
            let health = try CommandRunner.run(program: "/usr/bin/curl", ["-sf", "\(server.baseURL)/health/etd"])
            let report = (try? JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any]) ?? [:]
            let section = report["remediation"] as? [String: Any] ?? [:]
            guard let counts = section["counts"] as? [String: Int], done(counts) else { return nil }
            return section
        }
    }

    static func messageIDs(_ received: [FakeSMA.Received]) -> [String] { received.flatMap(\.messageIDs) }

    @Test(.timeLimit(.minutes(3)))
    func eachConvictionIsRemediatedOnceEvenAfterAKillWhileSMAIsAnswering() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (policyPath, _) = try ETDCommandTests.policyDirectory(dir)
        let database = dir.file("remediate.sqlite")
        let messages = FakeETDDataSet.generate(count: 12, days: 1, end: Date().addingTimeInterval(-900))
        let etd = FakeETD(messages: messages, maxPageSize: 5)
        let sma = FakeSMA()
        let etdPort = try freeLoopbackPort()
        let smaPort = try freeLoopbackPort()
        let environment = Self.environment(etdPort: etdPort, smaPort: smaPort)
        let held = try await etd.run(port: etdPort) {
            try await sma.run(port: smaPort) { () async throws -> String in
                // Four requests answer, the fifth is held: the server is killed while SMA "is answering".
                sma.inject(.passThrough, on: .remediation, times: 4)
                sma.inject(.stall, on: .remediation)
                let first = try ServerProcess(database: database, extraArguments: ["--policy-dir", policyPath], environment: environment)
                try await waitUntil("the fifth remediation held", every: .milliseconds(20)) { sma.stalledRequests > 0 || !first.process.isRunning }
                #expect(sma.stalledRequests == 1)
                kill(first.process.processIdentifier, SIGKILL)
                first.process.waitUntilExit()
                #expect(first.process.terminationReason == .uncaughtSignal)
                let heldID = try #require(sma.received.last?.messageIDs.first)
                #expect(sma.received.count == 5)

                let second = try ServerProcess(database: database, extraArguments: ["--policy-dir", policyPath], environment: environment)
                defer { second.stop() }
                let section = try await Self.waitForRemediation(second) { ($0["done"] ?? 0) + ($0["unconfirmed"] ?? 0) >= 12 }
                let counts = try #require(section["counts"] as? [String: Int])
                #expect(counts["done"] == 11)
                #expect(counts["unconfirmed"] == 1)
                #expect(counts["pending"] == 0)
                #expect(counts["sending"] == 0)
                #expect(section["enabled"] as? Bool == true)

                // Every message reached SMA exactly once; the held one was not resent.
                let ids = Self.messageIDs(sma.received)
                #expect(ids.count == 12)
                #expect(Set(ids).count == 12)
                #expect(Set(ids) == Set(messages.map { "<\($0.id)@fake.example.net>" }))
                #expect(sma.accepted.count == 11)
                #expect(!second.stderrText.contains(FakeSMA.passphrase))
                #expect(second.stderrText.contains("not resent"))
                #expect(second.stop() == 0)

                // The operator's view: the unconfirmed one, with the advice.
                let failed = try CommandRunner.run(["actions", "list", "--failed", "--db", database])
                #expect(failed.status == 0, "\(failed.stderr)")
                #expect(failed.stdout.contains("unconfirmed"))
                #expect(failed.stdout.contains("remediation report"))
                let listed = try CommandRunner.run(["actions", "list", "--json", "--db", database])
                let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
                #expect(rows.count == 12)
                #expect(rows.filter { $0["state"] as? String == "done" }.allSatisfy { $0["answer_status"] as? Int == 200 })
                #expect(!listed.stdout.contains(sma.received[0].jwtToken ?? "no token"))
                let heldRow = try #require(rows.first { $0["internet_message_id"] as? String == heldID })
                #expect(heldRow["state"] as? String == "unconfirmed")
                return try #require(heldRow["message_id"] as? String)
            }
        }
        // Retry puts it back; with SMA answering again, a third server sends it exactly once more.
        let retry = try CommandRunner.run(["actions", "retry", held, "--db", database])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stdout.contains(held))
        let again = try CommandRunner.run(["actions", "retry", held, "--db", database])
        #expect(again.status != 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func dryRunSendsNothingAndRecordsWhatItWouldSend() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (policyPath, _) = try ETDCommandTests.policyDirectory(dir)
        let database = dir.file("dry.sqlite")
        let messages = FakeETDDataSet.generate(count: 6, days: 1, end: Date().addingTimeInterval(-900))
        let etd = FakeETD(messages: messages)
        let sma = FakeSMA()
        let etdPort = try freeLoopbackPort()
        let smaPort = try freeLoopbackPort()
        let environment = Self.environment(etdPort: etdPort, smaPort: smaPort, dryRun: true)
        try await etd.run(port: etdPort) {
            try await sma.run(port: smaPort) {
                let server = try ServerProcess(database: database, extraArguments: ["--policy-dir", policyPath], environment: environment)
                defer { server.stop() }
                let section = try await Self.waitForRemediation(server) { ($0["dry_run"] ?? 0) >= 6 }
                #expect((section["counts"] as? [String: Int])?["dry_run"] == 6)
                #expect(section["dry_run"] as? Bool == true)
                #expect(server.stop() == 0)
                #expect(sma.logins + sma.failedLogins == 0)
                #expect(sma.received.isEmpty)
                #expect(server.stderrText.contains("dry run, nothing sent"))
                #expect(server.stderrText.contains("<\(messages[0].id)@fake.example.net>"))
                #expect(!server.stderrText.contains(FakeSMA.passphrase))
            }
        }
        let listed = try CommandRunner.run(["actions", "list", "--json", "--db", database])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 6)
        #expect(rows.allSatisfy { $0["state"] as? String == "dry_run" && ($0["request"] as? String)?.contains("fwdDelete") == true })
    }

    @Test func everyRemediationSettingIsDocumentedInTheExampleConfiguration() throws {
        let example = PythonClients.packageRoot.appendingPathComponent("deploy/threatfeed.yaml").path
        let text = try String(contentsOfFile: example, encoding: .utf8)
        for variable in ["ENABLED", "SMA_URL", "USERNAME", "ACTION", "FORWARD_TO", "VERDICTS", "DRY_RUN", "CA_FILE"] {
            #expect(text.contains("THREATFEED_REMEDIATION_\(variable)"), "\(variable)")
        }
        for key in ["enabled:", "sma_url:", "username:", "password:", "action:", "forward_to:", "verdicts:", "dry_run:", "ca_file:"] {
            #expect(text.contains(key), "\(key)")
        }
    }

    @Test func enabledWithoutAnSMAURLIsAClearError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let result = try CommandRunner.run(
            ["serve", "--db", dir.file("x.sqlite"), "--port", "0"],
            environment: ["THREATFEED_REMEDIATION_ENABLED": "true", "THREATFEED_REMEDIATION_PASSWORD": "secret-must-not-show"]
        )
        #expect(result.status != 0)
        #expect(result.stderr.contains("remediation.sma_url"))
        #expect(result.stderr.contains("THREATFEED_REMEDIATION_SMA_URL"))
        #expect(!result.stderr.contains("secret-must-not-show"))
        let badAction = try CommandRunner.run(
            ["serve", "--db", dir.file("x.sqlite"), "--port", "0"],
            environment: [
                "THREATFEED_REMEDIATION_ENABLED": "true", "THREATFEED_REMEDIATION_SMA_URL": "https://sma.example.com:4431",
                "THREATFEED_REMEDIATION_USERNAME": "u", "THREATFEED_REMEDIATION_PASSWORD": "p", "THREATFEED_REMEDIATION_ACTION": "quarantine",
            ]
        )
        #expect(badAction.status != 0)
        #expect(badAction.stderr.contains("remediation.action"))
    }
}
