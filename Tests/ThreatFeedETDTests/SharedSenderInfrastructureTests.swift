import AsyncHTTPClient
import Hummingbird
import NIOCore
import NIOHTTP1
import Foundation
import Logging
import Testing
import ThreatFeedCore
import ThreatFeedServer
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedETD

/// Issue 13 end to end: fake ETD over HTTP → poller → policy (the shipped `feeds/policy` files,
/// copied so a test can edit them) → SQLite → the real feed view over HTTP.
@Suite struct SharedSenderInfrastructureTests {
    final class Fixture: Sendable {
        let directory: TemporaryDirectory
        let testClock: TestClock
        let store: Store
        let feed: Feed
        let fake: FakeETD
        let poller: ETDPoller
        let etdPort: Int
        let policyDirectory: String

        init() throws {
            let environment = try ETDTestEnvironment(indicator: ETDRule.defaultIndicator.value)
            let (directory, testClock, clock) = (environment.directory, environment.testClock, environment.clock)
            store = environment.store
            feed = environment.feed
            // The shipped policy files, so the test also checks the lists we ship.
            let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../feeds/policy").standardized
            policyDirectory = directory.file("policy")
            try FileManager.default.copyItem(atPath: shipped.path, toPath: policyDirectory)
            fake = FakeETD(messages: FakeETDSharedSenderScenarios.messages(at: testClock.now.addingTimeInterval(-900)), now: { clock.now() })
            etdPort = try freeLoopbackPort()
            let configuration = ETDConfiguration.fake(port: etdPort)
            var logger = Logger(label: "etd-test")
            logger.logLevel = .critical
            let client = ETDClient(configuration: configuration, httpClient: HTTPClient.shared, clock: clock, logger: logger)
            let directoryPath = policyDirectory
            let source: @Sendable () throws -> SafetyPolicy = {
                try PolicyFiles.load(directory: directoryPath, ownDomains: [FakeETDDataSet.ownDomain], gatewayAddresses: [FakeETDDataSet.gatewayIP])
            }
            poller = ETDPoller(
                client: client, ledger: store, extractor: ConvictionExtractor(configuration: configuration, policy: try source()),
                clock: clock, logger: logger, policySource: source
            )
            self.directory = directory
            self.testClock = testClock
        }

        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: policyDirectory).appendingPathComponent(name))
        }

        /// The feed as a gateway sees it: `/ctia/feed/<id>/view` from the real server, as `[type, value]`.
        func served() async throws -> Set<[String]> {
            testClock.advance(by: 1)
            let feed = self.feed
            return try await withServedStore(store, clock: testClock.function) { port in
                Set(try await ctiaView(port: port, feed: feed).map { [$0.type, $0.value] })
            }
        }

        func heldBack() throws -> [HeldBackEntry] {
            try store.readNow { try $0.heldBackValues(since: .distantPast, reason: nil, limit: 1_000) }
        }
    }

    @Test func providerRelaysAreHeldBackAndTheAttackersInfrastructurePublished() async throws {
        let fixture = try Fixture()
        try await fixture.fake.run(port: fixture.etdPort) {
            let report = try await fixture.poller.runCycle()
            #expect(report.outcome.convictions == 6)
            #expect(report.outcome.heldBack[.sharedSenderInfrastructure] == 4)
        }
        let served = try await fixture.served()
        #expect(served == FakeETDSharedSenderScenarios.published)
        let values = Set(served.map { $0[1] })
        // Nothing of the providers: not their relays, not their domains.
        #expect(values.isDisjoint(with: FakeETDSharedSenderScenarios.relays))
        #expect(!values.contains("gmail.com") && !values.contains("outlook.com"))

        let status = try await fixture.store.pollStatus()
        #expect(status.heldBack[.sharedSenderInfrastructure] == 4)
        #expect(status.heldBack[.freemailDomain] == 2)
        let health = ConvictionChainHealth(status: status, enabled: true, now: fixture.testClock.now)
        #expect(health.heldBack["shared-sender-infrastructure"] == 4)
        #expect(health.text.contains("shared-sender-infrastructure   4"))

        // The held-back list says what, why and from which message.
        let held = try fixture.heldBack()
        let relays = held.filter { $0.reason == .sharedSenderInfrastructure }
        #expect(Set(relays.map(\.value)) == FakeETDSharedSenderScenarios.relays)
        let bec = try #require(relays.first { $0.value == FakeETDSharedSenderScenarios.googleRelay })
        #expect(bec.messageID == "bec-freemail-0001")
        #expect(bec.verdict == "bec")
        #expect(bec.fromAddress == "CEO Office <ceo.office.private@gmail.com>")
        #expect(bec.subject == "Message bec-free")
        #expect(bec.kind == "senderIP" && bec.type == .ip && !bec.endedLive)
        #expect(relays.first { $0.value == FakeETDSharedSenderScenarios.googleRelayV6 }?.type == .ipv6)
    }

    @Test func anAllowlistEntryAddedLaterEndsTheLiveJudgementAtTheNextPoll() async throws {
        let fixture = try Fixture()
        try await fixture.fake.run(port: fixture.etdPort) {
            try await fixture.poller.runCycle()
            #expect(try await fixture.served().contains(["ip", FakeETDSharedSenderScenarios.attackerIP]))

            // The administrator finds the "attacker" is a partner: allowlists its address and domain.
            try fixture.write("allowlist.txt", "# partner, misjudged\n\(FakeETDSharedSenderScenarios.attackerIP)\n\(FakeETDSharedSenderScenarios.attackerDomain)\n")
            fixture.testClock.advance(by: 300)
            let report = try await fixture.poller.runCycle()
            // The IP, the domain, and the URL on it; the hash and the IPv6 address stay.
            #expect(report.outcome.ended == 3)
        }
        let served = try await fixture.served()
        #expect(served == FakeETDSharedSenderScenarios.published.subtracting([
            ["ip", FakeETDSharedSenderScenarios.attackerIP], ["domain", FakeETDSharedSenderScenarios.attackerDomain],
            ["url", FakeETDSharedSenderScenarios.attackerURL],
        ]))
        let ended = try fixture.heldBack().filter { $0.reason == .allowlisted }
        #expect(Set(ended.map(\.value)) == [FakeETDSharedSenderScenarios.attackerIP, FakeETDSharedSenderScenarios.attackerDomain, FakeETDSharedSenderScenarios.attackerURL])
        // The domain was backed by two convictions: both list it.
        #expect(ended.allSatisfy { $0.endedLive && ["malicious-own-server-0004", "malicious-own-v6-0006"].contains($0.messageID) })
        let status = try await fixture.store.pollStatus()
        #expect(status.judgementsEnded == 3)
        #expect(status.heldBack[.allowlisted] == 3)

        // A further cycle with the same files ends nothing more.
        try await fixture.fake.run(port: fixture.etdPort) {
            fixture.testClock.advance(by: 300)
            let again = try await fixture.poller.runCycle()
            #expect(again.outcome.ended == 0)
        }
    }

    @Test func aBadRangesLineFailsTheCycleWithFileAndLineAndPublishesNothing() async throws {
        let fixture = try Fixture()
        try fixture.write("provider-ranges/local.txt", "# our relay provider\nip4:192.0.2.0/24\nip4:192.0.2.300/32\n")
        let file = URL(fileURLWithPath: fixture.policyDirectory).appendingPathComponent("provider-ranges/local.txt").path
        #expect(throws: PolicyListError(file: file, line: 3, problem: "'192.0.2.300/32' is not an IPv4 or IPv6 address or CIDR block")) {
            try PolicyFiles.load(directory: fixture.policyDirectory)
        }
        try await fixture.fake.run(port: fixture.etdPort) {
            await #expect(throws: PolicyListError.self) { try await fixture.poller.runCycle() }
            let status = try await fixture.store.pollStatus()
            #expect(status.lastError == "\(file):3: '192.0.2.300/32' is not an IPv4 or IPv6 address or CIDR block")
            #expect(status.convictionsSeen == 0)

            // Fixed, the next cycle runs with the new range.
            try fixture.write("provider-ranges/local.txt", "ip4:203.0.113.64/28\n")
            fixture.testClock.advance(by: 300)
            let report = try await fixture.poller.runCycle()
            #expect(report.outcome.convictions == 6)
        }
        let served = try await fixture.served()
        #expect(!served.contains(["ip", FakeETDSharedSenderScenarios.attackerIP]))
        #expect(served.contains(["ipv6", FakeETDSharedSenderScenarios.attackerIPv6]))
    }
}
