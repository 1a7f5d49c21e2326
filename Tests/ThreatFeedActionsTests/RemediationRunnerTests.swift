import Foundation
import Testing
import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

/// The runner and client against the fake SMA over real HTTP, with a real store, on a virtual clock.
@Suite struct RemediationRunnerTests {
    @Test func logsInOnceAndSendsOneRequestPerConviction() async throws {
        try await RemediationHarness.run { h in
            let runner = h.runner(h.configuration())
            try await runner.start()
            try await h.convict(["m1", "m2", "m3"])
            let report = try await runner.runCycle()
            #expect(report.queued == 3)
            #expect(report.done == 3)
            #expect(h.fake.logins == 1)
            #expect(h.fake.accepted.count == 3)
            let first = try #require(h.fake.received.first?.json)
            #expect(first["action"] as? String == "fwdDelete")
            #expect(first["fwd_email_address"] as? [String] == ["soc-remediation@example.com"])
            #expect(first["initiated_source"] as? String == "127.0.0.1")
            let details = try #require((first["message_details"] as? [[String: Any]])?.first)
            #expect(details["message_id"] as? String == "<m1@mail.example.org>")
            #expect(details["from_email"] as? [String] == ["billing@evil.example.org"])
            #expect(details["recipient_email"] as? [String] == ["ap@example.com", "cfo@example.com"])
            #expect(details["subject"] as? String == "Invoice m1")
            #expect(details["mid"] == nil)

            let records = try h.records()
            #expect(records.values.allSatisfy { $0.state == .done && $0.attempts == 1 && $0.answerStatus == 200 })
            let stored = try #require(records["m1"]?.request)
            #expect(stored == String(decoding: h.fake.received[0].body, as: UTF8.self))
            #expect(!stored.contains(h.fake.received[0].jwtToken ?? "none"))
            #expect(!stored.contains(FakeSMA.passphrase))

            // Nothing new: a second cycle sends nothing.
            let again = try await runner.runCycle()
            #expect(again == RemediationRunner.CycleReport())
            #expect(h.fake.received.count == 3)
        }
    }

    @Test func convictionDetailsAreStoredWithTheConvictionAndReadBack() async throws {
        try await RemediationHarness.run { h in
            let before = h.clock.now
            h.clock.advance(by: 1)
            try await h.convict(["m1"])
            try await h.convict(["s1"], verdict: "spam")
            let records = try h.store.readNow { try $0.convictionDetails(processedAfter: before, verdicts: ["phishing"]) }
            #expect(records.map(\.key) == [ConvictionKey(messageID: "m1", verdict: "phishing")])
            let details = try #require(records.first?.details)
            #expect(details.internetMessageID == "<m1@mail.example.org>")
            #expect(details.subject == "Invoice m1")
            #expect(details.mailboxes == ["ap@example.com", "cfo@example.com"])
            #expect(details.techniques == ["Malicious URL"])
            #expect(try h.store.readNow { try $0.convictionDetails(processedAfter: h.clock.now, verdicts: ["phishing"]) }.isEmpty)
        }
    }

    @Test func convictionsFromBeforeRemediationWasEnabledAreNotQueued() async throws {
        try await RemediationHarness.run { h in
            try await h.convict(["old1", "old2"])
            h.clock.advance(by: 1)
            let runner = h.runner(h.configuration())
            try await runner.start()
            h.clock.advance(by: 1)
            try await h.convict(["new1"])
            let report = try await runner.runCycle()
            #expect(report.queued == 1)
            #expect(h.fake.received.flatMap(\.messageIDs) == ["<new1@mail.example.org>"])
            // A verdict the runner does not act on is never queued.
            try await h.convict(["spam1"], verdict: "spam")
            #expect(try await runner.runCycle().queued == 0)
        }
    }

    @Test func logsInAgainWhenTheTokenExpired() async throws {
        try await RemediationHarness.run(inactivityTimeout: 60) { h in
            let runner = h.runner(h.configuration())
            try await runner.start()
            try await h.convict(["m1"])
            try await runner.runCycle()
            // Past the inactivity timeout: the next request gets 401, the session logs in again and resends.
            h.clock.advance(by: 120)
            try await h.convict(["m2"])
            let report = try await runner.runCycle()
            #expect(report.done == 1)
            #expect(h.fake.logins == 2)
            // An injected expiry works the same way.
            h.fake.inject(.expiredToken, on: .remediation)
            try await h.convict(["m3"])
            #expect(try await runner.runCycle().done == 1)
            #expect(h.fake.logins == 3)
            #expect(h.fake.accepted.count == 3)
            #expect(try h.records().values.allSatisfy { $0.state == .done && $0.attempts == 1 })
        }
    }

