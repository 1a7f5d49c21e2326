import AsyncHTTPClient
import Foundation
import Logging
import Synchronization
import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

/// A temporary store, a fake SMA on loopback and a runner between them, on a virtual clock.
struct RemediationHarness: Sendable {
    let clock: TestClock
    let store: Store
    let fake: FakeSMA
    let port: Int
    let directory: TemporaryDirectory

    static func run<T: Sendable>(
        inactivityTimeout: Double = 1800, _ body: @Sendable @escaping (RemediationHarness) async throws -> T
    ) async throws -> T {
        let clock = TestClock()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.file("actions.sqlite"), clock: clock.function)
        let fake = FakeSMA(inactivityTimeout: inactivityTimeout, now: clock.function)
        let port = try freeLoopbackPort()
        let harness = RemediationHarness(clock: clock, store: store, fake: fake, port: port, directory: directory)
        return try await fake.run(port: port) { try await body(harness) }
    }

    func configuration(dryRun: Bool = false, password: String = FakeSMA.passphrase) -> RemediationConfiguration {
        var configuration = RemediationConfiguration(
            smaURL: "http://127.0.0.1:\(port)", credentials: AsyncOSCredentials(username: FakeSMA.username, passphrase: password)
        )
        configuration.forwardTo = ["soc-remediation@example.com"]
        configuration.dryRun = dryRun
        configuration.requestTimeout = TimeSpan(seconds: 10)
        return configuration
    }

    func session(_ configuration: RemediationConfiguration) -> AsyncOSSession {
        AsyncOSSession(
            baseURL: configuration.smaURL, prefix: AsyncOSSession.smaPrefix, credentials: configuration.credentials,
            httpClient: OutboundHTTPClient.shared, timeoutSeconds: configuration.requestTimeout.seconds
        )
    }

    func runner(_ configuration: RemediationConfiguration) -> RemediationRunner {
        RemediationRunner(
            configuration: configuration, ledger: store,
            client: configuration.dryRun ? nil : SMARemediationClient(session: session(configuration)),
            clock: VirtualClock(clock), logger: Logger(label: "test.remediation")
        )
    }

    /// Commits convictions as the ETD poller does, with details.
    func convict(_ ids: [String], verdict: String = "phishing") async throws {
        let convictions = ids.map { id in
            ConvictionPage.Conviction(
                key: ConvictionKey(messageID: id, verdict: verdict), messageTime: clock.now.addingTimeInterval(-600), judgements: [],
                heldBack: [:],
                details: ConvictionDetails(
                    internetMessageID: "<\(id)@mail.example.org>", subject: "Invoice \(id)", fromAddress: "billing@evil.example.org",
                    mailboxes: ["ap@example.com", "cfo@example.com"], techniques: ["Malicious URL"]
                )
            )
        }
        _ = try await store.commit(ConvictionPage(convictions: convictions))
    }

    func records() throws -> [String: RemediationRecord] {
        Dictionary(uniqueKeysWithValues: try store.readNow { try $0.remediations() }.map { ($0.messageID, $0) })
    }
}
