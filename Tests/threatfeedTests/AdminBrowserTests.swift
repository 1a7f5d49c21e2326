import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

/// A real browser on the admin pages: `serve` filled by the fake ETD, a gateway polling its feed with curl, then
/// headless Chromium (Selenium, Tests/Clients/admin_browser.py) logs in, opens the overview, the feed page and the ETD
/// page, and the figures it read are checked against the store. Screenshots go to artifacts/screenshots/ (ignored by git).
@Suite(.serialized) struct AdminBrowserTests {
    static let password = "an-admin-passphrase"
    static var screenshots: String { PythonClients.packageRoot.appendingPathComponent("artifacts/screenshots").path }

    static func health(_ server: ServerProcess) throws -> [String: Any] {
        let result = try CommandRunner.run(program: "/usr/bin/curl", ["-sf", "\(server.baseURL)/health/etd"])
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    @Test(.timeLimit(.minutes(4)))
    func chromiumSeesWhatTheStoreHolds() async throws {
        try PythonClients.requireVenv()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let database = dir.file("serve.sqlite")
        let (policy, _) = try FakeETDPolicy.write(in: dir)
        #expect(try CommandRunner.run(["user", "add", "boss", "--admin", "--db", database], stdin: Data("\(Self.password)\n".utf8)).status == 0)
        #expect(try CommandRunner.run(["feed", "create", "etd", "--indicator", "etd-convictions", "--db", database]).status == 0)
        let shown = try CommandRunner.run(["feed", "show", "etd", "--json", "--db", database]).stdout
        let feed = try #require(try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any])
        let feedID = try #require(feed["id"] as? String), secret = try #require(feed["secret"] as? String)

        let messages = FakeETDDataSet.generate(count: 80, days: 6, end: Date().addingTimeInterval(-600))
        let fake = FakeETD(messages: messages)
        let port = try freeLoopbackPort()
        var environment = ETDCommandTests.environment(port: port)
        environment["THREATFEED_ETD_POLL_INTERVAL"] = "1s"
        environment["THREATFEED_ETD_LOOK_BACK"] = "7d"
        let serverEnvironment = environment
        try await fake.run(port: port) {
            let server = try ServerProcess(database: database, extraArguments: ["--policy-dir", policy], environment: serverEnvironment)
            defer { server.stop() }
            try await waitUntil("the poller took all \(messages.count) convictions", limit: 90, every: .milliseconds(200)) {
                try Self.health(server)["convictions_seen"] as? Int == messages.count
            }
            // A gateway polls the feed.
            for _ in 0..<3 {
                let poll = try CommandRunner.run(program: "/usr/bin/curl", ["-sf", "-o", "/dev/null", "\(server.baseURL)/ctia/feed/\(feedID)/view?s=\(secret)"])
                #expect(poll.status == 0)
            }

            let output = try await onThread {
                try PythonClients.output("admin_browser.py", [server.baseURL, "boss", Self.password, "etd", Self.screenshots])
            }
            let seenByBrowser = try PythonClients.decode(output, from: "admin_browser.py")

            // What the store holds, read after the browser (the poller has stopped adding: every conviction is in).
            let store = try Store(path: database)
            let now = Date()
            let (statistics, types, perDay) = try store.readNow { reader in
                let indicator = try #require(try reader.indicator(named: try EntityName("etd-convictions")))
                return (
                    try reader.statistics(ofIndicator: indicator.id, at: now), try reader.liveObservableTypes(ofIndicator: indicator.id, at: now),
                    try reader.convictionsPerDay(since: now.addingTimeInterval(-40 * 86_400))
                )
            }
            let held = try #require(try Self.health(server)["held_back"] as? [String: Int])

            #expect(seenByBrowser["redirected_to_login"] as? Bool == true)
            #expect((seenByBrowser["after_login"] as? String)?.hasSuffix("/ui/") == true)
            #expect(seenByBrowser["overview_title"] as? String == "Overview · ThreatFeed")
            #expect(statistics.liveObservables > 0)
            #expect(seenByBrowser["overview_live"] as? Int == statistics.liveObservables)
            #expect(seenByBrowser["feed_live"] as? Int == statistics.liveObservables)
            #expect((seenByBrowser["overview_clients"] as? [String])?.contains("127.0.0.1") == true)
            #expect(seenByBrowser["feed_types"] as? [String: Int] == Dictionary(uniqueKeysWithValues: types.map { ($0.type, $0.count) }))
            #expect(seenByBrowser["feed_newest_rows"] as? Int == min(100, statistics.judgements))
            #expect((seenByBrowser["feed_bars"] as? Int ?? 0) > 0)
            #expect(seenByBrowser["etd_held_reasons"] as? [String: Int] == held)
            // "bec 20" and so on: each verdict's total as the legend shows it.
            let totals = Dictionary(perDay.map { ($0.verdict, $0.count) }, uniquingKeysWith: +)
            #expect(Set(seenByBrowser["etd_verdicts"] as? [String] ?? []) == Set(totals.map { "\($0.key) \($0.value)" }))
            #expect(totals.values.reduce(0, +) == messages.count)
            #expect((seenByBrowser["etd_held_rows"] as? Int ?? 0) > 0)
            // The stylesheet loaded (the header is dark blue), nothing broke the CSP, and a phone does not scroll sideways.
            #expect(seenByBrowser["stylesheet_applied"] as? String == "rgb(20, 50, 79)")
            #expect(seenByBrowser["console_errors"] as? [String] == [], "\(seenByBrowser["console_errors"] ?? "")")
            #expect(seenByBrowser["phone_overflow"] as? [String: Bool] == ["overview": false, "feed": false, "etd": false])
            #expect((seenByBrowser["after_logout"] as? String)?.hasSuffix("/ui/login") == true)
            #expect((seenByBrowser["after_logout_page"] as? String)?.hasSuffix("/ui/login") == true)
            for name in ["overview", "feed", "etd"].flatMap({ [$0, $0 + "-phone", $0 + "-full"] }) {
                #expect(FileManager.default.fileExists(atPath: Self.screenshots + "/\(name).png"), "\(name)")
            }
            #expect(!server.stderrText.contains(secret))
        }
    }
}
