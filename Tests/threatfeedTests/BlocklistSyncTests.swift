import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedTesting

#if canImport(Glibc)
import Glibc
#endif

/// `threatfeed blocklist sync` (the real binary) against the fake ESA: the gateway's blocklist
/// follows the indicator's live domains and IPs, only our own entries are ever deleted, and
/// interrupted runs converge.
@Suite(.serialized) struct BlocklistSyncTests {
    static let recipients = ["ap@example.com", "cfo@example.com"]
    static let prefix = "/esa/api/v2.0/quarantine/blocklist"

    static func environment(port: Int, _ extra: [String: String] = [:]) -> [String: String] {
        var environment = [
            "THREATFEED_BLOCKLIST_URL": "http://127.0.0.1:\(port)", "THREATFEED_BLOCKLIST_USERNAME": FakeESA.username,
            "THREATFEED_BLOCKLIST_PASSWORD": FakeESA.passphrase, "THREATFEED_BLOCKLIST_INDICATOR": "senders",
            "THREATFEED_BLOCKLIST_RECIPIENTS": recipients.joined(separator: ","), "THREATFEED_BLOCKLIST_RETRY_DELAY": "0.05",
        ]
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    static func importValues(_ dir: TemporaryDirectory, _ db: String, _ values: [String], validFor: String = "30d", name: String = "list.txt") throws {
        let file = try dir.write(name, values.joined(separator: "\n") + "\n")
        let result = try CommandRunner.run(["import", "--db", db, "--indicator", "senders", "--valid-for", validFor, file])
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func sync(_ db: String, _ environment: [String: String], _ extra: [String] = []) async throws -> CommandRunner.Result {
        try await onThread { try CommandRunner.run(["blocklist", "sync", "--db", db] + extra, environment: environment) }
    }

    static func status(_ db: String) throws -> [String: Any] {
        let result = try CommandRunner.run(["blocklist", "status", "--json", "--db", db])
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    static let sha = String(repeating: "ab", count: 32)

    /// The live domains and IPs of an indicator: what the blocklist sync puts on the gateway.
    static func liveSenders(_ db: String, indicator: String) throws -> Set<String> {
        Set(try ETDCommandTests.liveObservables(db, indicator: indicator).filter { [ObservableType.domain, .ip, .ipv6].contains($0.type) }.map(\.value))
    }

    @Test(.timeLimit(.minutes(3)))
    func blocklistFollowsLiveSendersAndNeverTouchesTheAdministratorsEntries() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("b.sqlite")
            try Self.importValues(dir, db, ["evil.example", "203.0.113.7", "2001:db8::1", Self.sha])
            try Self.importValues(dir, db, ["short.example", "198.51.100.9"], validFor: "4s", name: "short.txt")
            let esa = FakeESA()
            esa.addEntry(sender: "admin.example", recipients: ["boss@example.com"])
            let port = try freeLoopbackPort()
            let environment = Self.environment(port: port)
            try await esa.run(port: port) {
                let first = try await Self.sync(db, environment)
                #expect(first.status == 0, "\(first.stderr)")
                #expect(first.stdout.contains("blocklist: 5 added, 0 deleted"), "\(first.stdout)")
                let live: Set<String> = ["evil.example", "203.0.113.7", "2001:db8::1", "short.example", "198.51.100.9"]
                #expect(Set(esa.entries().keys) == live.union(["admin.example"]))
                #expect(esa.entries()["evil.example"] == Set(Self.recipients))
                #expect(!first.stderr.contains(FakeESA.passphrase))
                let post = try #require(esa.changes.first { $0.method == "POST" }?.json)
                #expect(post["action"] as? String == "append")
                #expect(post["viewBy"] as? String == "sender")
                #expect(post["quarantineType"] as? String == "spam")
                #expect(post["recipientList"] as? [String] == Self.recipients)

                // Nothing changed: nothing is sent, not even a login.
                let before = esa.received.count
                let logins = esa.logins
                let second = try await Self.sync(db, environment)
                #expect(second.status == 0, "\(second.stderr)")
                #expect(second.stdout.contains("0 added, 0 deleted"), "\(second.stdout)")
                #expect(esa.received.count == before)
                #expect(esa.logins == logins)

                // The short-lived ones expire: exactly those are deleted; the administrator's entry stays.
                try await waitUntil("the short-lived values ended in the store", limit: 30) {
                    try ETDCommandTests.liveObservables(db, indicator: "senders").count == 4
                }
                let third = try await Self.sync(db, environment)
                #expect(third.status == 0, "\(third.stderr)")
                #expect(third.stdout.contains("0 added, 2 deleted"), "\(third.stdout)")
                #expect(Set(esa.entries().keys) == ["evil.example", "203.0.113.7", "2001:db8::1", "admin.example"])
                let deletes = esa.changes.filter { $0.method == "DELETE" }.compactMap { $0.json?["senderList"] as? [String] }.flatMap { $0 }
                #expect(Set(deletes) == ["short.example", "198.51.100.9"])

                let status = try Self.status(db)
                let counts = try #require(status["counts"] as? [String: Int])
                #expect(counts["present"] == 3)
                #expect(counts["removed"] == 2)
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func maxPerRunCapsARunAndAConflictCountsAsDone() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("b.sqlite")
            let values = (1...5).map { "d\($0).example" }
            try Self.importValues(dir, db, values)
            let esa = FakeESA()
            // Already there with our recipients: the append answers 409, which is success.
            esa.addEntry(sender: "d1.example", recipients: Self.recipients)
            let port = try freeLoopbackPort()
            let environment = Self.environment(port: port, ["THREATFEED_BLOCKLIST_MAX_PER_RUN": "2"])
            try await esa.run(port: port) {
                let first = try await Self.sync(db, environment)
                #expect(first.status == 0, "\(first.stderr)")
                #expect(first.stdout.contains("2 added, 0 deleted, 0 held back, 3 left for the next run"), "\(first.stdout)")
                #expect(esa.changes.first?.answerStatus == 409)
                for _ in 0..<2 { #expect(try await Self.sync(db, environment).status == 0) }
                #expect(Set(esa.entries().keys) == Set(values))
                #expect(esa.changes.count == 5)
                let counts = try #require(Self.status(db)["counts"] as? [String: Int])
                #expect(counts["present"] == 5)
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func theListNeverGrowsPastMaxEntries() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("b.sqlite")
            try Self.importValues(dir, db, (1...4).map { "m\($0).example" })
            let esa = FakeESA()
            esa.addEntry(sender: "admin.example", recipients: ["boss@example.com"])
            let port = try freeLoopbackPort()
            try await esa.run(port: port) {
                let result = try await Self.sync(db, Self.environment(port: port, ["THREATFEED_BLOCKLIST_MAX_ENTRIES": "3"]))
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stdout.contains("2 added, 0 deleted, 2 held back"), "\(result.stdout)")
                #expect(esa.entries().count == 3)
            }
            let bad = try CommandRunner.run(["blocklist", "sync", "--db", db], environment: Self.environment(port: 1, ["THREATFEED_BLOCKLIST_MAX_ENTRIES": "501"]))
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("blocklist.max_entries"))
            var missing = Self.environment(port: 1)
            missing["THREATFEED_BLOCKLIST_RECIPIENTS"] = nil
            let unset = try CommandRunner.run(["blocklist", "sync", "--db", db], environment: missing)
            #expect(unset.status == 1)
            #expect(unset.stderr.contains("blocklist.recipients"), "\(unset.stderr)")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aKillWhileTheGatewayIsAnsweringConvergesWithoutDuplicates() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("b.sqlite")
            let values = (1...5).map { "k\($0).example" }
            try Self.importValues(dir, db, values)
            let esa = FakeESA()
            let port = try freeLoopbackPort()
            let environment = Self.environment(port: port)
            try await esa.run(port: port) {
                // The size view and two appends answer; the third append is held, and the client is killed.
                esa.inject(.passThrough, times: 3)
                esa.inject(.stall)
                let out = Pipe()
                let err = Pipe()
                let process = try CommandRunner.start(["blocklist", "sync", "--db", db], environment: environment, stdout: out, stderr: err)
                try await waitUntil("the third append held", every: .milliseconds(20)) { esa.stalledRequests > 0 || !process.isRunning }
                #expect(esa.stalledRequests == 1)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                #expect(process.terminationReason == .uncaughtSignal)
                // The gateway carries out the held append after the client is gone.
                esa.release()
                try await waitUntil("the held append carried out", every: .milliseconds(20)) { esa.stalledRequests == 0 }
                #expect(esa.entries().count == 3)

                let status = try Self.status(db)
                #expect((status["counts"] as? [String: Int])?["adding"] == 1)
                let next = try await Self.sync(db, environment)
                #expect(next.status == 0, "\(next.stderr)")
                #expect(Set(esa.entries().keys) == Set(values))
                // The interrupted value was sent again and answered 409; every other value once.
                let posts = esa.changes.filter { $0.method == "POST" }
                #expect(posts.count == 6)
                #expect(posts.filter { $0.answerStatus == 409 }.count == 1)
                #expect(posts.filter { $0.answerStatus == 200 }.count == 5)
                #expect((try Self.status(db)["counts"] as? [String: Int])?["present"] == 5)
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func serverErrorsAreRetriedAnExpiredTokenLogsInAgainAndDryRunSendsNothing() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("b.sqlite")
            try Self.importValues(dir, db, ["r1.example", "r2.example"])
            let esa = FakeESA()
            let port = try freeLoopbackPort()
            let environment = Self.environment(port: port)
            try await esa.run(port: port) {
                let dry = try await Self.sync(db, environment, ["--dry-run"])
                #expect(dry.status == 0, "\(dry.stderr)")
                #expect(
                    dry.stdout.contains(
                        #"would send: POST \#(Self.prefix) {"action":"append","quarantineType":"spam","recipientList":["ap@example.com","cfo@example.com"],"senderAddresses":["r1.example"],"viewBy":"sender"}"#
                    ), "\(dry.stdout)"
                )
                #expect(esa.received.isEmpty)
                #expect(esa.logins == 0)
                #expect((try Self.status(db)["counts"] as? [String: Int])?["present"] == 0)

                // Every attempt fails: the run fails, records why, and changes nothing for good.
                esa.inject(.status(503), times: 4)
                let failed = try await Self.sync(db, environment)
                #expect(failed.status == 1)
                #expect(failed.stderr.contains("503"), "\(failed.stderr)")
                let lastRun = try #require(Self.status(db)["last_run"] as? [String: Any])
                #expect((lastRun["error"] as? String)?.contains("503") == true)

                // Two 503s and an expired token, then success: the next run converges.
                esa.inject(.status(503), times: 2)
                esa.inject(.expiredToken)
                let logins = esa.logins
                let next = try await Self.sync(db, environment)
                #expect(next.status == 0, "\(next.stderr)")
                #expect(Set(esa.entries().keys) == ["r1.example", "r2.example"])
                #expect(esa.logins == logins + 2)
                let cleared = try #require(Self.status(db)["last_run"] as? [String: Any])
                #expect(cleared["error"] == nil)
            }
        }
    }

    /// Pointed at another gateway, the sync starts over there: every live value is added to the new one,
    /// and the old one is not contacted (its entries are reported, for the administrator to remove).
    @Test(.timeLimit(.minutes(3)))
    func aNewGatewayGetsEveryLiveValue() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("b.sqlite")
            try Self.importValues(dir, db, ["old1.example", "203.0.113.20"])
            let (first, second) = (FakeESA(), FakeESA())
            let (firstPort, secondPort) = (try freeLoopbackPort(), try freeLoopbackPort())
            try await first.run(port: firstPort) {
                let synced = try await Self.sync(db, Self.environment(port: firstPort))
                #expect(synced.status == 0, "\(synced.stderr)")
            }
            #expect(first.entries().count == 2)
            let requestsToFirst = first.received.count
            try await second.run(port: secondPort) {
                let moved = try await Self.sync(db, Self.environment(port: secondPort))
                #expect(moved.status == 0, "\(moved.stderr)")
                #expect(moved.stdout.contains("blocklist: 2 added, 0 deleted"), "\(moved.stdout)")
                #expect(moved.stderr.contains("the gateway changed"), "\(moved.stderr)")
                #expect(moved.stderr.contains("left_on_old=2"), "\(moved.stderr)")
                let again = try await Self.sync(db, Self.environment(port: secondPort))
                #expect(again.stdout.contains("blocklist: 0 added, 0 deleted"), "\(again.stdout)")
            }
            #expect(Set(second.entries().keys) == ["old1.example", "203.0.113.20"])
            #expect(first.received.count == requestsToFirst, "the old gateway is not contacted")
            #expect(try Self.status(db)["gateway"] as? String == "http://127.0.0.1:\(secondPort)/esa/api/v2.0")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func serveRunsTheSyncEveryInterval() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("b.sqlite")
            try Self.importValues(dir, db, ["s1.example", "203.0.113.9"])
            let esa = FakeESA()
            let port = try freeLoopbackPort()
            let environment = Self.environment(port: port, ["THREATFEED_BLOCKLIST_ENABLED": "true", "THREATFEED_BLOCKLIST_INTERVAL": "1s"])
            try await esa.run(port: port) {
                let server = try ServerProcess(database: db, environment: environment)
                defer { _ = server.stop() }
                try await waitUntil("the first sync", limit: 30) { esa.entries().count >= 2 }
                #expect(Set(esa.entries().keys) == ["s1.example", "203.0.113.9"])
                try Self.importValues(dir, db, ["s2.example"], name: "more.txt")
                try await waitUntil("a later sync", limit: 30) { esa.entries().count >= 3 }
                #expect(esa.entries()["s2.example"] == Set(Self.recipients))
                // /health/etd shows the sync: entries by state and the last run, never the password.
                let section = try await waitFor("the health answer counting three present", limit: 30) { () -> [String: Any]? in
                    let health = try CommandRunner.run(program: "/usr/bin/curl", ["-sf", "\(server.baseURL)/health/etd"])
                    #expect(!health.stdout.contains(FakeESA.passphrase))
                    let report = (try? JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any]) ?? [:]
                    let section = report["blocklist"] as? [String: Any] ?? [:]
                    return (section["counts"] as? [String: Int])?["present"] == 3 ? section : nil
                }
                #expect(section["enabled"] as? Bool == true)
                #expect(section["dry_run"] as? Bool == false)
                #expect(section["list"] as? String == "blocklist")
                #expect((section["counts"] as? [String: Int]) == ["pending": 0, "adding": 0, "present": 3, "deleting": 0, "removed": 0])
                let lastRun = try #require(section["last_run"] as? [String: Any])
                #expect(lastRun["finished"] as? String != nil)
                #expect(lastRun["error"] == nil)
            }
        }
    }

    /// The whole chain: ETD convictions (fake ETD) publish sender domains and IPs into etd-convictions, and the
    /// gateway's blocklist (fake ESA) ends up equal to that indicator's live domain and IP set.
    @Test(.timeLimit(.minutes(3)))
    func convictionsFromETDReachTheGatewayBlocklist() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (policyPath, _) = try ETDCommandTests.policyDirectory(dir)
        let db = dir.file("chain.sqlite")
        let messages = FakeETDDataSet.generate(count: 12, days: 1, end: Date().addingTimeInterval(-900))
        let etd = FakeETD(messages: messages, maxPageSize: 5)
        let esa = FakeESA()
        let etdPort = try freeLoopbackPort()
        let esaPort = try freeLoopbackPort()
        var environment = Self.environment(
            port: esaPort, ["THREATFEED_BLOCKLIST_ENABLED": "true", "THREATFEED_BLOCKLIST_INTERVAL": "1s", "THREATFEED_BLOCKLIST_INDICATOR": "etd-convictions"]
        )
        environment.merge(ETDCommandTests.environment(port: etdPort)) { _, etd in etd }
        let settings = environment
        try await etd.run(port: etdPort) {
            try await esa.run(port: esaPort) {
                let server = try ServerProcess(database: db, extraArguments: ["--policy-dir", policyPath], environment: settings)
                defer { _ = server.stop() }
                // Converged: the poll has seen every conviction (so the live set is final) and the list equals it.
                try await waitUntil("the gateway's list equal to the live senders after the whole poll") {
                    guard try SharedSenderServeTests.health(server)["convictions_seen"] as? Int == messages.count else { return false }
                    let live = try Self.liveSenders(db, indicator: "etd-convictions")
                    return !live.isEmpty && Set(esa.entries().keys) == live
                }
            }
        }
        let live = try Self.liveSenders(db, indicator: "etd-convictions")
        #expect(!live.isEmpty, "the convictions published sender values")
        #expect(Set(esa.entries().keys) == live)
        #expect(esa.entries().values.allSatisfy { $0 == Set(Self.recipients) })
    }

    @Test func everyBlocklistSettingIsDocumentedInTheExampleConfigurationAndTheReadme() throws {
        let root = PythonClients.packageRoot
        let example = try String(contentsOfFile: root.appendingPathComponent("deploy/threatfeed.yaml").path, encoding: .utf8)
        let readme = try String(contentsOfFile: root.appendingPathComponent("README.md").path, encoding: .utf8)
        for variable in [
            "ENABLED", "URL", "USERNAME", "CA_FILE", "LIST", "INDICATOR", "RECIPIENTS", "MAX_PER_RUN", "MAX_ENTRIES", "INTERVAL", "DRY_RUN",
        ] {
            #expect(example.contains("THREATFEED_BLOCKLIST_\(variable)"), "\(variable)")
        }
        #expect(readme.contains("## Gateway blocklist sync"))
        #expect(readme.contains("no e-mail-address observable type"))
    }
}
