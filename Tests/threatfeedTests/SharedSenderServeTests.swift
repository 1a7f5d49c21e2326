import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedTesting

/// `threatfeed serve` polling the fake ETD with the shipped policy files: provider relays counted
/// under `shared-sender-infrastructure` in `/health/etd`, and an allowlist line added while the
/// server runs ends the live judgements it covers at the next poll cycle, without a restart.
@Suite(.serialized) struct SharedSenderServeTests {
    static func health(_ server: ServerProcess) throws -> [String: Any] {
        let result = try CommandRunner.run(program: "/usr/bin/curl", ["-sf", "\(server.baseURL)/health/etd"])
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    static func waitFor(_ server: ServerProcess, _ done: ([String: Any]) -> Bool) async throws -> [String: Any] {
        try await ThreatFeedTesting.waitFor("the health answer the test waits for", every: .milliseconds(100)) { () -> [String: Any]? in
            let report = try Self.health(server)
            return done(report) ? report : nil
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func relaysAreCountedAndALaterAllowlistEntryEndsTheJudgementAtTheNextPoll() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../feeds/policy").standardized
        let policy = dir.file("policy")
        try FileManager.default.copyItem(atPath: shipped.path, toPath: policy)
        let database = dir.file("serve.sqlite")
        let fake = FakeETD(messages: FakeETDSharedSenderScenarios.messages(at: Date().addingTimeInterval(-900)))
        let port = try freeLoopbackPort()
        var environment = ETDCommandTests.environment(port: port)
        environment["THREATFEED_ETD_POLL_INTERVAL"] = "1s"
        let serverEnvironment = environment
        try await fake.run(port: port) {
            let server = try ServerProcess(database: database, extraArguments: ["--policy-dir", policy], environment: serverEnvironment)
            defer { server.stop() }
            let first = try await Self.waitFor(server) { ($0["convictions_seen"] as? Int) == 6 }
            let held = try #require(first["held_back"] as? [String: Int])
            #expect(held["shared-sender-infrastructure"] == 4)
            #expect(held["freemail-domain"] == 2)
            var live = Set(try ETDCommandTests.liveObservables(database).map(\.value))
            #expect(live.contains(FakeETDSharedSenderScenarios.attackerIP))
            #expect(live.isDisjoint(with: FakeETDSharedSenderScenarios.relays))

            try Data("\(FakeETDSharedSenderScenarios.attackerIP)\n".utf8).write(to: URL(fileURLWithPath: policy + "/allowlist.txt"))
            let after = try await Self.waitFor(server) { ($0["judgements_ended"] as? Int) == 1 }
            #expect(after["judgements_ended"] as? Int == 1)
            #expect((after["held_back"] as? [String: Int])?["allowlisted"] == 1)
            live = Set(try ETDCommandTests.liveObservables(database).map(\.value))
            #expect(!live.contains(FakeETDSharedSenderScenarios.attackerIP))
            #expect(live.contains(FakeETDSharedSenderScenarios.attackerURL))
        }
    }
}