    @Test func serverErrorsAreRetriedWithBackoffUntilAccepted() async throws {
        try await RemediationHarness.run { h in
            let runner = h.runner(h.configuration())
            try await runner.start()
            try await h.convict(["m1"])
            h.fake.inject(.status(503), on: .remediation, times: 2)
            let first = try await runner.runCycle()
            #expect(first.rescheduled == 1)
            var record = try #require(try h.records()["m1"])
            #expect(record.state == .pending)
            #expect(record.answerStatus == 503)
            let wait = try #require(record.nextAttempt).timeIntervalSince(h.clock.now)
            #expect(wait >= 7.5 && wait <= 15)
            // Not due yet: nothing is sent.
            _ = try await runner.runCycle()
            #expect(h.fake.received.count == 1)
            for _ in 0..<3 {
                if try h.records()["m1"]?.state != .pending { break }
                h.clock.advance(by: 3_600)
                try await runner.runCycle()
            }
            record = try #require(try h.records()["m1"])
            #expect(record.state == .done)
            #expect(record.attempts == 3)
            #expect(h.fake.accepted.count == 1)
            #expect(h.fake.received.count == 3)
        }
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        try await RemediationHarness.run { h in
            let runner = h.runner(h.configuration())
            try await runner.start()
            try await h.convict(["m1"])
            h.fake.inject(.tooManyRequests(retryAfter: 90), on: .remediation)
            let started = h.clock.now
            let report = try await runner.runCycle()
            #expect(report.rescheduled == 1)
            let record = try #require(try h.records()["m1"])
            #expect(record.state == .pending)
            #expect(record.answerStatus == 429)
            let wait = try #require(record.nextAttempt).timeIntervalSince(started)
            #expect(wait >= 89 && wait <= 91)
            h.clock.advance(by: 91)
            #expect(try await runner.runCycle().done == 1)
        }
    }

    @Test func permanentRefusalIsRecordedWithSMAsAnswer() async throws {
        try await RemediationHarness.run { h in
            let runner = h.runner(h.configuration())
            try await runner.start()
            try await h.convict(["m1", "m2"])
            h.fake.inject(.status(400), on: .remediation)
            let report = try await runner.runCycle()
            #expect(report.failed == 1)
            #expect(report.done == 1)
            let failed = try #require(try h.records().values.first { $0.state == .failed })
            #expect(failed.answerStatus == 400)
            #expect(failed.answerBody?.contains("Invalid value for message_details") == true)
            #expect(failed.attempts == 1)
            let status = try await h.store.remediationStatus()
            #expect(status.counts[.failed] == 1)
            #expect(status.counts[.done] == 1)
            #expect(status.lastError?.contains("HTTP 400") == true)
            // Failed stays failed: later cycles do not resend it.
            h.clock.advance(by: 86_400)
            try await runner.runCycle()
            #expect(h.fake.received.count == 2)
        }
    }

    @Test func wrongPassphraseSendsNothingAndNeverLeaksIt() async throws {
        try await RemediationHarness.run { h in
            let runner = h.runner(h.configuration(password: "wrong-passphrase-must-not-leak"))
            try await runner.start()
            try await h.convict(["m1"])
            let report = try await runner.runCycle()
            #expect(report.stoppedBy?.contains("rejected the user name or passphrase") == true)
            #expect(report.stoppedBy?.contains("wrong-passphrase") == false)
            #expect(h.fake.received.isEmpty)
            #expect(try h.records()["m1"]?.state == .pending)
            #expect(try h.records()["m1"]?.attempts == 0)
            let status = try await h.store.remediationStatus()
            #expect(status.lastError?.contains("wrong-passphrase") == false)
        }
    }

    @Test func unreachableSMAIsTransient() async throws {
        try await RemediationHarness.run { h in
            var configuration = h.configuration()
            configuration.smaURL = "http://127.0.0.1:\(try freeLoopbackPort())"
            let runner = h.runner(configuration)
            try await runner.start()
            try await h.convict(["m1"])
            let report = try await runner.runCycle()
            #expect(report.stoppedBy != nil)
            #expect(try h.records()["m1"]?.state == .pending)
        }
    }

    @Test func malformedLoginAnswerIsAnError() async throws {
        try await RemediationHarness.run { h in
            h.fake.inject(.malformedBody, on: .login)
            let runner = h.runner(h.configuration())
            try await runner.start()
            try await h.convict(["m1"])
            let report = try await runner.runCycle()
            #expect(report.stoppedBy?.contains("unexpected login answer") == true)
            #expect(try await runner.runCycle().done == 1)
        }
    }

    @Test func dryRunRecordsTheBodyAndContactsNobody() async throws {
        try await RemediationHarness.run { h in
            let runner = h.runner(h.configuration(dryRun: true))
            try await runner.start()
            try await h.convict(["m1", "m2"])
            let report = try await runner.runCycle()
            #expect(report.dryRun == 2)
            #expect(h.fake.logins == 0)
            #expect(h.fake.failedLogins == 0)
            #expect(h.fake.received.isEmpty)
            let record = try #require(try h.records()["m1"])
            #expect(record.state == .dryRun)
            let body = try #require(record.request)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect((object["data"] as? [String: Any])?["action"] as? String == "fwdDelete")
        }
    }

    @Test func aRowLeftSendingBecomesUnconfirmedAndIsOnlyResentOnRequest() async throws {
        try await RemediationHarness.run { h in
            let first = h.runner(h.configuration())
            try await first.start()
            try await h.convict(["m1"])
            // As if the process died while SMA was answering: the row is committed as sending.
            _ = try await h.store.queueRemediations(action: .fwdDelete, verdicts: ["phishing"], at: h.clock.now)
            try await h.store.markRemediationSending(messageID: "m1", action: .fwdDelete, request: "{}", at: h.clock.now)

            let restarted = h.runner(h.configuration())
            #expect(try await restarted.start() == ["m1"])
            #expect(try await restarted.runCycle().done == 0)
            #expect(h.fake.received.isEmpty)
            #expect(try h.records()["m1"]?.state == .unconfirmed)
            #expect(try h.store.readNow { try $0.remediations(problemsOnly: true) }.map(\.messageID) == ["m1"])

            let moved = try h.store.writeNow { try $0.retryRemediations(messageID: nil, allUnconfirmed: true) }
            #expect(moved == ["m1"])
            #expect(try await restarted.runCycle().done == 1)
            #expect(h.fake.accepted.count == 1)
        }
    }
}
