import Foundation
import Testing
import ThreatFeedTesting

/// `threatfeed serve` with ETD and notifications configured, against the fake ETD and a real SMTP server
/// (aiosmtpd on loopback): one mail listing exactly the matching convictions, never the same one twice.
@Suite(.serialized) struct NotificationServeTests {
    /// The `notifications` part of `/health/etd`.
    static func notifications(_ server: ServerProcess) throws -> [String: Any] {
        let health = try CommandRunner.run(program: "/usr/bin/curl", ["-sf", "\(server.baseURL)/health/etd"])
        let report = (try? JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any]) ?? [:]
        return report["notifications"] as? [String: Any] ?? [:]
    }

    /// A phishing conviction the data set does not hold, old enough for the poller's settle delay.
    static func laterConviction(_ number: Int) -> FakeETDMessage {
        FakeETDMessage(
            id: "later-\(number)-\(UUID().uuidString.prefix(8))", time: Date().addingTimeInterval(-600), verdict: "phishing",
            fromAddress: "billing@later\(number).example.org", mailboxes: ["cfo@example.com"])
    }

    /// The plain-text part of a received mail.
    static func plain(_ mail: FakeSMTPServer.Message) throws -> String {
        let parsed = try PythonClients.json("parse_mail.py", [mail.path])
        return try #require(parsed["plain"] as? String)
    }

    /// "Nothing else is sent" is shown by later events, not by waiting: after the batch, a new conviction
    /// (and, after a restart, another) each arrive as a mail of their own that lists only them; a resent
    /// conviction would be listed there or would be a mail between them.
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
        environment["THREATFEED_ETD_POLL_INTERVAL"] = "1s"
        environment["THREATFEED_NOTIFICATIONS_ENABLED"] = "true"
        environment["THREATFEED_NOTIFICATIONS_SMTP_HOST"] = "127.0.0.1"
        environment["THREATFEED_NOTIFICATIONS_SMTP_PORT"] = String(smtp.port)
        environment["THREATFEED_NOTIFICATIONS_TLS"] = "off"
        environment["THREATFEED_NOTIFICATIONS_FROM"] = "threatfeed@example.com"
        environment["THREATFEED_NOTIFICATIONS_TO"] = "soc@example.com"
        environment["THREATFEED_NOTIFICATIONS_VERDICTS"] = "phishing"
        environment["THREATFEED_NOTIFICATIONS_INTERVAL"] = "1s"
        let settings = environment
        let (later1, later2) = (Self.laterConviction(1), Self.laterConviction(2))
        try await etd.run(port: etdPort) {
            let first = try ServerProcess(database: database, extraArguments: ["--policy-dir", policyPath], environment: settings)
            try await waitUntil("the batch's mail") { try smtp.messages().count >= 1 }
            // Every conviction of the batch has reached a final state: nothing of it is left to send.
            let section = try await waitFor("every conviction sent or filtered") { () -> [String: Any]? in
                let section = try Self.notifications(first)
                let counts = section["counts"] as? [String: Int] ?? [:]
                return counts["sent"] == phishing.count && counts["filtered"] == others.count ? section : nil
            }
            #expect(section["enabled"] as? Bool == true)
            let counts = try #require(section["counts"] as? [String: Int])
            #expect(counts["sending"] == 0 && counts["unconfirmed"] == 0)
            #expect(section["last_sent"] as? String != nil)
            // A later conviction: its mail is the next one.
            etd.add([later1])
            try await waitUntil("the later conviction's mail") { try smtp.messages().count >= 2 }
            #expect(first.stop() == 0)
            // After a restart, the next mail is again only the next conviction.
            let second = try ServerProcess(database: database, extraArguments: ["--policy-dir", policyPath], environment: settings)
            etd.add([later2])
            try await waitUntil("the mail after the restart") { try smtp.messages().count >= 3 }
            let counts2 = try #require(try Self.notifications(second)["counts"] as? [String: Int])
            #expect(counts2["sent"] == phishing.count + 2, "\(counts2)")
            #expect(second.stop() == 0)
            #expect(!(first.stderrText + second.stderrText).contains("notifications: cycle failed"), "\(first.stderrText.suffix(2000))")
        }
        let received = try smtp.messages()
        #expect(received.count == 3, "one mail for the batch, one for each later conviction, none resent")
        let mail = try #require(received.first)
        #expect(mail.envelope.rcpt_tos == ["soc@example.com"])
        let parsed = try PythonClients.json("parse_mail.py", [mail.path])
        let plain = try #require(parsed["plain"] as? String)
        #expect((parsed["part_types"] as? [String]) == ["text/plain", "text/html"])
        for id in phishing { #expect(plain.contains(id), "\(id) is listed") }
        for id in others { #expect(!plain.contains(id), "\(id) did not match the verdict filter") }
        #expect(plain.components(separatedBy: "ETD message:").count - 1 == phishing.count)
        for (index, later) in [later1, later2].enumerated() where received.count == 3 {
            let text = try Self.plain(received[index + 1])
            #expect(text.contains(later.id))
            #expect(text.components(separatedBy: "ETD message:").count - 1 == 1, "only the new conviction: \(text.prefix(500))")
        }
    }

    @Test func enabledWithoutAnSMTPHostIsAClearError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let refused = try CommandRunner.run(
            ["serve", "--db", dir.file("t.sqlite"), "--port", "0"],
            environment: ["THREATFEED_NOTIFICATIONS_ENABLED": "true", "THREATFEED_NOTIFICATIONS_FROM": "a@example.com", "THREATFEED_NOTIFICATIONS_TO": "b@example.com"]
        )
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("notifications.smtp_host (THREATFEED_NOTIFICATIONS_SMTP_HOST): must be set"), "\(refused.stderr)")
    }
}
