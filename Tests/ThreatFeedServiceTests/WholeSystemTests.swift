import Foundation
import Logging
import ServiceLifecycle
import Testing
import ThreatFeedCore
import ThreatFeedService
import ThreatFeedStore
import ThreatFeedTesting

/// The whole running system, built in this process by `buildService` exactly as `serve` builds it, against the fake
/// ETD, SMA and ESA and a real SMTP server (aiosmtpd): ETD convictions become judgements, and every action acts on
/// them — each message remediated once, one notice listing them, the gateway's blocklist holding their senders.
/// No subprocess of ours and no fixed sleep: each step is awaited as a condition.
@Suite(.serialized) struct WholeSystemTests {
    static func settings(etdPort: Int, smaPort: Int, esaPort: Int, smtpPort: Int, database: String) -> Settings {
        let environment = [
            "THREATFEED_PORT": "0", "THREATFEED_DB": database,
            "THREATFEED_ETD_BASE_URL": "http://127.0.0.1:\(etdPort)", "THREATFEED_ETD_CLIENT_ID": FakeETD.clientID,
            "THREATFEED_ETD_CLIENT_SECRET": FakeETD.clientSecret, "THREATFEED_ETD_API_KEY": FakeETD.apiKey,
            "THREATFEED_OWN_DOMAINS": FakeETDDataSet.ownDomain, "THREATFEED_GATEWAY_IPS": FakeETDDataSet.gatewayIP,
            "THREATFEED_REMEDIATION_ENABLED": "true", "THREATFEED_REMEDIATION_SMA_URL": "http://127.0.0.1:\(smaPort)",
            "THREATFEED_REMEDIATION_USERNAME": FakeSMA.username, "THREATFEED_REMEDIATION_PASSWORD": FakeSMA.passphrase,
            "THREATFEED_REMEDIATION_FORWARD_TO": "soc-remediation@example.com",
            "THREATFEED_NOTIFICATIONS_ENABLED": "true", "THREATFEED_NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
            "THREATFEED_NOTIFICATIONS_SMTP_PORT": String(smtpPort), "THREATFEED_NOTIFICATIONS_TLS": "off",
            "THREATFEED_NOTIFICATIONS_FROM": "threatfeed@example.com", "THREATFEED_NOTIFICATIONS_TO": "soc@example.com",
            "THREATFEED_BLOCKLIST_ENABLED": "true", "THREATFEED_BLOCKLIST_URL": "http://127.0.0.1:\(esaPort)",
            "THREATFEED_BLOCKLIST_USERNAME": FakeESA.username, "THREATFEED_BLOCKLIST_PASSWORD": FakeESA.passphrase,
            "THREATFEED_BLOCKLIST_INDICATOR": "etd-convictions", "THREATFEED_BLOCKLIST_RECIPIENTS": "ap@example.com",
            // The sync runs at start (before the first poll has stored anything) and then every second.
            "THREATFEED_BLOCKLIST_INTERVAL": "1s",
        ]
        return Settings(file: nil, environment: environment)
    }

    /// The live observables of an indicator, as the feeds serve them.
    static func live(_ store: Store, indicator name: String) throws -> Set<Observable> {
        try store.readNow { reader in
            guard let indicator = try reader.indicator(named: try EntityName(name)) else { return [] }
            var values: Set<Observable> = []
            try reader.forEachLiveObservable(ofIndicator: indicator.id, at: Date()) { values.insert($0) }
            return values
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func convictionsBecomeJudgementsAndEveryActionActsOnThemOnce() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (policyPath, policy) = try FakeETDPolicy.write(in: dir)
        let database = dir.file("system.sqlite")
        let messages = FakeETDDataSet.generate(count: 12, days: 1, end: Date().addingTimeInterval(-900))
        let expected = try FakeETDExpectedFeed.observables(messages, policy: policy)
        let senders = Set(expected.filter { [.domain, .ip, .ipv6].contains($0.type) }.map(\.value))
        try #require(!senders.isEmpty, "the data set has senders to block")
        let etd = FakeETD(messages: messages, maxPageSize: 5)
        let sma = FakeSMA()
        let esa = FakeESA()
        let smtp = try FakeSMTPServer()
        defer { smtp.stop() }
        let (etdPort, smaPort, esaPort) = (try freeLoopbackPort(), try freeLoopbackPort(), try freeLoopbackPort())
        let settings = Self.settings(etdPort: etdPort, smaPort: smaPort, esaPort: esaPort, smtpPort: smtp.port, database: database)
        let (listening, listened) = AsyncStream<ServiceAddress>.makeStream()
        let options = ServiceOptions(policy: PolicyOverrides(directory: policyPath), gracefulShutdownSignals: []) { address in
            listened.yield(address)
        }
        try await etd.run(port: etdPort) {
            try await sma.run(port: smaPort) {
                try await esa.run(port: esaPort) {
                    let group = try await buildService(settings: settings, options: options, logger: Logger(label: "whole-system"))
                    try await withThrowingTaskGroup(of: Void.self) { tasks in
                        tasks.addTask { try await group.run() }
                        var addresses = listening.makeAsyncIterator()
                        let address = try #require(await addresses.next())
                        #expect(address.port != 0)
                        let store = try Store(path: database)

                        // ETD → judgements: the feed holds what the data set and the policy say, nothing else.
                        try await waitUntil("the convictions stored as judgements", limit: 90) { try Self.live(store, indicator: "etd-convictions") == expected }
                        #expect(try Self.live(store, indicator: "etd-convictions") == expected)
                        // → remediation: every message once.
                        try await waitUntil("every message remediated", limit: 90) { sma.received.flatMap(\.messageIDs).count >= messages.count }
                        // → notification: one mail for the cycle.
                        try await waitUntil("the notice sent", limit: 90) { try !smtp.messages().isEmpty }
                        // → blocklist: the gateway holds exactly the senders.
                        try await waitUntil("the blocklist holding the senders", limit: 90) { Set(esa.entries().keys) == senders }

                        await group.triggerGracefulShutdown()
                        try await tasks.waitForAll()
                    }
                }
            }
        }
        let remediated = sma.received.flatMap(\.messageIDs)
        #expect(remediated.count == messages.count, "each message once")
        #expect(Set(remediated) == Set(messages.map { "<\($0.id)@fake.example.net>" }))
        let mails = try smtp.messages()
        #expect(mails.count == 1, "one notice for the cycle")
        let parsed = try PythonClients.json("parse_mail.py", [try #require(mails.first).path])
        let plain = try #require(parsed["plain"] as? String)
        for message in messages { #expect(plain.contains(message.id), "\(message.id) is listed") }
        #expect(esa.entries().values.allSatisfy { $0 == ["ap@example.com"] })
    }
}
