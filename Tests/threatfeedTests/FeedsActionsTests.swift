import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedTesting

/// The three actions configured in the feeds-as-code files (`actions:`), their connections and secrets in the
/// environment: what each acts on follows the files, and a file can never hold a secret or contradict the
/// configuration.
@Suite(.serialized) struct FeedsActionsTests {
    static let definitions = """
        indicators:
          - name: etd-phishing
            title: Phishing senders and URLs from ETD
            etd:
              verdicts: [phishing]
        actions:
          remediation:
            enabled: true
            verdicts: [phishing]
            action: delete
          notifications:
            enabled: true
            to: [soc@example.com]
            verdicts: [phishing]
          blocklist:
            enabled: true
            indicator: etd-phishing
            list: blocklist
            recipients: [ap@example.com, cfo@example.com]

        """

    /// Fake ETD → serve → fake SMA, aiosmtpd and fake ESA, every action chosen by the file: only phishing is
    /// remediated (with the file's action), mailed, and its indicator's senders blocklisted.
    @Test(.timeLimit(.minutes(3)))
    func theFilesChooseWhatEachActionActsOn() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (policyPath, _) = try ETDCommandTests.policyDirectory(dir)
        try FileManager.default.createDirectory(atPath: dir.file("defs"), withIntermediateDirectories: true)
        _ = try dir.write("defs/actions.yaml", Self.definitions)
        let database = dir.file("actions.sqlite")
        let messages = FakeETDDataSet.generate(count: 24, days: 1, end: Date().addingTimeInterval(-900))
        let phishing = messages.filter { $0.verdict.lowercased() == "phishing" }
        let others = messages.filter { $0.verdict.lowercased() != "phishing" }
        try #require(!phishing.isEmpty && !others.isEmpty, "the data set mixes verdicts")
        let etd = FakeETD(messages: messages, maxPageSize: 10)
        let sma = FakeSMA()
        let esa = FakeESA()
        let smtp = try FakeSMTPServer()
        defer { smtp.stop() }
        let (etdPort, smaPort, esaPort) = (try freeLoopbackPort(), try freeLoopbackPort(), try freeLoopbackPort())
        var environment = ETDCommandTests.environment(port: etdPort)
        environment.merge([
            "THREATFEED_FEEDS_DIR": dir.file("defs"),
            "THREATFEED_REMEDIATION_SMA_URL": "http://127.0.0.1:\(smaPort)", "THREATFEED_REMEDIATION_USERNAME": FakeSMA.username,
            "THREATFEED_REMEDIATION_PASSWORD": FakeSMA.passphrase,
            "THREATFEED_NOTIFICATIONS_SMTP_HOST": "127.0.0.1", "THREATFEED_NOTIFICATIONS_SMTP_PORT": String(smtp.port),
            "THREATFEED_NOTIFICATIONS_TLS": "off", "THREATFEED_NOTIFICATIONS_FROM": "threatfeed@example.com",
            "THREATFEED_NOTIFICATIONS_INTERVAL": "1s",
            "THREATFEED_BLOCKLIST_URL": "http://127.0.0.1:\(esaPort)", "THREATFEED_BLOCKLIST_USERNAME": FakeESA.username,
            "THREATFEED_BLOCKLIST_PASSWORD": FakeESA.passphrase, "THREATFEED_BLOCKLIST_INTERVAL": "1s",
        ]) { _, new in new }
        let settings = environment
        try await etd.run(port: etdPort) {
            try await sma.run(port: smaPort) {
                try await esa.run(port: esaPort) {
                    let server = try ServerProcess(database: database, extraArguments: ["--policy-dir", policyPath], environment: settings)
                    defer { _ = server.stop() }
                    // Done, shown by state rather than by waiting: the poll has seen every conviction, nothing is left
                    // to remediate or mail (every row in a final state), and the gateway's list equals the live senders.
                    try await waitUntil("every action finished with the whole poll", limit: 90) {
                        let health = try SharedSenderServeTests.health(server)
                        let remediation = (health["remediation"] as? [String: Any])?["counts"] as? [String: Int] ?? [:]
                        let notifications = (health["notifications"] as? [String: Any])?["counts"] as? [String: Int] ?? [:]
                        guard health["convictions_seen"] as? Int == messages.count, remediation["done"] == phishing.count,
                            remediation["pending"] == 0, remediation["sending"] == 0,
                            (notifications["sent"] ?? 0) + (notifications["filtered"] ?? 0) == messages.count
                        else { return false }
                        let live = try BlocklistSyncTests.liveSenders(database, indicator: "etd-phishing")
                        return !live.isEmpty && Set(esa.entries().keys) == live
                    }
                    #expect(server.stop() == 0)
                    #expect(!server.stderrText.contains(FakeSMA.passphrase) && !server.stderrText.contains(FakeESA.passphrase))
                }
            }
        }
        // Remediation: exactly the phishing messages, each once, with the file's action.
        let remediated = sma.received.flatMap(\.messageIDs)
        #expect(remediated.count == phishing.count)
        #expect(Set(remediated) == Set(phishing.map { "<\($0.id)@fake.example.net>" }))
        #expect(sma.received.allSatisfy { $0.json?["action"] as? String == "delete" })
        // Notifications: one mail to the file's recipient listing exactly the phishing messages.
        let mails = try smtp.messages()
        #expect(mails.count == 1)
        let mail = try #require(mails.first)
        #expect(mail.envelope.rcpt_tos == ["soc@example.com"])
        let plain = try #require(try PythonClients.json("parse_mail.py", [mail.path])["plain"] as? String)
        for message in phishing { #expect(plain.contains(message.id)) }
        for message in others { #expect(!plain.contains(message.id)) }
        // Blocklist: the gateway's list equals the live domains and IPs of the file's indicator, for the file's recipients.
        let live = try ETDCommandTests.liveObservables(database, indicator: "etd-phishing")
            .filter { [ObservableType.domain, .ip, .ipv6].contains($0.type) }.map(\.value)
        #expect(!live.isEmpty)
        #expect(Set(esa.entries().keys) == Set(live))
        #expect(esa.entries().values.allSatisfy { $0 == ["ap@example.com", "cfo@example.com"] })
        // Senders of the other verdicts (published into etd-convictions) stay off the gateway's list.
        let otherSenders = Set(
            try ETDCommandTests.liveObservables(database).filter { [ObservableType.domain, .ip, .ipv6].contains($0.type) }.map(\.value)
        ).subtracting(live)
        #expect(!otherSenders.isEmpty, "the other verdicts published senders too")
        #expect(otherSenders.isDisjoint(with: esa.entries().keys))
    }

    /// What a feeds file may not say, and how each refusal names the file and line without echoing a secret.
    @Test func actionSettingsInFilesAreCheckedNamingFileAndLine() async throws {
        try await withTemporaryDirectory { dir in
            let cases: [(String, [String: String], String)] = [
                ("actions:\n  blocklist:\n    password: Hunter2-do-not-show\n", [:],
                 "bad.yaml:3: 'blocklist.password' cannot be set in a feeds file (connections, credentials and timing stay in the configuration file)"),
                ("actions:\n  remediation:\n    sma_url: https://sma.example.com\n", [:], "bad.yaml:3: 'remediation.sma_url' cannot be set in a feeds file"),
                ("actions:\n  blocklist:\n    colour: red\n", [:], "bad.yaml:3: 'blocklist.colour' cannot be set in a feeds file; here: enabled, indicator"),
                ("actions:\n  quarantine:\n    enabled: true\n", [:], "bad.yaml:2: unknown action 'quarantine'; known: blocklist, notifications, remediation"),
                ("actions:\n  remediation:\n    enabled: maybe\n", [:], "bad.yaml:3: remediation.enabled: 'maybe' is not true or false"),
                ("actions:\n  blocklist:\n    list: [blocklist, safelist]\n", [:], "bad.yaml:3: 'blocklist.list' takes one value, not a list"),
                ("actions:\n  blocklist:\n    max_per_run: lots\n", [:], "bad.yaml:3: blocklist.max_per_run: 'lots' is not a whole number above zero"),
                ("actions:\n  notifications:\n    verdicts: []\n", [:], "bad.yaml:3: notifications.verdicts: must not be empty"),
                ("actions:\n  remediation:\n    verdicts: [phishing]\n", ["THREATFEED_REMEDIATION_VERDICTS": "bec"],
                 "bad.yaml:3: 'remediation.verdicts' is also set by THREATFEED_REMEDIATION_VERDICTS; set it in one place"),
                ("actions: [remediation]\n", [:], "bad.yaml:1: 'actions' must map blocklist, notifications, remediation"),
            ]
            for (index, (text, environment, expected)) in cases.enumerated() {
                let defs = dir.file("defs\(index)")
                try FileManager.default.createDirectory(atPath: defs, withIntermediateDirectories: true)
                try text.write(toFile: defs + "/bad.yaml", atomically: true, encoding: .utf8)
                var variables = environment
                variables["THREATFEED_FEEDS_DIR"] = defs
                let checked = try CommandRunner.run(["config", "check"], environment: variables)
                #expect(checked.status == 1, "\(text)")
                #expect(checked.stderr.contains(expected), "\(checked.stderr)")
                #expect(!checked.stderr.contains("Hunter2"))
                // serve refuses to start for the same reason, before it listens.
                let served = try CommandRunner.run(["serve", "--port", "0", "--db", dir.file("s\(index).sqlite")], environment: variables)
                #expect(served.status == 1)
                #expect(served.stderr.contains(expected), "\(served.stderr)")
            }

            // The same key in the configuration file and a feeds file: both places named.
            let defs = dir.file("defs-ok")
            try FileManager.default.createDirectory(atPath: defs, withIntermediateDirectories: true)
            _ = try dir.write("defs-ok/actions.yaml", Self.definitions)
            let config = try dir.write("threatfeed.yaml", "blocklist:\n  recipients: boss@example.com\n")
            let twice = try CommandRunner.run(["config", "check", config], environment: ["THREATFEED_FEEDS_DIR": defs])
            #expect(twice.stderr.contains("actions.yaml:19: 'blocklist.recipients' is also set in \(config):2; set it in one place"), "\(twice.stderr)")

            // The shipped configuration leaves every such key to the files: no conflict with them.
            let example = PythonClients.packageRoot.appendingPathComponent("deploy/threatfeed.yaml").path
            let shipped = try CommandRunner.run(["config", "check", example], environment: ["THREATFEED_FEEDS_DIR": defs])
            #expect(shipped.status == 0, "\(shipped.stderr)")

            // Accepted: config check shows each value with its file and line; feeds apply lists them.
            let shown = try CommandRunner.run(["config", "check"], environment: ["THREATFEED_FEEDS_DIR": defs])
            #expect(shown.status == 0, "\(shown.stderr)")
            let row = try #require(shown.stdout.split(separator: "\n").first { $0.hasPrefix("remediation.action ") })
            #expect(row.contains("delete") && row.contains("actions.yaml:10"), "\(row)")
            let applied = try CommandRunner.run(["feeds", "apply", "--dir", defs, "--db", dir.file("a.sqlite")])
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.contains("action setting blocklist.recipients = ap@example.com,cfo@example.com (\(defs)/actions.yaml:19"), "\(applied.stdout)")

            // A value the action itself refuses still names the feeds file's line.
            _ = try dir.write("defs-ok/actions.yaml", Self.definitions.replacingOccurrences(of: "list: blocklist", with: "list: graylist"))
            let status = try CommandRunner.run(["blocklist", "status", "--db", dir.file("a.sqlite")], environment: ["THREATFEED_FEEDS_DIR": defs])
            #expect(status.stderr.contains("\(defs)/actions.yaml:18: blocklist.list: 'graylist' is not blocklist or safelist"), "\(status.stderr)")
        }
    }
}
