import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

#if canImport(Glibc)
import Glibc
#endif

/// `threatfeed etd poll --once` and `etd status` as an operator runs them, against the fake ETD.
@Suite(.serialized) struct ETDCommandTests {
    static func environment(port: Int) -> [String: String] {
        [
            "THREATFEED_ETD_BASE_URL": "http://127.0.0.1:\(port)", "THREATFEED_ETD_CLIENT_ID": FakeETD.clientID,
            "THREATFEED_ETD_CLIENT_SECRET": FakeETD.clientSecret, "THREATFEED_ETD_API_KEY": FakeETD.apiKey,
            "THREATFEED_OWN_DOMAINS": FakeETDDataSet.ownDomain, "THREATFEED_GATEWAY_IPS": FakeETDDataSet.gatewayIP,
        ]
    }

    static func policyDirectory(_ dir: TemporaryDirectory) throws -> (String, SafetyPolicy) {
        try FakeETDPolicy.write(in: dir)
    }

    static func liveObservables(_ database: String, indicator name: String = "etd-convictions") throws -> [Observable] {
        let store = try Store(path: database)
        return try store.readNow { reader in
            guard let indicator = try reader.indicator(named: try EntityName(name)) else { return [] }
            var values: [Observable] = []
            try reader.forEachLiveObservable(ofIndicator: indicator.id, at: Date()) { values.append($0) }
            return values
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func sigkillMidCycleThenRestartGivesTheSameFinalSet() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (policyPath, policy) = try Self.policyDirectory(dir)
        let database = dir.file("etd.sqlite")
        let messages = FakeETDDataSet.generate(count: 120, days: 1, end: Date().addingTimeInterval(-900))
        let fake = FakeETD(messages: messages, maxPageSize: 20)
        let port = try freeLoopbackPort()
        let environment = Self.environment(port: port)
        let arguments = ["etd", "poll", "--once", "--db", database, "--policy-dir", policyPath]
        try await fake.run(port: port) {
            // Three pages land, the fourth never answers: the poller is killed while waiting for it.
            fake.inject(.passThrough, on: .search, times: 3)
            fake.inject(.stall, on: .search)
            let process = try CommandRunner.start(arguments, environment: environment, stdout: Pipe(), stderr: Pipe())
            try await waitUntil("the fourth page held", every: .milliseconds(20)) { fake.stalledRequests > 0 || !process.isRunning }
            #expect(fake.stalledRequests == 1)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            let partial = try Store(path: database).readNow { try $0.etdPollStatus() }
            #expect(partial.convictionsSeen == 60)
            #expect(partial.lastSuccess == nil)

            let rerun = try CommandRunner.run(arguments, environment: environment)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(rerun.stdout.contains("60 new convictions"))
        }
        let served = try Self.liveObservables(database)
        #expect(served.count == Set(served).count)
        let expected = try FakeETDExpectedFeed.observables(messages, policy: policy)
        #expect(Set(served) == expected)

        let status = try CommandRunner.run(["etd", "status", "--json", "--db", database])
        #expect(status.status == 0, "\(status.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["convictions_seen"] as? Int == 120)
        #expect(object["consecutive_failures"] as? Int == 0)
        let held = try #require(object["held_back"] as? [String: Int])
        #expect((held["own-gateway-ip"] ?? 0) > 0)
        #expect(held["allowlisted"] == 0)
        let text = try CommandRunner.run(["etd", "status", "--db", database])
        #expect(text.stdout.contains("convictions seen:      120"))
        let remediation = try #require(object["remediation"] as? [String: Any])
        #expect(remediation["enabled"] as? Bool == false)
    }

    @Test func pollFailsWithAClearMessageAndNoSecrets() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (policyPath, _) = try Self.policyDirectory(dir)
        let fake = FakeETD()
        let port = try freeLoopbackPort()
        var environment = Self.environment(port: port)
        environment["THREATFEED_ETD_API_KEY"] = "wrong-key-must-not-be-printed"
        let wrongKey = environment
        let result = try await fake.run(port: port) {
            try CommandRunner.run(["etd", "poll", "--once", "--db", dir.file("x.sqlite"), "--policy-dir", policyPath], environment: wrongKey)
        }
        #expect(result.status != 0)
        #expect(result.stderr.contains("ETD rejected the API key"))
        #expect(!result.stderr.contains("wrong-key-must-not-be-printed"))
        #expect(!result.stderr.contains(FakeETD.clientSecret))

        let unconfigured = try CommandRunner.run(["etd", "poll", "--once", "--db", dir.file("x.sqlite")], environment: ["THREATFEED_ETD_REGION": "mars"])
        #expect(unconfigured.status != 0)
        #expect(unconfigured.stderr.contains("is not an ETD region"))
    }
}

/// `threatfeed serve` with ETD configured polls on its own, shows it in `/health/etd`, serves the
/// result, and still stops cleanly on SIGTERM while the poller sleeps.
@Suite struct ETDServeTests {
    @Test(.timeLimit(.minutes(2)))
    func servePollsETDAndServesTheConvictions() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (policyPath, policy) = try ETDCommandTests.policyDirectory(dir)
        let database = dir.file("serve.sqlite")
        let created = try CommandRunner.run(["feed", "create", "etd", "--indicator", "etd-convictions", "--db", database])
        #expect(created.status == 0, "\(created.stderr)")
        let shown = try #require(
            try JSONSerialization.jsonObject(with: Data(try CommandRunner.run(["feed", "show", "etd", "--json", "--db", database]).stdout.utf8))
                as? [String: Any]
        )
        let id = try #require(shown["id"] as? String)
        let secret = try #require(shown["secret"] as? String)
        let messages = FakeETDDataSet.generate(count: 40, days: 1, end: Date().addingTimeInterval(-900))
        let fake = FakeETD(messages: messages, maxPageSize: 15)
        let port = try freeLoopbackPort()
        let environment = ETDCommandTests.environment(port: port)
        let served = try await fake.run(port: port) { () async throws -> [String] in
            let server = try ServerProcess(database: database, extraArguments: ["--policy-dir", policyPath], environment: environment)
            defer { server.stop() }
            let report = try await waitFor("a successful poll", every: .milliseconds(100)) { () -> [String: Any]? in
                let health = try CommandRunner.run(program: "/usr/bin/curl", ["-sf", "\(server.baseURL)/health/etd"])
                let report = (try? JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any]) ?? [:]
                return report["last_success"] is String ? report : nil
            }
            #expect(report["enabled"] as? Bool == true)
            #expect(report["convictions_seen"] as? Int == 40)
            let view = try CommandRunner.run(program: "/usr/bin/curl", ["-sf", "\(server.baseURL)/ctia/feed/\(id)/view.txt?s=\(secret)"])
            #expect(view.status == 0)
            #expect(server.stop() == 0)
            return view.stdout.split(separator: "\n").map(String.init)
        }
        #expect(served.count == Set(served).count)
        let expected = try FakeETDExpectedFeed.observables(messages, policy: policy)
        #expect(Set(served) == Set(expected.map(\.value)))
        #expect(fake.counts.tokenRequests == 1)
    }
}
