import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedTesting

/// `threatfeed etd held-back` and `etd simulate` as an administrator runs them, after a real
/// `etd poll --once` against the fake ETD with the shipped policy files.
@Suite(.serialized) struct ETDReviewCommandTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A database filled by one poll of the shared-sender scenarios, and a copy of the shipped policy files.
    static func polled(_ dir: TemporaryDirectory) async throws -> (database: String, policy: String) {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../feeds/policy").standardized
        let policy = dir.file("policy")
        try FileManager.default.copyItem(atPath: shipped.path, toPath: policy)
        let database = dir.file("etd.sqlite")
        let fake = FakeETD(messages: FakeETDSharedSenderScenarios.messages(at: Date().addingTimeInterval(-900)))
        let port = try freeLoopbackPort()
        let environment = ETDCommandTests.environment(port: port)
        let result = try await fake.run(port: port) {
            try CommandRunner.run(["etd", "poll", "--once", "--db", database, "--policy-dir", policy], environment: environment)
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("6 new convictions"), "\(result.stdout)")
        return (database, policy)
    }

    @Test(.timeLimit(.minutes(2)))
    func heldBackListsEachValueWithReasonAndConviction() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (database, _) = try await Self.polled(dir)

        let all = try CommandRunner.run(["etd", "held-back", "--db", database, "--json"])
        #expect(all.status == 0, "\(all.stderr)")
        let report = try Self.json(all.stdout)
        let entries = try #require(report["entries"] as? [[String: Any]])
        let counts = try #require(report["counts"] as? [String: Int])
        #expect(counts == ["shared-sender-infrastructure": 4, "freemail-domain": 2])
        #expect(entries.count == 6)
        let bec = try #require(entries.first { $0["value"] as? String == FakeETDSharedSenderScenarios.googleRelay })
        #expect(bec["reason"] as? String == "shared-sender-infrastructure")
        #expect(bec["message_id"] as? String == "bec-freemail-0001")
        #expect(bec["verdict"] as? String == "bec")
        #expect(bec["subject"] as? String == "Message bec-free")
        #expect(bec["from"] as? String == "CEO Office <ceo.office.private@gmail.com>")
        #expect(bec["kind"] as? String == "senderIP")
        #expect((bec["held_back_at"] as? String)?.hasSuffix("Z") == true)

        let relays = try CommandRunner.run(["etd", "held-back", "--db", database, "--reason", "shared-sender-infrastructure", "--since", "1h"])
        #expect(relays.status == 0, "\(relays.stderr)")
        #expect(relays.stdout.hasPrefix("4 value(s) held back since"))
        for relay in FakeETDSharedSenderScenarios.relays { #expect(relays.stdout.contains(relay)) }
        #expect(!relays.stdout.contains("gmail.com  "))
        #expect(relays.stdout.contains("subject \"Message phish-m3\""))

        let none = try CommandRunner.run(["etd", "held-back", "--db", database, "--reason", "allowlisted"])
        #expect(none.stdout.hasPrefix("No values held back since"))
        let bad = try CommandRunner.run(["etd", "held-back", "--db", database, "--reason", "bogus"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--reason 'bogus': one of allowlisted,"))
        let badSince = try CommandRunner.run(["etd", "held-back", "--db", database, "--since", "7x"])
        #expect(badSince.status != 0)
        #expect(badSince.stderr.contains("--since '7x'"))
    }

    @Test(.timeLimit(.minutes(2)))
    func simulateShowsWhatAChangedPolicyWouldPublish() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (database, policy) = try await Self.polled(dir)
        let environment = ETDCommandTests.environment(port: 1)

        // Unchanged files: nothing changes.
        let same = try CommandRunner.run(["etd", "simulate", "--db", database, "--policy-dir", policy, "--json"], environment: environment)
        #expect(same.status == 0, "\(same.stderr)")
        var report = try Self.json(same.stdout)
        #expect(report["convictions"] as? Int == 6)
        #expect(report["changes"] as? Int == 0)
        // Per conviction: the attacker's domain is a value of two convictions, so 9 values for 8 observables.
        #expect(report["published_now"] as? Int == FakeETDSharedSenderScenarios.published.count + 1)
        #expect(report["held_back_now"] as? [String: Int] == ["shared-sender-infrastructure": 4, "freemail-domain": 2])

        // The administrator allowlists the attacker's address and drops the Microsoft ranges file.
        try Data("\(FakeETDSharedSenderScenarios.attackerIP)\n".utf8).write(to: URL(fileURLWithPath: policy + "/allowlist.txt"))
        try FileManager.default.removeItem(atPath: policy + "/provider-ranges/microsoft.txt")
        let changed = try CommandRunner.run(["etd", "simulate", "--db", database, "--policy-dir", policy, "--json"], environment: environment)
        #expect(changed.status == 0, "\(changed.stderr)")
        report = try Self.json(changed.stdout)
        #expect(report["changes"] as? Int == 2)
        let values = try #require(report["values"] as? [[String: Any]])
        let moved = values.filter { $0["changed"] as? Bool == true }.map { [$0["value"] as? String ?? "", $0["today"] as? String ?? "", $0["now"] as? String ?? ""] }
        #expect(Set(moved) == [
            [FakeETDSharedSenderScenarios.attackerIP, "published", "allowlisted"],
            [FakeETDSharedSenderScenarios.microsoftRelay, "shared-sender-infrastructure", "published"],
        ])
        let text = try CommandRunner.run(["etd", "simulate", "--db", database, "--policy-dir", policy], environment: environment)
        #expect(text.stdout.contains("changes vs today: 2"))
        #expect(text.stdout.contains("*  allowlisted"))

        // Simulating wrote nothing: held-back still shows the poll's decisions only.
        let held = try Self.json(try CommandRunner.run(["etd", "held-back", "--db", database, "--json"]).stdout)
        #expect((held["entries"] as? [Any])?.count == 6)

        // A bad line in a policy file is named, and nothing is simulated.
        try Data("ip4:40.107.0.0/33\n".utf8).write(to: URL(fileURLWithPath: policy + "/provider-ranges/microsoft.txt"))
        let broken = try CommandRunner.run(["etd", "simulate", "--db", database, "--policy-dir", policy], environment: environment)
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("provider-ranges/microsoft.txt:1: prefix length '33'"))
    }
}
