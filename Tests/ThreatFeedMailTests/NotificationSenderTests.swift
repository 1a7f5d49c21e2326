import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedMail
import ThreatFeedTesting

/// Retries (transient only) and the whole cycle, against the real loopback SMTP server.
@Suite struct NotificationSenderTests {
    func configuration(port: Int) -> NotificationConfiguration {
        var configuration = NotificationConfiguration(smtpHost: "127.0.0.1", from: "threatfeed@corp.example", to: ["soc@corp.example", "admin@corp.example"])
        configuration.smtpPort = port
        configuration.tlsMode = .off
        configuration.timeoutSeconds = 5
        return configuration
    }

    func sender(port: Int, clock: VirtualClock, attempts: Int = 4) -> NotificationSender {
        NotificationSender(
            transport: SMTPClient(configuration: configuration(port: port).clientConfiguration),
            retry: RetryPolicy(maxAttempts: attempts, initialDelay: 2, maxDelay: 60), clock: clock)
    }

    let envelope = SMTPEnvelope(from: "threatfeed@corp.example", recipients: ["soc@corp.example"], message: "Subject: t\r\n\r\nbody")

    @Test func transientFailuresAreRetriedWithBackoffUntilDelivered() async throws {
        let server = try FakeSMTPServer(["--fail-rcpt", "2:451"])
        defer { server.stop() }
        let clock = VirtualClock()
        let delivery = try await sender(port: server.port, clock: clock).send(envelope)
        #expect(delivery.attempts == 3)
        #expect(try server.stats().rcpt == 3)
        #expect(try server.stats().messages == 1)
        // Equal jitter: attempt n waits between half and all of 2·2^(n-1) seconds.
        #expect(clock.sleeps.count == 2)
        #expect((1...2).contains(clock.sleeps[0]) && (2...4).contains(clock.sleeps[1]), "\(clock.sleeps)")
    }

    @Test func permanentFailuresAreNotRetried() async throws {
        let server = try FakeSMTPServer(["--fail-data", "5:554"])
        defer { server.stop() }
        let clock = VirtualClock()
        let error = await #expect(throws: NotificationSendError.self) { try await sender(port: server.port, clock: clock).send(envelope) }
        guard case .permanent(let smtp, let attempts) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(attempts == 1)
        #expect(smtp.stage == .messageBody)
        #expect(try server.stats().data == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func givesUpAfterTheLastAttempt() async throws {
        let port = try freeLoopbackPort()
        let clock = VirtualClock()
        let error = await #expect(throws: NotificationSendError.self) { try await sender(port: port, clock: clock, attempts: 3).send(envelope) }
        guard case .gaveUp(let last, let attempts) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(attempts == 3)
        #expect(last.stage == .connect)
        #expect(clock.sleeps.count == 2)
    }

    @Test func oneMessageListsExactlyTheMatchingConvictions() async throws {
        let server = try FakeSMTPServer()
        defer { server.stop() }
        var settings = configuration(port: server.port)
        settings.filter = NotificationFilter(verdicts: ["phishing", "malicious"])
        let notifier = try ConvictionNotifier(configuration: settings, clock: VirtualClock())
        let outcome = try await notifier.notify([Samples.bec, Samples.malicious, Samples.hostile], now: Samples.time)
        #expect(outcome.notifiedMessageIDs == ["etd-0001", "etd-0003"])
        let messages = try server.messages()
        #expect(messages.count == 1)
        let stored = try #require(messages.first)
        #expect(stored.envelope.rcpt_tos == ["soc@corp.example", "admin@corp.example"])
        let parsed = try ParsedMail(path: stored.path)
        #expect(parsed.subject == "ThreatFeed: 2 ETD convictions matched")
        #expect(parsed.defects.isEmpty)
        let plain = try #require(parsed.plain)
        #expect(plain.contains("etd-0001") && plain.contains("etd-0003") && !plain.contains("etd-0002"))
        #expect(try #require(parsed.html).contains("&lt;script&gt;"))

        // Nothing matching: nothing sent.
        let none = try await notifier.notify([Samples.bec], now: Samples.time)
        #expect(none == .nothingMatched)
        #expect(try server.stats().messages == 1)
    }

    @Test func dryRunSendsNothing() async throws {
        let server = try FakeSMTPServer()
        defer { server.stop() }
        var settings = configuration(port: server.port)
        settings.dryRun = true
        let outcome = try await ConvictionNotifier(configuration: settings).notify([Samples.bec], now: Samples.time)
        guard case .dryRun(let notification) = outcome else { Issue.record("\(outcome)"); return }
        #expect(notification.listedMessageIDs == ["etd-0002"])
        #expect(outcome.notifiedMessageIDs.isEmpty)
        #expect(try server.stats().ehlo == 0)
    }
}
