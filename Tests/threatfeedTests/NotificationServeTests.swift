import Foundation
import Testing
import ThreatFeedTesting

/// `threatfeed serve` with ETD and notifications configured, against the fake ETD and a real SMTP server
/// (aiosmtpd on loopback): one mail listing exactly the matching convictions, never the same one twice.
@Suite(.serialized) struct NotificationServeTests {
    @Test(.timeLimit(.minutes(3)))
    func oneMailListsExactlyTheMatchingConvictionsAndARestartSendsNoOther() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (policyPath, _) = try ETDCommandTests.policyDirectory(dir)
        let database = dir.file("notify.sqlite")
        let messages = FakeETDDataSet.generate(count: 24, days: 1, end: Date().addingTimeInterval(-900))
        let phishing = Set(messages.filter { $0.verdict.lowercased() == "phishing" }.map(\.id))
        let others = Set(messages.map(\.id)).subtracting(phishing)
        try #require(!phishing.isEmpty && !others.isEmpty, "the data set mixes verdicts")
        let etd = FakeETD(messages: messages, maxPageSize: 10)
        let smtp = try FakeSMTPServer()
        defer { smtp.stop() }
        let etdPort = try freeLoopbackPort()
        var environment = ETDCommandTests.environment(port: etdPort)
        environment["THREATFEED_NOTIFICATIONS_ENABLED"] = "true"
        environment["THREATFEED_NOTIFICATIONS_SMTP_HOST"] = "127.0.0.1"
        environment["THREATFEED_NOTIFICATIONS_SMTP_PORT"] = String(smtp.port)
        environment["THREATFEED_NOTIFICATIONS_TLS"] = "off"
        environment["THREATFEED_NOTIFICATIONS_FROM"] = "threatfeed@example.com"
        environment["THREATFEED_NOTIFICATIONS_TO"] = "soc@example.com"
        environment["THREATFEED_NOTIFICATIONS_VERDICTS"] = "phishing"
        environment["THREATFEED_NOTIFICATIONS_INTERVAL"] = "1s"
        let settings = environment
        try await etd.run(port: etdPort) {
            let first = try ServerProcess(database: database, extraArguments: ["--policy-dir", policyPath], environment: settings)
            let deadline = Date().addingTimeInterval(60)
            while try smtp.messages().isEmpty, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            try await Task.sleep(for: .seconds(3))  // a few more cycles: nothing else may be sent
            let health = try CommandRunner.run(program: "/usr/bin/curl", ["-sf", "\(first.baseURL)/health/etd"])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any])
            let section = try #require(report["notifications"] as? [String: Any], "\(health.stdout)")
            #expect(section["enabled"] as? Bool == true)
            let counts = try #require(section["counts"] as? [String: Int])
            #expect(counts["sent"] == phishing.count, "\(counts)")
            #expect(counts["filtered"] == others.count)
            #expect(counts["sending"] == 0 && counts["unconfirmed"] == 0)
            #expect(section["last_sent"] as? String != nil)
            #expect(first.stop() == 0)
            let second = try ServerProcess(database: database, extraArguments: ["--policy-dir", policyPath], environment: settings)
            try await Task.sleep(for: .seconds(3))
            #expect(second.stop() == 0)
            #expect(!(first.stderrText + second.stderrText).contains("notifications: cycle failed"), "\(first.stderrText.suffix(2000))")
        }
        let received = try smtp.messages()
        #expect(received.count == 1, "one mail for the batch, none after the restart")
        let mail = try #require(received.first)
        #expect(mail.envelope.rcpt_tos == ["soc@example.com"])
        let parsed = try PythonClients.json("parse_mail.py", [mail.path])
        let plain = try #require(parsed["plain"] as? String)
        #expect((parsed["part_types"] as? [String]) == ["text/plain", "text/html"])
        for id in phishing { #expect(plain.contains(id), "\(id) is listed") }
        for id in others { #expect(!plain.contains(id), "\(id) did not match the verdict filter") }
        #expect(plain.components(separatedBy: "ETD message:").count - 1 == phishing.count)
    }

    @Test func enabledWithoutAnSMTPHostIsAClearError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let refused = try CommandRunner.run(
            ["serve", "--db", dir.file("t.sqlite"), "--port", "0"],
            environment: ["THREATFEED_NOTIFICATIONS_ENABLED": "true", "THREATFEED_NOTIFICATIONS_FROM": "a@example.com", "THREATFEED_NOTIFICATIONS_TO": "b@example.com"]
        )
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("notifications.smtp_host (THREATFEED_NOTIFICATIONS_SMTP_HOST) must be set"), "\(refused.stderr)")
    }
}
